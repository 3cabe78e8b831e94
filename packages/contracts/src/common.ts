import { z } from "zod";

/** Shared building blocks of the REST DTOs. Request schemas are strict: unknown fields are an error, not silently
 * dropped, so a typo in an integration fails loudly instead of doing something else. */
export const ZUuid = z.uuid();
export const ZTimestamp = z.iso.datetime({ offset: true });

export const ZOrgIdParams = z.strictObject({ orgId: ZUuid });

/**
 * A complete list (small by nature: organizations, members, keys, endpoints, instances): every row, no cursor.
 * Lists that grow without bound are pages ({@link pageOf}) instead; there is no third shape.
 */
export const listOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });

/**
 * The one pagination scheme: newest first by integer id. Pass `nextBeforeId` back as `beforeId` for the next page;
 * it is non-null exactly when more rows exist.
 */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    nextBeforeId: z.number().int().nullable().describe("pass as beforeId for the next page; null on the last page"),
  });

/** Query parameters of every paginated list ({@link pageOf}); extend it for filters. */
export const pageQuery = (opts: { defaultLimit: number; maxLimit: number }) =>
  z.strictObject({
    beforeId: z.coerce
      .number()
      .int()
      .positive()
      .optional()
      .describe("only rows with a smaller id: the nextBeforeId of the previous page"),
    limit: z.coerce.number().int().min(1).max(opts.maxLimit).default(opts.defaultLimit),
  });
