import { describe, expect, it } from "vitest";
import { mappingOf, rolesOf } from "./mapping";
import { EMPTY_FORM, toFilter, toForm } from "./segment-filter";

describe("import mapping editor", () => {
  const header = ["Nome", "Celular", "Telefone", "Cidade", "Etiquetas", "Obs"];
  it("reads a mapping as one role per column and writes it back", () => {
    const mapping = { phone: ["Celular", "Telefone"], name: ["Nome"], tags: "Etiquetas", ignore: ["Obs"] };
    const roles = rolesOf(header, mapping);
    expect(roles).toEqual(["name", "phone", "phone", "field", "tags", "ignore"]);
    expect(mappingOf(header, roles)).toEqual(mapping);
  });
  it("refuses a mapping without a phone column; first and last name replace the name", () => {
    expect(mappingOf(header, ["name", "field", "field", "field", "tags", "ignore"])).toBeNull();
    expect(mappingOf(["First", "Last", "Mobile"], ["firstName", "lastName", "phone"])).toEqual({
      phone: ["Mobile"],
      firstName: "First",
      lastName: "Last",
    });
  });
});

describe("segment builder form", () => {
  it("an empty form is an empty filter (everyone)", () => {
    expect(toFilter(EMPTY_FORM)).toEqual({});
  });
  it("turns typed tags, choices, days and field conditions into the contracts' filter, and back", () => {
    const filter = toFilter({
      ...EMPTY_FORM,
      tagsAny: " vip, lead ,vip,",
      consent: ["opted_in"],
      replied: "false",
      createdFrom: "2026-11-01",
      customFields: [
        { key: "cidade", op: "equals", value: "Recife" },
        { key: "email", op: "exists", value: "ignored" },
        { key: "", op: "equals", value: "no key" },
        { key: "bairro", op: "contains", value: "" },
      ],
    });
    expect(filter).toMatchObject({
      tagsAny: ["vip", "lead"],
      consent: ["opted_in"],
      replied: false,
      customFields: [
        { key: "cidade", op: "equals", value: "Recife" },
        { key: "email", op: "exists" },
      ],
    });
    expect(new Date(filter.createdFrom ?? "").getDate()).toBe(1);
    const back = toForm(filter);
    expect(back.tagsAny).toBe("vip, lead");
    expect(back.createdFrom).toBe("2026-11-01");
    expect(back.replied).toBe("false");
    expect(toFilter(back)).toEqual(filter);
  });
});
