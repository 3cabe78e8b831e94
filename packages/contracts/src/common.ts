import { z } from "zod";

/** Shared building blocks of the REST DTOs. Request schemas are strict: unknown fields are an error, not silently
 * dropped, so a typo in an integration fails loudly instead of doing something else. */
export const ZUuid = z.uuid();
export const ZTimestamp = z.iso.datetime({ offset: true });

export const ZOrgIdParams = z.strictObject({ orgId: ZUuid });

/** Description texts repeated across response schemas. */
export const CREATED_AT = "When it was created (ISO 8601 with offset).";
export const UPDATED_AT = "When it was last changed (ISO 8601 with offset).";
export const ORG_ID = "The organization it belongs to.";

/**
 * A complete list (small by nature: organizations, members, keys, endpoints, instances): every row, no cursor. A list
 * with a fixed bound (the latest N) says so in `description`.
 * Lists that grow without bound are pages instead: {@link pageOf} when they are ordered by id, {@link cursorPageOf}
 * when they are ordered by something else; there is no other shape.
 */
export const listOf = <T extends z.ZodType>(
  item: T,
  description = "The rows, all in one answer (this list has no pagination).",
) => z.object({ items: z.array(item).describe(description) });

/**
 * Pagination by id (audit log, messages, instance events, webhook deliveries): newest first by integer id. Pass `nextBeforeId` back as `beforeId` for the next page;
 * it is non-null exactly when more rows exist.
 */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item).describe("This page's rows, newest first (highest id first)."),
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

/**
 * Pagination by an opaque cursor, for lists ordered by something other than an integer id (contacts by creation
 * time, blacklist entries by creation time, conversations by last activity, a conversation's timeline by time): pass
 * `nextCursor` back as `cursor` for the next page; it is null on the last page. Clients never look inside a cursor
 * ({@link encodeCursor} makes them).
 */
export const cursorPageOf = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item).describe("This page's rows, in the list's order."),
    nextCursor: z.string().nullable().describe("Opaque: pass as `cursor` for the next page; null on the last page."),
  });

/** Query parameters of every {@link cursorPageOf} list; spread its `.shape` next to the list's filters. */
export const cursorPageQuery = (opts: { defaultLimit: number; maxLimit: number }) =>
  z.strictObject({
    /** Opaque: the `nextCursor` of the previous page. */
    cursor: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(opts.maxLimit).default(opts.defaultLimit),
  });

/**
 * The one cursor format of {@link cursorPageOf}: the keyset position (the sort keys of a page's last row, e.g.
 * `[createdAtIso, id]`) as JSON in base64url. Browser-safe (no Buffer).
 */
export function encodeCursor(position: readonly (string | number)[]): string {
  const bytes = new TextEncoder().encode(JSON.stringify(position));
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/**
 * Reads a cursor made by {@link encodeCursor}: the position when it is base64url JSON that `shape` accepts (e.g.
 * `z.tuple([z.iso.datetime({ offset: true }), z.uuid()])`), otherwise undefined (a cursor this API never made).
 */
export function decodeCursor<T>(cursor: string, shape: z.ZodType<T>): T | undefined {
  try {
    const binary = atob(cursor.replaceAll("-", "+").replaceAll("_", "/"));
    const json = new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
    const parsed = shape.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
