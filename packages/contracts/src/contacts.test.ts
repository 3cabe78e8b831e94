import { describe, expect, it } from "vitest";
import { CUSTOM_FIELD_KEY_RULE, ZCreateContactRequest, ZUpdateContactRequest } from "./contacts.ts";
import { ZImportMapping } from "./imports.ts";

const patch = (customFields: Record<string, unknown>) =>
  ZUpdateContactRequest.safeParse({ customFields, mergeCustomFields: true });

describe("custom field keys", () => {
  it("are what a template's {{variable}} can name: letters (any script), digits, spaces, _ . -", () => {
    for (const key of ["cidade", "Data de Nascimento", "data_de_nascimento", "e-mail", "plano.2026", "preço", "x"]) {
      expect(patch({ [key]: "v" }).success, key).toBe(true);
    }
    expect(patch({ ["k".repeat(64)]: "v" }).success).toBe(true);
  });

  it("refuse braces, pipes, other punctuation, spaces at either end and more than 64 characters, saying why", () => {
    for (const key of ["{{cidade}}", "a|b", "cupom!", " cidade", "cidade ", "e-mail (trabalho)", "k".repeat(65)]) {
      const r = patch({ [key]: "v" });
      expect(r.success, key).toBe(false);
    }
    const r = ZCreateContactRequest.safeParse({ phone: "1", customFields: { "a|b": "v" } });
    expect(r.error?.issues).toEqual([
      expect.objectContaining({ path: ["customFields", "a|b"], message: CUSTOM_FIELD_KEY_RULE }),
    ]);
  });

  it("a key stored before the rule can still be removed (null)", () => {
    expect(patch({ "a|b": null }).success).toBe(true);
    expect(patch({ "": null }).success).toBe(false);
  });

  it("an import's renamed column follows the same rule", () => {
    expect(ZImportMapping.safeParse({ phone: ["Celular"], fields: { Cidade: "cidade" } }).success).toBe(true);
    expect(ZImportMapping.safeParse({ phone: ["Celular"], fields: { Cidade: "{cidade}" } }).success).toBe(false);
  });
});
