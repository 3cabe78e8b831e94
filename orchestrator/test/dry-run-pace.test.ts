import type { SendRules } from "@mirage/campaign-rules";
import { PACING_NO_GAPS, type TPacing } from "@mirage/contracts/campaigns";
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { type PacedItem, paceNumber } from "../src/campaigns/dry-run-pace.ts";

const ZONE = "America/Sao_Paulo";
const now = DateTime.fromISO("2026-12-01T20:00:00", { zone: ZONE });
const rules = (over: Partial<SendRules> = {}): SendRules => ({
  campaignZone: ZONE,
  schedule: { windows: [] },
  quietHours: null,
  recipientZones: [ZONE],
  holidays: new Set(),
  ...over,
});
/** 30 s between sends on average (20–40), no typing, no breaks. */
const pacing: TPacing = { ...PACING_NO_GAPS, gapMs: { min: 20_000, max: 40_000 } };
const item = (over: Partial<PacedItem> = {}): PacedItem => ({
  due: now.toJSDate(),
  text: "Oi",
  rules: rules(),
  ...over,
});
const pace = (items: PacedItem[], over: Partial<Parameters<typeof paceNumber>[0]> = {}) =>
  paceNumber({
    items,
    pacing,
    caps: { perHour: 1000, perDay: 1000 },
    slot: null,
    sent: [],
    now: now.toJSDate(),
    ...over,
  });
const clock = (at: Date | null) => (at ? DateTime.fromJSDate(at, { zone: ZONE }).toFormat("ccc HH:mm:ss") : null);

describe("a number's next sends, paced as the engine sends them", () => {
  it("a window that opens tomorrow: one after the other from its opening at the average gap, not all at 09:00", () => {
    const tomorrow = rules({ schedule: { windows: [{ days: [3], start: "09:00", end: "18:00" }] } });
    const out = pace(Array.from({ length: 4 }, () => item({ rules: tomorrow })));
    expect(out.map((x) => clock(x.at))).toEqual(["Wed 09:00:00", "Wed 09:00:30", "Wed 09:01:00", "Wed 09:01:30"]);
    expect(out.map((x) => x.reason)).toEqual(Array(4).fill("outside_window"));
  });

  it("typing and breaks add to the gap, at their average", () => {
    const slow: TPacing = {
      ...pacing,
      typingMsPerChar: 1_000,
      typingMs: { min: 0, max: 5_000 },
      breakEvery: { min: 2, max: 2 },
      breakMs: { min: 600_000, max: 600_000 },
    };
    const out = pace(
      Array.from({ length: 4 }, () => item({ text: "Oi Ana" })),
      { pacing: slow },
    );
    // 5 s typing (6 characters, at most 5 s), then 30 s; after the second send a 10-minute break instead.
    expect(out.map((x) => clock(x.at))).toEqual(["Tue 20:00:00", "Tue 20:00:35", "Tue 20:10:40", "Tue 20:11:15"]);
    expect(out.every((x) => x.reason === null)).toBe(true);
  });

  it("a waiting recipient in quiet hours does not hold one in another zone whose evening is still open", () => {
    // 20:00 in São Paulo is 18:00 in Rio Branco: quiet hours from 19:00 hold the first, not the second.
    const quietHours = { start: "19:00", end: "08:00" };
    const out = pace([
      item({ rules: rules({ quietHours }) }),
      item({ rules: rules({ quietHours, recipientZones: ["America/Rio_Branco"] }) }),
    ]);
    expect(clock(out[1]?.at ?? null)).toBe("Tue 20:00:00");
    expect(out[1]?.reason).toBeNull();
    expect(clock(out[0]?.at ?? null)).toBe("Wed 08:00:00");
    expect(out[0]?.reason).toBe("quiet_hours");
  });

  it("at the hourly cap, the next send waits for the oldest of the hour to leave it, counting the real ones", () => {
    const tenMinutesAgo = now.minus({ minutes: 10 }).toJSDate();
    const out = pace([item(), item(), item()], { caps: { perHour: 2, perDay: 1000 }, sent: [tenMinutesAgo] });
    expect(out.map((x) => clock(x.at))).toEqual(["Tue 20:00:00", "Tue 20:50:00", "Tue 21:00:00"]);
    expect(out.map((x) => x.reason)).toEqual([null, "cap", "cap"]);
  });

  it("held only by the warm-up's lower caps it says warmup; held by the caps themselves too, cap", () => {
    const tenMinutesAgo = now.minus({ minutes: 10 }).toJSDate();
    const warm = { caps: { perHour: 2, perDay: 1000 }, sent: [tenMinutesAgo] };
    expect(pace([item(), item()], { ...warm, plainCaps: { perHour: 40, perDay: 1000 } }).map((x) => x.reason)).toEqual([
      null,
      "warmup",
    ]);
    expect(pace([item(), item()], { ...warm, plainCaps: { perHour: 2, perDay: 1000 } }).map((x) => x.reason)).toEqual([
      null,
      "cap",
    ]);
  });

  it("the number's pacing slot (another campaign on it) comes first; a window that never opens is null", () => {
    const never = rules({ schedule: { windows: [{ days: [1], start: "10:00", end: "10:00" }] } });
    const out = pace([item(), item({ rules: never })], { slot: now.plus({ minutes: 5 }).toJSDate() });
    expect(clock(out[0]?.at ?? null)).toBe("Tue 20:05:00");
    expect(out[1]).toEqual({ at: null, reason: "window_never_opens" });
  });
});
