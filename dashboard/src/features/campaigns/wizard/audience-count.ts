import type { TSegmentFilter } from "@mirage/contracts/segments";

const MAX_LISTS = 50; // the filter's inListsAny/notInLists limit

/**
 * How to count the people a campaign's lists and segments reach, a person in several counting once, with the
 * API's filter count (POST /segments/count; its filters are AND-only, so a union needs care):
 * - lists only: one filter, in any of them;
 * - one segment only: its filter;
 * - lists and one segment: the lists' people plus the segment's people in none of those lists;
 * - several segments: no exact union, so `exact: false` (the wizard says "up to" the sum).
 * `terms` are the filters whose counts add up to the audience.
 */
export function audienceCountPlan(
  listIds: readonly string[],
  segments: readonly { filter: TSegmentFilter }[],
): { exact: true; terms: TSegmentFilter[] } | { exact: false } {
  if (listIds.length === 0 && segments.length === 0) return { exact: true, terms: [] };
  if (segments.length > 1 || listIds.length > MAX_LISTS) return { exact: false };
  const terms: TSegmentFilter[] = [];
  if (listIds.length > 0) terms.push({ inListsAny: [...listIds] });
  const segment = segments[0];
  if (segment) {
    if (listIds.length === 0) terms.push(segment.filter);
    else {
      const notInLists = [...new Set([...(segment.filter.notInLists ?? []), ...listIds])];
      if (notInLists.length > MAX_LISTS) return { exact: false };
      terms.push({ ...segment.filter, notInLists });
    }
  }
  return { exact: true, terms };
}
