/**
 * The server half of the one pagination scheme (`pageOf` in @mirage/contracts/common): the query module is asked for
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
