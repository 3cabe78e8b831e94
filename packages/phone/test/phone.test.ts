import { describe, expect, it } from "vitest";
import { normalizePhone, PhoneNumberError, parsePhone, parsePhoneE164, whatsAppCandidates } from "../src/index.ts";

const BR = { defaultCountry: "BR" };

describe("parsePhone", () => {
  it.each([
    ["+55 11 99999-0001", undefined],
    ["(11) 99999-0001", "BR"],
    ["5511999990001", "BR"],
    ["5511999990001", "US"],
    [" +5511999990001", undefined],
    ["+55011999990001", undefined],
    ["011 99999-0001", "BR"],
    ["0055 11 99999 0001", "BR"],
    ["0055 11 99999 0001", undefined],
    ["+55.11.99999.0001", undefined],
    ["+55 (11) 99999-0001 ext. 2", undefined],
    ["11 99999 0001", "BR"],
  ])("%j (default %s) → +5511999990001, mobile", (input, defaultCountry) => {
    const r = parsePhone(input, { defaultCountry });
    expect(r).toMatchObject({ ok: true, phone: { e164: "+5511999990001", country: "BR", lineType: "mobile" } });
  });

  it("marks landlines as not mobile-capable", () => {
    const r = normalizePhone("(11) 3333-4444", BR);
    expect(r).toMatchObject({ e164: "+551133334444", lineType: "fixed_line", canBeMobile: false, valid: true });
  });

  it("keeps a Brazilian mobile written without the ninth digit as written, flagged", () => {
    const r = normalizePhone("+55 11 9999-0001");
    expect(r).toMatchObject({ e164: "+551199990001", brLegacyMobile: true, lineType: "mobile", canBeMobile: true });
    expect(whatsAppCandidates(r.e164)).toEqual(["+551199990001", "+5511999990001"]);
    expect(whatsAppCandidates("+5511999990001")).toEqual(["+5511999990001", "+551199990001"]);
    expect(whatsAppCandidates("+12125550100")).toEqual(["+12125550100"]);
  });

  it("uses the default country only for national numbers", () => {
    expect(normalizePhone("+1 212 555 0100", BR).country).toBe("US");
    expect(normalizePhone("(212) 555-0100", { defaultCountry: "US" }).e164).toBe("+12125550100");
  });

  it.each([
    ["", "empty"],
    ["   ", "empty"],
    ["abc", "not_a_number"],
    ["12345", "too_short"],
    ["+5511999990001999999", "too_long"],
    ["99999-0001", "invalid_country"],
  ])("rejects %j with %s", (input, reason) => {
    const r = parsePhone(input, input === "99999-0001" ? {} : BR);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toBe(reason);
      expect(r.message.length).toBeGreaterThan(5);
    }
  });

  it("judges digits without + nor a default country by their international reading (12345 is too short)", () => {
    const r = parsePhone("12345");
    expect(r.ok ? null : r.reason).toBe("too_short");
    const e = parsePhoneE164("12345");
    expect(e.ok ? null : e.message).toBe("is too short (too few digits for a phone number)");
  });

  it("never reads a national number as someone else's international one when no default country applies", () => {
    // Read as +1 190 000 0004 (possible, not valid), "(11) 90000-0004" would go to a stranger.
    for (const input of ["(11) 90000-0004", "11900000004", "11 9 0000-0004"]) {
      expect(parsePhone(input), input).toMatchObject({ ok: false, reason: "invalid_country" });
      expect(parsePhoneE164(input), input).toMatchObject({ ok: false, reason: "invalid_country" });
      expect(parsePhoneE164(input, BR), input).toEqual({ ok: true, e164: "+5511900000004" });
    }
    // Digits with their country code and no + stay fine, the Brazilian mobile without its ninth digit too.
    expect(parsePhoneE164("5511900000004")).toEqual({ ok: true, e164: "+5511900000004" });
    expect(parsePhone("551199990001")).toMatchObject({
      ok: true,
      phone: { e164: "+551199990001", brLegacyMobile: true },
    });
    // Written with its +, a possible number is taken as written.
    expect(parsePhoneE164("+11900000004")).toEqual({ ok: true, e164: "+11900000004" });
  });

  it("normalizePhone throws a PhoneNumberError with the reason", () => {
    expect(() => normalizePhone("12", BR)).toThrow(PhoneNumberError);
    try {
      normalizePhone("12", BR);
    } catch (e) {
      expect((e as PhoneNumberError).reason).toBe("too_short");
      expect((e as Error).message).toMatch(/^The phone number is too short/);
    }
  });
});

describe("parsePhoneE164", () => {
  it.each([
    ["+55 11 99999-0001", undefined],
    ["+55 11 9999-0001", undefined],
    ["(11) 99999-0001", "BR"],
    ["011 99999-0001", "BR"],
    ["0055 11 99999-0001", undefined],
    ["5511999990001", "US"],
    ["+1 415 555 2671", undefined],
    ["+44 20 7946 0958", undefined],
    ["+55 011 99999-0001", undefined],
    ["12", "BR"],
    ["+5511999990001999999", undefined],
    ["abc", undefined],
    ["", undefined],
    ["99999-0001", undefined],
  ])("answers %s (default %s) as parsePhone does, E.164 alone", (input, country) => {
    const full = parsePhone(input, { defaultCountry: country });
    const e164 = parsePhoneE164(input, { defaultCountry: country });
    expect(e164).toEqual(full.ok ? { ok: true, e164: full.phone.e164 } : full);
  });
});
