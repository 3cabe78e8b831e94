import { describe, expect, it } from "vitest";
import {
  analyzeTemplate,
  countCombinations,
  parseTemplate,
  pickVariant,
  renderTemplate,
  seededRandom,
} from "../src/index.ts";

const ana = { name: "Ana Maria Souza", phone: "+5511999990001", customFields: { cidade: "Recife", plano: "" } };
const nobody = { name: null, phone: "+5511999990002", customFields: {} };

/** A random source that always picks option `i` of `n` (as floor(r * n)). */
const pick = (i: number, n: number) => () => (i + 0.5) / n;

describe("renderTemplate", () => {
  it("fills built-ins and custom fields, falls back when empty, reports what had no value", () => {
    const t =
      "Oi {{first_name|cliente}}, tudo bem em {{cidade}}? Plano: {{plano|básico}} {{last_name}} {{custom.cidade}}";
    expect(renderTemplate(t, ana).text).toBe("Oi Ana, tudo bem em Recife? Plano: básico Maria Souza Recife");
    const out = renderTemplate(t, nobody);
    expect(out.text).toBe("Oi cliente, tudo bem em ? Plano: básico  ");
    expect(out.missing).toEqual(["cidade", "last_name", "custom.cidade"]);
  });

  it("chooses one option per spintax group, nested, and inside fallbacks", () => {
    const t = "{Olá|Oi|{Bom dia|Boa tarde}} {{first_name|{amigo|amiga}}}!";
    expect(renderTemplate(t, ana, pick(0, 3)).text).toBe("Olá Ana!");
    expect(renderTemplate(t, nobody, pick(1, 3)).text).toBe("Oi amiga!");
    // Third option is a nested group: the same random value then picks inside it (r = 0.833 → second of two).
    expect(renderTemplate(t, ana, pick(2, 3)).text).toBe("Boa tarde Ana!");
    expect(countCombinations(parseTemplate(t).nodes)).toBe(4);
  });

  it("keeps WhatsApp formatting, emoji and lone braces exactly as written", () => {
    const t = "*Promoção* _hoje_ ~só~ ```code``` 🎉 {sem opção} {{ }} a {b";
    expect(renderTemplate(t, ana).text).toBe(t);
    const issues = parseTemplate(t).issues.map((i) => i.code);
    expect(issues).toContain("empty_variable");
    expect(issues).toContain("unclosed_spintax");
  });

  it("renders the same text for the same seed", () => {
    const t = "{a|b|c|d|e|f|g|h} {1|2|3|4|5|6|7|8}";
    const runs = [1, 2, 3].map(() => renderTemplate(t, ana, seededRandom("msg-42")).text);
    expect(new Set(runs).size).toBe(1);
    const spread = new Set(Array.from({ length: 50 }, (_, i) => renderTemplate(t, ana, seededRandom(i)).text));
    expect(spread.size).toBeGreaterThan(20);
    expect(pickVariant(3, pick(2, 3))).toBe(2);
    expect(pickVariant(1, pick(0, 1))).toBe(0);
  });
});

describe("analyzeTemplate", () => {
  it("reports unknown variables, empty options and too-alike variants", () => {
    const a = analyzeTemplate(
      [
        "Oi {{first_name|cliente}}, temos uma *oferta* para você em {{cidade}}!",
        "Oi {{first_name|cliente}}, temos uma *oferta* pra você em {{cidade}}!",
        "{Olá||Oi} {{nome}}, conheça o {{produto_novo}}",
      ],
      { knownFields: ["cidade"] },
    );
    expect(a.variables).toEqual(["first_name", "cidade", "nome", "produto_novo"]);
    expect(a.combinations).toEqual([1, 1, 3]);
    const codes = a.warnings.map((w) => [w.code, w.variant, w.variable ?? w.other ?? null]);
    expect(codes).toEqual([
      ["empty_option", 2, null],
      ["unknown_variable", 2, "produto_novo"],
      ["similar_variants", 1, 0],
    ]);
    const similar = a.warnings.find((w) => w.code === "similar_variants");
    expect(similar?.similarity).toBeGreaterThanOrEqual(0.9);
  });

  it("does not call reworded variants alike", () => {
    const a = analyzeTemplate(["Oi {{first_name}}, tudo bem?", "Boa tarde! Passando para lembrar do seu pedido."]);
    expect(a.warnings).toEqual([]);
  });

  it("renders sample contacts: empty results and values without fallback", () => {
    const a = analyzeTemplate(["{{first_name}}", "Olá {{first_name|cliente}}"], { sampleContacts: [ana, nobody] });
    expect(a.warnings.map((w) => [w.code, w.variant])).toEqual([
      ["missing_value", 0],
      ["empty_result", 0],
    ]);
  });

  it("does not also ask for a fallback for an unknown variable (no fallback lets the campaign start)", () => {
    const a = analyzeTemplate(["Oi {{first_name|cliente}}, {{cupom}} vale até {{cidade}}"], {
      knownFields: ["cidade"],
      sampleContacts: [ana, nobody],
    });
    expect(a.warnings.map((w) => [w.code, w.variable])).toEqual([
      ["unknown_variable", "cupom"],
      ["missing_value", "cidade"],
    ]);
  });
});
