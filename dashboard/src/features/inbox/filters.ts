import type { InboxFilters } from "./queries";

export const STATUSES = ["open", "closed", "all"] as const;

type Params = { get(name: string): string | null };

/** The filters the address bar keeps. */
export type UrlFilters = Pick<InboxFilters, "status" | "mine" | "campaign">;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The list's filters as the address bar keeps them (?status=closed&mine=1&campaign=<id>): reload and back/forward
 * keep them, and a campaign's page links to the replies it got. Anything malformed falls back to the default.
 */
export function filtersFromParams(params: Params | null): UrlFilters {
  const status = params?.get("status");
  const campaign = params?.get("campaign") ?? "";
  return {
    status: (STATUSES as readonly string[]).includes(status ?? "") ? (status as InboxFilters["status"]) : "open",
    mine: params?.get("mine") === "1",
    campaign: UUID.test(campaign) ? campaign.toLowerCase() : null,
  };
}

/** The query string for these filters, "" for the default (Open, everyone's), else "?status=…&mine=1&campaign=…". */
export function filtersQuery(f: UrlFilters): string {
  const qs = new URLSearchParams();
  if (f.status !== "open") qs.set("status", f.status);
  if (f.mine) qs.set("mine", "1");
  if (f.campaign) qs.set("campaign", f.campaign);
  const s = qs.toString();
  return s ? `?${s}` : "";
}

export type EmptyState =
  | { kind: "none" }
  | { kind: "search"; q: string }
  | { kind: "campaign" }
  | { kind: "filtered"; status: InboxFilters["status"]; mine: boolean };

/**
 * What an empty list means: with no filter at all (All, everyone's, no search) there are no conversations yet;
 * otherwise none match the filter (or nobody replied to the campaign filtered by), and the page offers to show all.
 */
export function emptyStateOf(f: InboxFilters): EmptyState {
  if (f.q.trim() !== "") return { kind: "search", q: f.q.trim() };
  if (f.campaign) return { kind: "campaign" };
  if (f.status === "all" && !f.mine) return { kind: "none" };
  return { kind: "filtered", status: f.status, mine: f.mine };
}

/**
 * Who the assignment menu offers: members who can answer (a viewer cannot reply, and the API refuses them), plus
 * whoever holds the conversation now, so the menu still shows them.
 */
export function assignableMembers<M extends { userId: string; role: string }>(
  members: M[],
  current: string | null,
): M[] {
  return members.filter((m) => m.role !== "viewer" || m.userId === current);
}
