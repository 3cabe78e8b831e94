import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Simulator, simulatorRootPublicKey } from "../src/index.ts";
import { closeSocket, type PairedSession, pairWithQr } from "../src/testing/index.ts";

const SESSIONS = 50;

let sim: Simulator;
const sessions: PairedSession[] = [];

beforeAll(async () => {
  sim = await Simulator.start({ seed: "scale-test" });
});
afterAll(async () => {
  await Promise.all(sessions.map((s) => closeSocket(s.sock)));
  await sim.close();
});

describe("scale", () => {
  it(`${SESSIONS} sessions pair in parallel, open, and each delivers a message`, async () => {
    const phones = Array.from({ length: SESSIONS }, (_, i) => String(5511910000000 + i));
    // All 50 at once: the client's pre-key generation saturates the CPU, so allow slow WebSocket handshakes.
    const results = await Promise.allSettled(
      phones.map((phone) => pairWithQr(sim, phone, { config: { connectTimeoutMs: 240_000 } })),
    );
    for (const r of results) if (r.status === "fulfilled") sessions.push(r.value);
    const failures = results.filter((r) => r.status === "rejected");
    expect(failures).toEqual([]);
    expect(sim.stats().companionsOnline).toBe(SESSIONS);
    expect(new Set(sessions.map((s) => s.sock.user?.id)).size).toBe(SESSIONS);

    const contact = sim.contact("5511920000000", { deliveryDelayMs: 0, readDelayMs: 0 });
    await Promise.all(sessions.map((s, i) => s.sock.sendMessage(contact.jid, { text: `hello from ${i}` })));
    await Promise.all(
      sessions.map((_, i) =>
        sim.groundTruth.waitFor((m) => m.contact === contact.phone && m.text === `hello from ${i}`),
      ),
    );
    const received = contact.messages();
    expect(received).toHaveLength(SESSIONS);
    expect(new Set(received.map((m) => m.account)).size).toBe(SESSIONS);
    // 50 pre-key generations at once: on a loaded 2-core machine (load average past 20) this alone takes minutes.
  }, 420_000);
});

describe("determinism", () => {
  it("the same seed gives the same certificate root, LIDs and contact keys; another seed does not", async () => {
    const again = await Simulator.start({ seed: "scale-test" });
    const other = await Simulator.start({ seed: "another-seed" });
    try {
      expect(again.rootPublicKey.equals(sim.rootPublicKey)).toBe(true);
      expect(simulatorRootPublicKey("scale-test").equals(sim.rootPublicKey)).toBe(true);
      expect(again.phone("5511930000000").lid).toBe(sim.phone("5511930000000").lid);
      expect(again.contact("5511930000001").lid).toBe(sim.contact("5511930000001").lid);
      expect(other.rootPublicKey.equals(sim.rootPublicKey)).toBe(false);
      expect(other.contact("5511930000001").lid).not.toBe(sim.contact("5511930000001").lid);
    } finally {
      await again.close();
      await other.close();
    }
  });
});
