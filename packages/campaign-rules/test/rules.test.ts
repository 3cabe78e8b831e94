import { describe, expect, it } from "vitest";
import {
  capReachedUntil,
  checkSendTime,
  drawBetween,
  effectiveCaps,
  longZoneStems,
  nationalHolidays,
  nextGap,
  nextSendTime,
  recipientZones,
  type SendRules,
  typingTime,
  WARMUP_DAILY,
  windowEverOpens,
  zoneKey,
} from "../src/index.ts";

const PACING = {
  gapMs: { min: 20_000, max: 90_000 },
  breakEvery: { min: 15, max: 30 },
  breakMs: { min: 180_000, max: 600_000 },
  typingMsPerChar: 35,
  typingMs: { min: 1_000, max: 8_000 },
};

const rules = (over: Partial<SendRules> = {}): SendRules => ({
  campaignZone: "America/Sao_Paulo",
  schedule: { windows: [{ days: [1, 2, 3, 4, 5], start: "09:00", end: "18:00" }] },
  quietHours: null,
  recipientZones: [],
  holidays: new Set(),
  ...over,
});

describe("send windows, quiet hours and holidays", () => {
  it("a window holds in the campaign's zone, on its weekdays only", () => {
    // Monday 2026-11-30 12:00 UTC = 09:00 in São Paulo.
    expect(checkSendTime(new Date("2026-11-30T12:00:00Z"), rules())).toEqual({ ok: true });
    expect(checkSendTime(new Date("2026-11-30T11:59:00Z"), rules())).toEqual({ ok: false, reason: "outside_window" });
    // Saturday.
    expect(checkSendTime(new Date("2026-12-05T15:00:00Z"), rules()).ok).toBe(false);
  });

  it("quiet hours apply in every candidate zone of the recipient (Brazil spans several)", () => {
    const at = new Date("2026-11-30T23:30:00Z"); // 20:30 São Paulo, 19:30 Manaus, 18:30 Rio Branco
    const quiet = { start: "20:00", end: "08:00" };
    const r = rules({ schedule: { windows: [] }, quietHours: quiet });
    expect(checkSendTime(at, { ...r, recipientZones: ["America/Rio_Branco"] }).ok).toBe(true);
    expect(checkSendTime(at, { ...r, recipientZones: ["America/Rio_Branco", "America/Sao_Paulo"] })).toEqual({
      ok: false,
      reason: "quiet_hours",
    });
  });

  it("a holiday in the recipient's local date blocks the whole day", () => {
    const r = rules({ schedule: { windows: [] }, holidays: new Set(["2026-12-25"]), recipientZones: ["Asia/Tokyo"] });
    // 2026-12-24 16:00 UTC is already the 25th in Tokyo.
    expect(checkSendTime(new Date("2026-12-24T16:00:00Z"), r)).toEqual({ ok: false, reason: "holiday" });
    expect(checkSendTime(new Date("2026-12-24T14:00:00Z"), r).ok).toBe(true);
  });

  it("the next allowed instant is minute-exact; none when the window never opens", () => {
    const friday = new Date("2026-12-04T22:00:00Z"); // Friday 19:00 São Paulo: after the window
    expect(nextSendTime(friday, rules())?.toISOString()).toBe("2026-12-07T12:00:00.000Z");
    const quiet = rules({ schedule: { windows: [] }, quietHours: { start: "21:00", end: "08:17" } });
    expect(nextSendTime(new Date("2026-12-01T01:00:00Z"), quiet)?.toISOString()).toBe("2026-12-01T11:17:00.000Z");
    const never = rules({ schedule: { windows: [{ days: [1], start: "10:00", end: "10:00" }] } });
    expect(nextSendTime(friday, never)).toBeNull();
    expect(windowEverOpens(friday, "America/Sao_Paulo", never.schedule, null)).toBe(false);
    expect(windowEverOpens(friday, "America/Sao_Paulo", rules().schedule, { start: "00:00", end: "24:00" })).toBe(
      false,
    );
    expect(windowEverOpens(friday, "America/Sao_Paulo", rules().schedule, { start: "21:00", end: "08:00" })).toBe(true);
  });
});

describe("pacing", () => {
  it("gaps are drawn inside the profile and are never constant; a break comes after the drawn stretch", () => {
    const gaps = Array.from({ length: 500 }, () => nextGap(PACING, 1, 20).gapMs);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(20_000);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(90_000);
    expect(new Set(gaps).size).toBeGreaterThan(400);
    const brk = nextGap(PACING, 20, 20);
    expect(brk.isBreak).toBe(true);
    expect(brk.gapMs).toBeGreaterThanOrEqual(180_000);
    expect(drawBetween({ min: 5, max: 5 })).toBe(5);
  });

  it("typing time grows with the text and stays in range", () => {
    const short = typingTime("Oi!", PACING, () => 0.5);
    const long = typingTime("x".repeat(150), PACING, () => 0.5);
    expect(short).toBe(1_000);
    expect(long).toBe(5_250);
    expect(typingTime("x".repeat(10_000), PACING)).toBe(8_000);
  });

  it("caps: the campaign's, the number's own, and the warm-up curve for numbers paired recently", () => {
    const now = new Date("2026-11-30T12:00:00Z");
    const caps = { perHour: 40, perDay: 250, warmup: true };
    const day0 = effectiveCaps(caps, { hourlyCap: null, dailyCap: null, pairedAt: now }, now);
    expect(day0).toEqual({ perHour: 5, perDay: WARMUP_DAILY[0], warmupDay: 0 });
    const day3 = effectiveCaps(
      caps,
      { hourlyCap: null, dailyCap: null, pairedAt: new Date(now.getTime() - 3.5 * 86_400_000) },
      now,
    );
    expect(day3.perDay).toBe(WARMUP_DAILY[3]);
    const old = effectiveCaps(caps, { hourlyCap: 10, dailyCap: null, pairedAt: new Date("2025-01-01T00:00:00Z") }, now);
    expect(old).toEqual({ perHour: 10, perDay: 250, warmupDay: null });
    expect(
      effectiveCaps({ ...caps, warmup: false }, { hourlyCap: null, dailyCap: null, pairedAt: now }, now).perDay,
    ).toBe(250);
  });
});

describe("caps", () => {
  const at = (iso: string) => new Date(iso);
  it("a number at a cap waits until the oldest send of that window leaves it; under both, it does not wait", () => {
    const sent = { hour: 3, day: 10, oldestHour: at("2026-11-30T11:10:00Z"), oldestDay: at("2026-11-29T14:00:00Z") };
    expect(capReachedUntil({ perHour: 40, perDay: 10 }, sent)).toEqual(at("2026-11-30T14:00:00Z"));
    expect(capReachedUntil({ perHour: 3, perDay: 250 }, sent)).toEqual(at("2026-11-30T12:10:00Z"));
    // Both reached: the day's wait is the one that holds.
    expect(capReachedUntil({ perHour: 3, perDay: 10 }, sent)).toEqual(at("2026-11-30T14:00:00Z"));
    expect(capReachedUntil({ perHour: 4, perDay: 11 }, sent)).toBeNull();
    expect(
      capReachedUntil({ perHour: 1, perDay: 1 }, { hour: 0, day: 0, oldestHour: null, oldestDay: null }),
    ).toBeNull();
  });
});

describe("zones and holidays from maintained data", () => {
  it("maps numbers to their zones (Brazil by area code)", async () => {
    expect(await recipientZones("+5511987654321")).toEqual(["America/Sao_Paulo"]);
    expect(await recipientZones("+5568999999999")).toEqual(["America/Rio_Branco"]);
    expect(await recipientZones("+34600000000")).toEqual(["Europe/Madrid"]);
    // The longest prefix decides (Noronha inside Pernambuco's 81; Idaho split between two zones).
    expect(await recipientZones("+5581300123456")).toEqual(["America/Noronha"]);
    expect(await recipientZones("+12082150000")).toEqual(["America/Los_Angeles"]);
    expect(await recipientZones("+12082010000")).toEqual(["America/Denver"]);
  });

  it("keys numbers by as many digits as their zones need: neighbours under a longer prefix are not confused", async () => {
    // Recife (São Paulo's time) and Fernando de Noronha share their first seven digits; asked in either order, each
    // gets its own zone (a cache keyed by seven digits gave both whichever came first).
    expect(zoneKey("+5581301312345")).toBe("+558130131");
    expect(zoneKey("+5511987654321")).toBe("+5511987");
    expect(longZoneStems()).toContain("+5581301");
    expect(longZoneStems()).not.toContain("+5511987");
    expect(await recipientZones("+5581301312345")).toEqual(["America/Noronha"]);
    expect(await recipientZones("+5581301999999")).toEqual(["America/Sao_Paulo"]);
    expect(await recipientZones("+5581301199999")).toEqual(["America/Sao_Paulo"]);
    expect(await recipientZones("+5581301399999")).toEqual(["America/Noronha"]);
  });

  it("seeds Brazil's public holidays", () => {
    const days = nationalHolidays("BR", [2026]).map((h) => h.day);
    expect(days).toContain("2026-12-25");
    expect(days).toContain("2026-09-07");
    expect(days).toContain("2026-11-20");
    expect(nationalHolidays("XX", [2026])).toEqual([]);
  });
});
