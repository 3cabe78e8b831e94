import { describe, expect, it } from "vitest";
import { ApiError } from "@/lib/api";
import { fieldErrors } from "./field-errors";
import { dayDate, seedYears, todayIn, upcomingRange } from "./holiday-dates";
import { addWord, MAX_WORDS, verdictOf } from "./opt-out-words";
import { countryName, countryOptions, formOf, orgPatch } from "./organization-form";

const saved = formOf({ name: "Acme", timezone: "America/Sao_Paulo", defaultCountry: "BR" });

describe("the organization card's PATCH", () => {
  it("sends only what changed, the name trimmed and the country upper case", () => {
    expect(orgPatch(saved, saved)).toBeNull();
    expect(orgPatch(saved, { ...saved, name: "  Acme  " })).toBeNull();
    expect(orgPatch(saved, { ...saved, name: " Acme Brasil " })).toEqual({ name: "Acme Brasil" });
    expect(orgPatch(saved, { ...saved, timezone: "Europe/Lisbon", defaultCountry: "pt" })).toEqual({
      timezone: "Europe/Lisbon",
      defaultCountry: "PT",
    });
  });
  it("says null for no country, and nothing when there was none", () => {
    expect(orgPatch(saved, { ...saved, defaultCountry: "" })).toEqual({ defaultCountry: null });
    const none = formOf({ name: "Acme", timezone: "UTC", defaultCountry: null });
    expect(none.defaultCountry).toBe("");
    expect(orgPatch(none, none)).toBeNull();
  });
});

describe("countries to choose from", () => {
  it("are the codes the check accepts, named in the language and sorted by name", () => {
    const known = new Set(["BR", "DE", "PT", "US"]);
    const pt = countryOptions("pt-BR", (c) => known.has(c));
    expect(pt.map((c) => c.code)).toEqual(["DE", "BR", "US", "PT"]); // Alemanha, Brasil, Estados Unidos, Portugal
    expect(pt[0]).toEqual({ code: "DE", name: "Alemanha" });
    expect(countryOptions("en", (c) => known.has(c)).map((c) => c.name)).toEqual([
      "Brazil",
      "Germany",
      "Portugal",
      "United States",
    ]);
  });
  it("a country without a name keeps its code", () => {
    expect(countryName("en", "BR")).toBe("Brazil");
    expect(countryName("en", "QQ")).toBe("QQ");
  });
});

describe("field errors of a refusal", () => {
  const refusal = (errors: { path: string; message: string }[]) =>
    new ApiError(400, "validation_failed", "unknown time zone", { errors });
  it("name each field without the request part, first reason kept", () => {
    expect(
      fieldErrors(
        refusal([
          { path: "body.timezone", message: "must be an IANA time zone" },
          { path: "body.words.3", message: "too long" },
          { path: "body.words.7", message: "also too long" },
          { path: "body", message: "at least one field is required" },
        ]),
      ),
    ).toEqual({ timezone: "must be an IANA time zone", words: "too long" });
  });
  it("are none for other errors", () => {
    expect(fieldErrors(new Error("boom"))).toEqual({});
    expect(fieldErrors(new ApiError(409, "conflict", "already there", null))).toEqual({});
  });
});

describe("the organization's opt-out words", () => {
  it("adds a word trimmed, with single spaces", () => {
    expect(addWord(["chega"], "  basta   de ofertas ")).toEqual({ ok: true, words: ["chega", "basta de ofertas"] });
  });
  it("refuses an empty, too long, repeated (case and accents aside) or 201st word", () => {
    expect(addWord([], "   ")).toEqual({ ok: false, reason: "empty" });
    expect(addWord([], "x".repeat(101))).toEqual({ ok: false, reason: "tooLong" });
    expect(addWord(["Não quero"], "nao QUERO")).toEqual({ ok: false, reason: "duplicate" });
    const full = Array.from({ length: MAX_WORDS }, (_, i) => `w${i}`);
    expect(addWord(full, "one more")).toEqual({ ok: false, reason: "tooMany" });
  });
  it("says why a text counts: which phrase, from which list, with how many typos", () => {
    expect(verdictOf({ optOut: false, phrase: null, distance: null }, [])).toEqual({ optOut: false });
    expect(verdictOf({ optOut: true, phrase: "chega", distance: 1 }, ["chega"])).toEqual({
      optOut: true,
      phrase: "chega",
      source: "own",
      typos: 1,
    });
    expect(verdictOf({ optOut: true, phrase: "parar", distance: 0 }, ["chega"])).toMatchObject({
      source: "builtIn",
      typos: 0,
    });
  });
});

describe("holiday dates", () => {
  const now = new Date("2026-12-31T23:30:00Z");
  it("today is the organization's day, not UTC's", () => {
    expect(todayIn("UTC", now)).toBe("2026-12-31");
    expect(todayIn("Asia/Tokyo", now)).toBe("2027-01-01");
    expect(todayIn("America/Sao_Paulo", now)).toBe("2026-12-31");
    expect(todayIn("Not/AZone", now)).toBe("2026-12-31");
  });
  it("lists from today to the end of next year, and seeds this year or the next", () => {
    expect(upcomingRange("2026-12-02")).toEqual({ from: "2026-12-02", to: "2027-12-31" });
    expect(seedYears("2026-12-02")).toEqual([2026, 2027]);
  });
  it("a day is noon UTC, so formatting it in UTC never shifts it", () => {
    expect(dayDate("2026-12-25").toISOString()).toBe("2026-12-25T12:00:00.000Z");
  });
});
