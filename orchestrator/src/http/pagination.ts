import { decodeCursor, encodeCursor } from "@mirage/contracts/common";
import type { z } from "zod";
import { AppError } from "./app-error.ts";

/**
 * The server half of the id pagination scheme (`pageOf` in @mirage/contracts/common): the query module is asked for
 * `limit + 1` rows, newest first; the extra row only proves that a next page exists.
 *
 * @param rows at most limit + 1 rows ordered by id descending.
 * @returns `{ items, nextBeforeId }` with nextBeforeId = id of the last item when more rows exist, else null.
 */
export function toPage<T extends { id: number }>(
  rows: T[],
  limit: number,
): { items: T[]; nextBeforeId: number | null } {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextBeforeId: rows.length > limit && last ? last.id : null };
}

/**
 * The server half of the opaque-cursor scheme (`cursorPageOf` in @mirage/contracts/common), for lists sorted by
 * other keys than an id. Reads a client's `cursor` query parameter back into the keyset position it encodes.
 *
 * @param cursor the query parameter (undefined on the first page).
 * @param shape the position's shape, e.g. `z.tuple([z.iso.datetime({ offset: true }), z.uuid()])`.
 * @returns the position, or undefined without a cursor.
 * @throws AppError `bad_request` ("invalid cursor") for a cursor this API did not make.
 */
export function readCursor<T>(cursor: string | undefined, shape: z.ZodType<T>): T | undefined {
  if (cursor === undefined) return undefined;
  const position = decodeCursor(cursor, shape);
  if (position === undefined) throw new AppError("bad_request", "invalid cursor");
  return position;
}

/**
 * One page of a cursor-paginated list from `limit + 1` rows (the extra row only proves that a next page exists).
 *
 * @param position the keyset position of a row (its sort keys, in sort order), made into the next cursor.
 * @returns `{ items, nextCursor }` with nextCursor = the last item's position when more rows exist, else null.
 */
export function toCursorPage<T>(
  rows: T[],
  limit: number,
  position: (row: T) => readonly (string | number)[],
): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(position(last)) : null };
}
