import { ZUpdateContactRequest } from "@mirage/contracts/contacts";
import { describe, expect, it } from "vitest";
import { customFieldsPatch, type FieldRow, fieldProblems, fieldRows } from "./custom-field-edits";

const stored = { cidade: "Recife", plano: 2, vip: true };
const rows = () => fieldRows(stored);
const edit = (rs: FieldRow[], i: number, patch: Partial<FieldRow>) =>
  rs.map((r, j) => (j === i ? { ...r, ...patch } : r));

describe("a contact's custom fields as rows", () => {
  it("shows every stored value as text, and sends nothing when nothing changed", () => {
    expect(rows().map((r) => [r.key, r.value])).toEqual([
      ["cidade", "Recife"],
      ["plano", "2"],
      ["vip", "true"],
    ]);
    expect(customFieldsPatch(stored, rows())).toBeNull();
    // A blank row added and left empty is no change either.
    expect(customFieldsPatch(stored, [...rows(), { id: 9, key: " ", value: "" }])).toBeNull();
  });

  it("sends only changed and new keys (untouched numbers keep their type) and removes with null", () => {
    const changed = edit(rows(), 0, { value: "Olinda" });
    const added = [...changed, { id: 9, key: " Data de Nascimento ", value: "1990-05-01" }];
    const removed = added.filter((r) => r.key !== "vip");
    const body = customFieldsPatch(stored, removed);
    expect(body).toEqual({
      customFields: { cidade: "Olinda", "Data de Nascimento": "1990-05-01", vip: null },
      mergeCustomFields: true,
    });
    expect(ZUpdateContactRequest.safeParse(body).success).toBe(true);
  });

  it("a renamed key is the old one removed and the new one set", () => {
    const body = customFieldsPatch(stored, edit(rows(), 0, { key: "city" }));
    expect(body?.customFields).toEqual({ cidade: null, city: "Recife" });
  });

  it("flags empty, duplicate and unreadable keys, as the API would refuse them", () => {
    const rs = [
      ...edit(rows(), 1, { key: "" }),
      { id: 7, key: "cidade", value: "x" },
      { id: 8, key: "{{cupom}}", value: "10OFF" },
      { id: 9, key: "", value: "" },
    ];
    expect(fieldProblems(stored, rs)).toEqual(["duplicate", "empty", null, "duplicate", "invalid", null]);
    // The API refuses the same key ("{{cupom}}") the dashboard flags.
    const body = customFieldsPatch(stored, [...rows(), { id: 8, key: "{{cupom}}", value: "10OFF" }]);
    expect(ZUpdateContactRequest.safeParse(body).success).toBe(false);
  });

  it("a stored key outside the rule stays while untouched and can be removed", () => {
    const legacy = { "a|b": "old" };
    expect(fieldProblems(legacy, fieldRows(legacy))).toEqual([null]);
    expect(fieldProblems(legacy, edit(fieldRows(legacy), 0, { value: "new" }))).toEqual(["invalid"]);
    const body = customFieldsPatch(legacy, []);
    expect(body).toEqual({ customFields: { "a|b": null }, mergeCustomFields: true });
    expect(ZUpdateContactRequest.safeParse(body).success).toBe(true);
  });
});
