import { describe, expect, it } from "vitest";
import { displayTimeZone, FALLBACK_TIME_ZONE, knownTimeZone } from "./time-zone";

describe("display time zone", () => {
  it("renders in the zone the browser reported, when the runtime knows it", () => {
    expect(displayTimeZone("America/Manaus")).toBe("America/Manaus");
    expect(displayTimeZone("Europe/Lisbon")).toBe("Europe/Lisbon");
    expect(knownTimeZone("UTC")).toBe("UTC");
  });

  it("falls back to UTC for no cookie, an unknown zone or garbage", () => {
    expect(displayTimeZone(undefined)).toBe(FALLBACK_TIME_ZONE);
    expect(displayTimeZone("Mars/Olympus_Mons")).toBe("UTC");
    expect(displayTimeZone("'; drop table")).toBe("UTC");
    expect(displayTimeZone("x".repeat(100))).toBe("UTC");
  });
});
