import { describe, expect, it } from "vitest";
import { backoffDelay, DEFAULT_RECONNECT_POLICY, decideReconnect } from "../../src/sessions/reconnect-policy.ts";

const base = { attempt: 0, now: 1_000_000, pairing: false };

describe("decideReconnect", () => {
  it.each([
    [515, { action: "reconnect", delayMs: 0 }],
    [401, { action: "stop", status: "logged_out", wipeCreds: true, alert: true }],
    [411, { action: "stop", status: "logged_out", wipeCreds: true }],
    [403, { action: "stop", status: "banned", wipeCreds: false, alert: true }],
    [428, { action: "backoff", countsAsAttempt: true }],
    [408, { action: "backoff" }],
    [500, { action: "backoff" }],
    [503, { action: "backoff" }],
    [undefined, { action: "backoff" }],
  ])("code %s → %o", (statusCode, expected) => {
    expect(decideReconnect({ ...base, statusCode })).toMatchObject(expected);
  });

  it("440 reconnects once after at least 5 s, and stops if replaced again within the window", () => {
    const first = decideReconnect({ ...base, statusCode: 440 });
    expect(first.action).toBe("backoff");
    expect(first.action === "backoff" && first.delayMs).toBeGreaterThanOrEqual(5_000);
    expect(decideReconnect({ ...base, statusCode: 440, lastReplacedAt: base.now - 1_000 })).toMatchObject({
      action: "stop",
      status: "stopped",
      reason: "connection_replaced",
    });
    expect(
      decideReconnect({
        ...base,
        statusCode: 440,
        lastReplacedAt: base.now - DEFAULT_RECONNECT_POLICY.replacedWindowMs - 1,
      }),
    ).toMatchObject({ action: "backoff" });
  });

  it("a 408 while pairing means the QR codes ran out", () => {
    expect(
      decideReconnect({ ...base, pairing: true, statusCode: 408, message: "QR refs attempts ended" }),
    ).toMatchObject({
      action: "stop",
      status: "pairing_expired",
    });
  });

  it("gives up after the attempt cap with failed", () => {
    expect(decideReconnect({ ...base, statusCode: 428, attempt: DEFAULT_RECONNECT_POLICY.maxAttempts })).toMatchObject({
      action: "stop",
      status: "failed",
      reason: "reconnect_attempts_exhausted:428",
    });
  });

  it("backs off exponentially with full jitter, capped", () => {
    const opts = { ...DEFAULT_RECONNECT_POLICY, random: () => 1 };
    expect([0, 1, 2, 3, 10].map((a) => backoffDelay(a, opts))).toEqual([1_000, 2_000, 4_000, 8_000, 60_000]);
    const low = { ...DEFAULT_RECONNECT_POLICY, random: () => 0 };
    expect(backoffDelay(5, low)).toBe(500);
    const spread = new Set(Array.from({ length: 50 }, () => backoffDelay(4, DEFAULT_RECONNECT_POLICY)));
    expect(spread.size).toBeGreaterThan(10);
  });
});
