import { describe, expect, it } from "vitest";
import { allowedTypos, createOptOutMatcher, DEFAULT_OPT_OUT_PHRASES, normalize } from "../src/index.ts";

const defaults = createOptOutMatcher();
const matched = (text: string) => defaults.match(text)?.phrase;

describe("opt-out matcher", () => {
  it.each([
    ["SAIR", "sair"],
    ["Sair.", "sair"],
    ["  s a i r  ", "sair"],
    ["PARAR!!!", "parar"],
    ["Parar por favor", "parar"],
    ["oi, parar por favor, obrigado", "parar"],
    ["Não quero", "não quero"],
    ["nao quero", "não quero"],
    ["NÃO QUERO MAIS 🙏", "não quero mais"],
    ["naoquero", "não quero"],
    ["STOP", "stop"],
    ["stooooop", "stop"],
    ["stpo", "stop"],
    ["Unsubscibe", "unsubscribe"],
    ["darme de baja", "darme de baja"],
    ["No quiero más", "no quiero más"],
    ["me tira da lista", "me tira da lista"],
    ["descadastar", "descadastrar"],
    ["nao qero mais", "não quero mais"],
    ["Pode parar", "pode parar"],
  ])("%j opts out (%s)", (text, phrase) => {
    expect(matched(text)).toBe(phrase);
  });

  it.each([
    "Não quero perder a promoção",
    "top",
    "Top!",
    "cara",
    "Para quando é a entrega?",
    "Quero sim",
    "quero saber",
    "não quero agora não, obrigado",
    "bala",
    "Obrigado!",
    "ok",
    "",
    "🙏",
    "shopping",
    "stopwatch is broken",
    "Sair com você seria ótimo, mas hoje não dá",
    "x".repeat(500),
  ])("%j is not an opt-out", (text) => {
    expect(defaults.match(text)).toBeUndefined();
  });

  it("reports how far the text was from the phrase", () => {
    expect(defaults.match("STOP")).toEqual({ phrase: "stop", distance: 0 });
    expect(defaults.match("stpo")).toEqual({ phrase: "stop", distance: 1 });
  });

  it("uses the organization's words, with or without the defaults", () => {
    const own = createOptOutMatcher({ words: ["chega", "Não me ligue"], useDefaults: false });
    expect(own.match("CHEGA!")?.phrase).toBe("chega");
    expect(own.match("nao me ligue")?.phrase).toBe("Não me ligue");
    expect(own.match("STOP")).toBeUndefined();
    const both = createOptOutMatcher({ words: ["basta"] });
    expect(both.match("basta")?.phrase).toBe("basta");
    expect(both.match("sair")?.phrase).toBe("sair");
  });

  it("normalizes case, accents, punctuation, spacing and stretched letters", () => {
    expect(normalize("  Ñão,   QUÉRO!!  ")).toBe("nao quero");
    expect(normalize("paaaarar")).toBe("parar");
    expect(normalize("cc  ll")).toBe("cc ll");
  });

  it("forgives more typos in longer phrases", () => {
    expect([3, 4, 8, 9, 12].map(allowedTypos)).toEqual([0, 1, 1, 2, 2]);
  });

  it("ships phrases in the three languages the defaults promise", () => {
    for (const phrase of ["sair", "parar", "não quero", "baja", "no quiero", "stop", "unsubscribe"]) {
      expect(DEFAULT_OPT_OUT_PHRASES).toContain(phrase);
    }
  });
});
