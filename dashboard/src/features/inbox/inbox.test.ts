import { describe, expect, it } from "vitest";
import { assignableMembers, emptyStateOf, filtersFromParams, filtersQuery } from "./filters";

const CAMPAIGN = "5c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f";

describe("inbox filters", () => {
  it("live in the address bar: Open and everyone's by default, anything unknown falls back to them", () => {
    const none = { status: "open", mine: false, campaign: null };
    expect(filtersFromParams(new URLSearchParams(""))).toEqual(none);
    expect(filtersFromParams(new URLSearchParams("status=closed&mine=1"))).toEqual({
      status: "closed",
      mine: true,
      campaign: null,
    });
    expect(filtersFromParams(new URLSearchParams("status=bogus&mine=yes&campaign=1;drop"))).toEqual(none);
    expect(filtersFromParams(null)).toEqual(none);
    expect(filtersFromParams(new URLSearchParams(`campaign=${CAMPAIGN.toUpperCase()}`)).campaign).toBe(CAMPAIGN);
  });
  it("round-trip through the query string, the default being a bare /inbox", () => {
    expect(filtersQuery({ status: "open", mine: false, campaign: null })).toBe("");
    expect(filtersQuery({ status: "all", mine: false, campaign: null })).toBe("?status=all");
    expect(filtersQuery({ status: "open", mine: true, campaign: null })).toBe("?mine=1");
    expect(filtersQuery({ status: "all", mine: false, campaign: CAMPAIGN })).toBe(`?status=all&campaign=${CAMPAIGN}`);
    for (const f of [
      { status: "closed", mine: true, campaign: null },
      { status: "all", mine: false, campaign: CAMPAIGN },
    ] as const) {
      expect(filtersFromParams(new URLSearchParams(filtersQuery(f).slice(1)))).toEqual(f);
    }
  });
  it("an empty list says none match the filter unless nothing filters it", () => {
    const f = { status: "all", mine: false, q: "", campaign: null } as const;
    expect(emptyStateOf(f)).toEqual({ kind: "none" });
    expect(emptyStateOf({ ...f, status: "open" })).toEqual({ kind: "filtered", status: "open", mine: false });
    expect(emptyStateOf({ ...f, mine: true })).toEqual({ kind: "filtered", status: "all", mine: true });
    expect(emptyStateOf({ ...f, status: "open", q: " ana " })).toEqual({ kind: "search", q: "ana" });
    // Filtered to a campaign's replies, an empty list says nobody replied, not that there are no conversations.
    expect(emptyStateOf({ ...f, campaign: CAMPAIGN })).toEqual({ kind: "campaign" });
  });
});

describe("inbox assignment", () => {
  const members = [
    { userId: "o", role: "owner" },
    { userId: "m", role: "marketer" },
    { userId: "v", role: "viewer" },
    { userId: "w", role: "viewer" },
  ];
  it("offers the members who can answer, and whoever holds the conversation now", () => {
    expect(assignableMembers(members, null).map((m) => m.userId)).toEqual(["o", "m"]);
    expect(assignableMembers(members, "v").map((m) => m.userId)).toEqual(["o", "m", "v"]);
  });
});
