import type { InboxFilters } from "./queries";

export const STATUSES = ["open", "closed", "all"] as const;

type Params = { get(name: string): string | null };

/** The list's filters as the address bar keeps them (?status=closed&mine=1): reload and back/forward keep them. */
export function filtersFromParams(params: Params | null): Pick<InboxFilters, "status" | "mine"> {
  const status = params?.get("status");
  return {
    status: (STATUSES as readonly string[]).includes(status ?? "") ? (status as InboxFilters["status"]) : "open",
    mine: params?.get("mine") === "1",
  };
}

/** The query string for these filters, "" for the default (Open, everyone's), else "?status=…&mine=1". */
export function filtersQuery(f: Pick<InboxFilters, "status" | "mine">): string {
  const qs = new URLSearchParams();
  if (f.status !== "open") qs.set("status", f.status);
  if (f.mine) qs.set("mine", "1");
  const s = qs.toString();
  return s ? `?${s}` : "";
}

export type EmptyState =
  | { kind: "none" }
  | { kind: "search"; q: string }
  | { kind: "filtered"; status: InboxFilters["status"]; mine: boolean };

/**
 * What an empty list means: with no filter at all (All, everyone's, no search) there are no conversations yet;
 * otherwise none match the filter, and the page offers to show all.
 */
export function emptyStateOf(f: InboxFilters): EmptyState {
  if (f.q.trim() !== "") return { kind: "search", q: f.q.trim() };
  if (f.status === "all" && !f.mine) return { kind: "none" };
  return { kind: "filtered", status: f.status, mine: f.mine };
}
