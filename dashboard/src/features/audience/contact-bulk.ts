import type { TContactFilter } from "@mirage/contracts/contacts";
import type { TListMembersMatchingResult } from "@mirage/contracts/lists";
import type { ContactFilters } from "./queries";

/**
 * "Select all N matching" (as Gmail does): once every loaded row is selected and the filter matches more than is
 * loaded, the table offers the whole filter; the bulk action then sends the filter, not ids, and the API acts on
 * what it matches when the request runs (`POST /lists/{id}/members/matching`).
 */

/** What the bulk actions act on: the rows picked by hand, or every contact the filter matches. */
export type BulkTarget = { kind: "ids"; ids: readonly string[] } | { kind: "matching"; filter: TContactFilter };

/** Offer "Select all N matching" only when the page is all selected and there is more than what is loaded. */
export function offerAllMatching(page: "all" | "some" | "none", hasMore: boolean, allMatching: boolean): boolean {
  return page === "all" && hasMore && !allMatching;
}

/** The filter as the API takes it: the table's filters without the empty ones. */
export function matchingFilter(filters: ContactFilters): TContactFilter {
  const out: TContactFilter = {};
  for (const [k, v] of Object.entries(filters) as [keyof ContactFilters, string | undefined][]) {
    if (v) (out as Record<string, string>)[k] = v;
  }
  return out;
}

/** Two filters select the same contacts (an "all matching" selection is dropped when the filter changes). */
export function sameFilter(a: ContactFilters, b: ContactFilters): boolean {
  const x = matchingFilter(a);
  const y = matchingFilter(b);
  const keys = new Set([...Object.keys(x), ...Object.keys(y)]) as Set<keyof TContactFilter>;
  return [...keys].every((k) => x[k] === y[k]);
}

/** The toast's numbers: joined now, and already there (for ids: those sent that did not join). */
export function addedCounts(
  target: BulkTarget,
  answer: { changed: number } | TListMembersMatchingResult,
): { added: number; already: number } {
  if ("matched" in answer) return { added: answer.added, already: answer.already };
  const sent = target.kind === "ids" ? new Set(target.ids).size : answer.changed;
  return { added: answer.changed, already: sent - answer.changed };
}
