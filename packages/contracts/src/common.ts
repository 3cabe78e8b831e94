import { z } from "zod";

/** Shared building blocks of the REST DTOs. Request schemas are strict: unknown fields are an error, not silently
 * dropped, so a typo in an integration fails loudly instead of doing something else. */
export const ZUuid = z.uuid();
export const ZTimestamp = z.iso.datetime({ offset: true });

export const ZOrgIdParams = z.strictObject({ orgId: ZUuid });

/** List envelope: keyset pagination with the id to pass as `beforeId` for the next page. */
export const listOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextBeforeId: z.number().int().nullable().optional() });
