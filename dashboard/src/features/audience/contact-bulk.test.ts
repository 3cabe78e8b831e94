import { ZListMembersMatchingRequest } from "@mirage/contracts/lists";
import { describe, expect, it } from "vitest";
import { addedCounts, matchingFilter, offerAllMatching, sameFilter } from "./contact-bulk";

describe("select all matching", () => {
  it("is offered only when every row shown is selected and more match than are loaded", () => {
    expect(offerAllMatching("all", true, false)).toBe(true);
    expect(offerAllMatching("all", false, false)).toBe(false);
    expect(offerAllMatching("some", true, false)).toBe(false);
    expect(offerAllMatching("none", true, false)).toBe(false);
    expect(offerAllMatching("all", true, true)).toBe(false);
  });

  it("sends the table's filter without its empty values, as the API's request takes it", () => {
    const filter = matchingFilter({ q: "", tag: "vip", listId: undefined, consent: "opted_in", replied: "false" });
    expect(filter).toEqual({ tag: "vip", consent: "opted_in", replied: "false" });
    expect(ZListMembersMatchingRequest.safeParse({ filter }).success).toBe(true);
    // No filter at all is the whole organization: still a valid, explicit request.
    expect(ZListMembersMatchingRequest.safeParse({ filter: matchingFilter({ q: "" }) }).success).toBe(true);
  });

  it("lapses when the filter changes, not when only empty values differ", () => {
    expect(sameFilter({ tag: "vip", q: "" }, { tag: "vip" })).toBe(true);
    expect(sameFilter({ tag: "vip" }, { tag: "vip", consent: "opted_in" })).toBe(false);
    expect(sameFilter({ q: "ana" }, { q: "bia" })).toBe(false);
  });

  it("the toast counts what the API says joined and was there, for ids and for a filter", () => {
    expect(addedCounts({ kind: "ids", ids: ["a", "b", "b", "c"] }, { changed: 1 })).toEqual({ added: 1, already: 2 });
    const answer = { matched: 5120, added: 5000, already: 120 };
    expect(addedCounts({ kind: "matching", filter: { tag: "vip" } }, answer)).toEqual({ added: 5000, already: 120 });
  });
});
