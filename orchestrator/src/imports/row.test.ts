import { describe, expect, it } from "vitest";
import { resolveMapping } from "./mapping.ts";
import { buildRow, SeenNumbers } from "./row.ts";

const header = ["Nome", "Celular", "Telefone"];
const mapping = resolveMapping(header, { phone: ["Celular", "Telefone"], name: ["Nome"] });
const phonesOf = (record: string[]) => {
  if ("reason" in mapping) throw new Error(mapping.reason);
  const out = buildRow(record, header, mapping, { defaultCountry: "BR", tags: [] });
  if (out.kind !== "contact") throw new Error(`row refused: ${JSON.stringify(out)}`);
  return out.allPhones;
};

describe("the numbers seen in a file", () => {
  it("find a row's owner by any of its numbers in any written form; a number keeps its first owner", () => {
    const seen = new SeenNumbers<number>();
    const ana = phonesOf(["Ana", "(11) 98888-0001", "(11) 3333-0001"]);
    expect(seen.ownerOf(ana)).toBeUndefined();
    seen.claim(ana, 2);
    // The same mobile in E.164 with spaces, and only Ana's landline: both are Ana (line 2).
    expect(seen.ownerOf(phonesOf(["Ana de novo", "+55 11 98888-0001", ""]))).toBe(2);
    const landlineAndNew = phonesOf(["Casa", "11 98888-0009", "11 3333-0001"]);
    expect(seen.ownerOf(landlineAndNew)).toBe(2);
    seen.claim(landlineAndNew, 5);
    // The landline stays Ana's; the number new with that row goes to the owner the caller names (the import and
    // the preview name the row it merged into; 5 here shows that claim does not pick one itself).
    expect(seen.ownerOf(phonesOf(["X", "", "11 3333-0001"]))).toBe(2);
    expect(seen.ownerOf(phonesOf(["Y", "11 98888-0009", ""]))).toBe(5);
    expect(seen.ownerOf(phonesOf(["Z", "11 98888-0002", ""]))).toBeUndefined();
  });
});

describe("a row with more cells than the header", () => {
  const build = (record: string[]) => {
    if ("reason" in mapping) throw new Error(mapping.reason);
    return buildRow(record, header, mapping, { defaultCountry: "BR", tags: [] });
  };
  it("is refused when the extra cells hold values (its columns would be shifted), kept when they are empty", () => {
    // "Silva; Jr" unquoted in a ';' file: the mobile would be read from the wrong cell.
    const shifted = build(["Ana Silva", " Jr", "(11) 98888-0001", "(11) 3333-0001"]);
    expect(shifted).toMatchObject({
      kind: "rejected",
      rejection: { code: "extra_cells", column: null, raw: "(11) 3333-0001" },
    });
    if (shifted.kind === "rejected") expect(shifted.rejection.reason).toMatch(/4 cells and the header 3/);
    expect(build(["Ana", "(11) 98888-0001", "", "", " "])).toMatchObject({ kind: "contact" });
  });
});
