import { Curve, DisconnectReason, WA_CERT_DETAILS } from "@whiskeysockets/baileys";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { PairingError, Simulator, trustedRootKeyHex, WHATSAPP_ROOT_PUBLIC_KEY_HEX } from "../src/index.ts";
import {
  closeSocket,
  makeSimSocket,
  nextQr,
  pairWithQr,
  reconnect,
  type WASocket,
  waitForConnection,
} from "../src/testing/index.ts";

let sim: Simulator;
const sockets: WASocket[] = [];
const track = <T extends { sock: WASocket }>(s: T): T => {
  sockets.push(s.sock);
  return s;
};

beforeAll(async () => {
  sim = await Simulator.start({ seed: "pairing-test" });
});
afterEach(async () => {
  await Promise.all(sockets.splice(0).map(closeSocket));
});
afterAll(async () => {
  await sim.close();
});

describe("certificate hook (canary for Baileys upgrades)", () => {
  it("the simulator's root is installed where Baileys reads it, and the handshake completes", async () => {
    expect(Object.isFrozen(WA_CERT_DETAILS)).toBe(false);
    const { sock } = track(makeSimSocket(sim));
    expect(Buffer.from(WA_CERT_DETAILS.PUBLIC_KEY).equals(sim.rootPublicKey)).toBe(true);
    expect(trustedRootKeyHex()).not.toBe(WHATSAPP_ROOT_PUBLIC_KEY_HEX);
    // A QR means Noise finished and the registration payload was accepted.
    const qr = await nextQr(sock);
    expect(qr).toMatch(/^https:\/\/wa\.me\/settings\/linked_devices#2@/);
  });

  it("tripwire: rc14's Curve.verify accepts any signature, so the chain check is a no-op today", () => {
    // Baileys' Curve.verify treats libsignal's boolean result as success unless it throws. If this fails after an
    // upgrade, Baileys now really verifies the chain: the hook above is then what keeps the simulator working.
    const signer = Curve.generateKeyPair();
    const other = Curve.generateKeyPair();
    const message = Buffer.from("details");
    const signature = Curve.sign(signer.private, message);
    expect(Curve.verify(signer.public, message, signature)).toBe(true);
    expect(Curve.verify(other.public, message, signature)).toBe(true);
  });
});

describe("QR pairing", () => {
  it("scan → pair-success → 515 → login → open, with the account's number and LID", async () => {
    const session = track(await pairWithQr(sim, "5511999990001"));
    expect(session.sock.user?.id).toBe(`5511999990001:${session.deviceId}@s.whatsapp.net`);
    expect(session.auth.creds.me?.lid).toBe(`${sim.phone("5511999990001").lid}:${session.deviceId}@lid`);
    expect(session.auth.creds.registered === true || session.auth.creds.account !== undefined).toBe(true);
    // Pre-keys reach the server during login.
    const device = sim.phone("5511999990001").devices()[0];
    expect(device?.online).toBe(true);
    expect(device?.preKeys).toBeGreaterThan(100);
  });

  it("a restart with stored creds logs in again without a QR", async () => {
    const first = await pairWithQr(sim, "5511999990002");
    await closeSocket(first.sock);
    const again = track(await reconnect(sim, first.auth));
    expect(again.sock.user?.id).toContain("5511999990002:");
  });

  it("QR refs expire", async () => {
    const short = await Simulator.start({ seed: "expiry", qr: { refs: 2, firstRefTtlMs: 150, nextRefTtlMs: 150 } });
    try {
      const { sock } = track(makeSimSocket(short));
      const qr = await nextQr(sock);
      await new Promise((r) => setTimeout(r, 400));
      expect(() => short.phone("5511999990003").scan(qr)).toThrow(PairingError);
      expect(() => short.phone("5511999990003").scan(qr)).toThrow(/expired/);
    } finally {
      await short.close();
    }
  });

  it("rejects a QR that no client is waiting for", () => {
    expect(() => sim.phone("5511999990004").scan("https://wa.me/settings/linked_devices#2@x,AAAA,BBBB,CCCC,1")).toThrow(
      /no client is waiting/,
    );
  });
});

describe("pairing code", () => {
  it("requestPairingCode → the phone enters the code → pair-success → 515 → open", async () => {
    const phone = "5511999990005";
    const { sock, auth } = track(makeSimSocket(sim));
    await nextQr(sock);
    const closed = waitForConnection(sock);
    const code = await sock.requestPairingCode(phone);
    expect(code).toMatch(/^[0-9A-Z]{8}$/);
    await sim.phone(phone).enterPairingCode(code);
    const result = await closed;
    expect(result).toMatchObject({ connection: "close", statusCode: DisconnectReason.restartRequired });
    const again = track(await reconnect(sim, auth));
    expect(again.sock.user?.id).toMatch(new RegExp(`^${phone}:\\d+@s\\.whatsapp\\.net$`));
  });

  it("a wrong code does not link the device", async () => {
    const phone = "5511999990006";
    const { sock } = track(makeSimSocket(sim));
    await nextQr(sock);
    await sock.requestPairingCode(phone);
    await expect(sim.phone(phone).enterPairingCode("WRONGCOD")).rejects.toThrow(/does not match/);
    expect(sim.phone(phone).devices()).toHaveLength(0);
  });
});
