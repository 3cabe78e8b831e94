import { describe, expect, it } from "vitest";
import { tickFormat, timeTicks } from "./time-ticks";

const at = (hms: string) => Date.parse(`2026-12-01T${hms}Z`);
const label = (ms: number, unit: Parameters<typeof tickFormat>[0]) =>
  new Intl.DateTimeFormat("en-GB", { ...tickFormat(unit), timeZone: "UTC" }).format(new Date(ms));

describe("health chart: time axis", () => {
  it("a few minutes of samples get minute ticks, each label distinct", () => {
    const { ticks, unit } = timeTicks(at("10:00:12"), at("10:07:40"));
    expect(unit).toBe("minute");
    const labels = ticks.map((t) => label(t, unit));
    expect(labels).toEqual(["10:02", "10:04", "10:06"]);
    // Five minutes of samples: a tick a minute, not the same minute over and over.
    const five = timeTicks(at("10:00:00"), at("10:05:00"));
    expect(five.ticks.map((t) => label(t, five.unit))).toEqual(["10:00", "10:01", "10:02", "10:03", "10:04", "10:05"]);
  });
  it("under a minute: seconds; over an hour: whole hours; over a day: with the day", () => {
    const s = timeTicks(at("10:00:01"), at("10:00:40"));
    expect(s.unit).toBe("second");
    expect(new Set(s.ticks.map((t) => label(t, s.unit))).size).toBe(s.ticks.length);
    const h = timeTicks(at("00:10:00"), at("23:50:00"));
    expect(h.unit).toBe("hour");
    expect(h.ticks.every((t) => t % 3_600_000 === 0)).toBe(true);
    expect(h.ticks.map((t) => label(t, h.unit))).toEqual(["04:00", "08:00", "12:00", "16:00", "20:00"]);
    const d = timeTicks(at("00:00:00"), at("00:00:00") + 3 * 86_400_000);
    expect(d.unit).toBe("day");
    expect(new Set(d.ticks.map((t) => label(t, d.unit))).size).toBe(d.ticks.length);
  });
  it("one sample is one tick; a span inside one minute step keeps its ends, labelled to the second", () => {
    expect(timeTicks(at("10:00:00"), at("10:00:00")).ticks).toEqual([at("10:00:00")]);
    const short = timeTicks(at("10:00:10"), at("10:01:05"));
    expect(short.ticks.length).toBeGreaterThanOrEqual(2);
    expect(new Set(short.ticks.map((t) => label(t, short.unit))).size).toBe(short.ticks.length);
  });
});
