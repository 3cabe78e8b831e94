import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorld, type World } from "./harness.ts";

// A short QR window (four refs of 2 s, as WhatsApp's six refs of 60 s + 20 s, scaled down) so the test can ask for
// a pairing code late in it and type the code after the window it was asked in would have closed.
let w: World;

beforeAll(async () => {
  w = await createWorld("pairing-window", { refs: 4, firstRefTtlMs: 2_000, nextRefTtlMs: 2_000 });
});
afterAll(async () => {
  await w?.close();
});

describe("pairing window", () => {
  it("a code asked for late in the QR window gets a window long enough to type it", async () => {
    const host = w.host("wp1", {
      maxQrAttempts: 3,
      qrWindowMs: 8_000,
      pairingCodeTtlMs: 6_000,
      socket: { qrTimeoutMs: 2_000 },
    });
    const id = await w.instance("late-code", "wp1");
    await host.command({ type: "start", instanceId: id });
    await w.waitQr(id, 3); // ~4 s into an 8 s window: less left than a code lives
    const asked = Date.now();
    const result = await host.command({ type: "pairing-code", instanceId: id, phoneDigits: "5511977750001" });
    expect(result).toMatchObject({ ok: true, outcome: "pairing_code" });
    expect(Date.parse(result.pairingCodeExpiresAt ?? "") - Date.now()).toBeGreaterThan(4_000);
    // Type it after the original window (and its QR limit) would have ended the socket.
    await new Promise((r) => setTimeout(r, Math.max(0, asked + 4_500 - Date.now())));
    await w.sim.phone("5511977750001").enterPairingCode(result.pairingCode ?? "");
    await w.waitStatus(id, "connected");
  }, 60_000);
});
