import { ZConsentRequest, ZUpdateContactRequest } from "@mirage/contracts/contacts";
import { ZListMembersRequest } from "@mirage/contracts/lists";
import { describe, expect, it } from "vitest";
import {
  consentBody,
  contactForm,
  contactPatch,
  keepVisible,
  MEMBERS_PER_REQUEST,
  memberBodies,
  pageSelection,
  parseTags,
  toggleAll,
  toggleOne,
} from "./contact-edits";

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

describe("contacts table selection", () => {
  const ids = ["a", "b", "c"];
  it("says whether the rows on screen are all, some or none selected", () => {
    expect(pageSelection(new Set(), ids)).toBe("none");
    expect(pageSelection(new Set(["b", "z"]), ids)).toBe("some");
    expect(pageSelection(new Set(ids), ids)).toBe("all");
    expect(pageSelection(new Set(), [])).toBe("none");
  });
  it("flips one row", () => {
    const one = toggleOne(new Set(), "a");
    expect([...one]).toEqual(["a"]);
    expect([...toggleOne(one, "a")]).toEqual([]);
  });
  it("select-all adds the rows on screen, or removes them when all are selected, keeping the others", () => {
    expect([...toggleAll(new Set(["b"]), ids)].sort()).toEqual(["a", "b", "c"]);
    expect([...toggleAll(new Set(["a", "b", "c", "z"]), ids)]).toEqual(["z"]);
  });
  it("drops the rows a filter hid, and keeps the same set when nothing changed", () => {
    const s = new Set(["a", "z"]);
    expect([...keepVisible(s, ids)]).toEqual(["a"]);
    const same = new Set(["a"]);
    expect(keepVisible(same, ids)).toBe(same);
  });
});

describe("adding to a list", () => {
  it("sends each contact once, in requests the API accepts", () => {
    const ids = Array.from({ length: MEMBERS_PER_REQUEST + 2 }, (_, i) => uuid(i));
    const bodies = memberBodies([...ids, ids[0] ?? ""]);
    expect(bodies.map((b) => b.contactIds.length)).toEqual([MEMBERS_PER_REQUEST, 2]);
    for (const b of bodies) expect(ZListMembersRequest.safeParse(b).success).toBe(true);
    expect(memberBodies([])).toEqual([]);
  });
});

describe("editing a contact", () => {
  const contact = { name: "Ana Souza", tags: ["vip", "lead"] };
  it("reads tags typed with commas: trimmed, once each, none empty, at most 64 characters", () => {
    expect(parseTags(" vip, lead ,vip,, ")).toEqual(["vip", "lead"]);
    expect(parseTags("")).toEqual([]);
    expect(parseTags("x".repeat(70))).toEqual(["x".repeat(64)]);
  });
  it("sends only what changed, nothing when nothing did", () => {
    expect(contactPatch(contact, contactForm(contact))).toBeNull();
    expect(contactPatch(contact, { name: " Ana M. Souza ", tags: "vip, lead" })).toEqual({ name: "Ana M. Souza" });
    expect(contactPatch(contact, { name: "Ana Souza", tags: "lead" })).toEqual({ tags: ["lead"] });
  });
  it("an emptied name is removed (null) and emptied tags are an empty list; the bodies pass the contract", () => {
    const body = contactPatch(contact, { name: "  ", tags: "" });
    expect(body).toEqual({ name: null, tags: [] });
    expect(ZUpdateContactRequest.safeParse(body).success).toBe(true);
    expect(contactPatch({ name: null, tags: [] }, { name: "", tags: "" })).toBeNull();
  });
  it("records consent with its source, and the evidence only when given", () => {
    expect(consentBody("opted_out", " asked by phone ", "  ")).toEqual({
      state: "opted_out",
      source: "asked by phone",
    });
    const body = consentBody("opted_in", "site form", " checkbox v3 ");
    expect(body).toEqual({ state: "opted_in", source: "site form", evidence: "checkbox v3" });
    expect(ZConsentRequest.safeParse(body).success).toBe(true);
  });
});
