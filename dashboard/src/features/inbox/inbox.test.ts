import { describe, expect, it } from "vitest";
import { emptyStateOf, filtersFromParams, filtersQuery } from "./filters";

describe("inbox filters", () => {
  it("live in the address bar: Open and everyone's by default, anything unknown falls back to them", () => {
    expect(filtersFromParams(new URLSearchParams(""))).toEqual({ status: "open", mine: false });
    expect(filtersFromParams(new URLSearchParams("status=closed&mine=1"))).toEqual({ status: "closed", mine: true });
    expect(filtersFromParams(new URLSearchParams("status=bogus&mine=yes"))).toEqual({ status: "open", mine: false });
    expect(filtersFromParams(null)).toEqual({ status: "open", mine: false });
  });
  it("round-trip through the query string, the default being a bare /inbox", () => {
    expect(filtersQuery({ status: "open", mine: false })).toBe("");
    expect(filtersQuery({ status: "all", mine: false })).toBe("?status=all");
    expect(filtersQuery({ status: "open", mine: true })).toBe("?mine=1");
    for (const f of [
      { status: "closed", mine: true },
      { status: "all", mine: false },
    ] as const) {
      expect(filtersFromParams(new URLSearchParams(filtersQuery(f).slice(1)))).toEqual(f);
    }
  });
  it("an empty list says none match the filter unless nothing filters it", () => {
    expect(emptyStateOf({ status: "all", mine: false, q: "" })).toEqual({ kind: "none" });
    expect(emptyStateOf({ status: "open", mine: false, q: "" })).toEqual({
      kind: "filtered",
      status: "open",
      mine: false,
    });
    expect(emptyStateOf({ status: "all", mine: true, q: "" })).toEqual({ kind: "filtered", status: "all", mine: true });
    expect(emptyStateOf({ status: "open", mine: false, q: " ana " })).toEqual({ kind: "search", q: "ana" });
  });
});
