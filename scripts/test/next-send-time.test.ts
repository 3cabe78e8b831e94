import { describe, expect, it } from "vitest";
import { nextSendTime } from "../next-send-time.ts";

describe("a campaign's next send in the terminal", () => {
  const now = Date.parse("2026-12-01T02:00:00Z");
  it("is in the campaign's zone, named, not the machine's", () => {
    // 11:00 UTC is 08:00 in São Paulo.
    expect(nextSendTime("2026-12-01T11:00:00Z", "America/Sao_Paulo", now)).toBe("8:00:00 AM (America/Sao Paulo)");
  });
  it("has its date when it is more than 12 hours away", () => {
    expect(nextSendTime("2026-12-03T12:00:00Z", "America/Sao_Paulo", now)).toBe(
      "Dec 3, 2026, 9:00:00 AM (America/Sao Paulo)",
    );
  });
  it("says nothing is due with a dash, and falls back to the machine's zone for an unknown one", () => {
    expect(nextSendTime(null, "America/Sao_Paulo", now)).toBe("—");
    expect(nextSendTime("not a date", undefined, now)).toBe("—");
    expect(nextSendTime("2026-12-01T11:00:00Z", "Mars/Olympus_Mons", now)).not.toContain("Mars");
  });
});
