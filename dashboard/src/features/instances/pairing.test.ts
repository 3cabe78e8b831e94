import { describe, expect, it } from "vitest";
import { isLinked, needsPairing, needsStartToPair, offersPairing, pairingStage } from "./pairing";

const base = { waJid: null, lastConnectedAt: null, desiredState: "running" as const };
const linked = { waJid: "5511999990000@s.whatsapp.net", lastConnectedAt: "2026-11-30T10:00:00.000Z" };

describe("pairing", () => {
  it("a number waiting for a scan, expired or logged out needs pairing; a connected one does not", () => {
    expect(needsPairing({ ...base, status: "pending_pairing" })).toBe(true);
    expect(needsPairing({ ...base, ...linked, status: "pairing_expired" })).toBe(true);
    expect(needsPairing({ ...base, ...linked, status: "logged_out" })).toBe(true);
    expect(needsPairing({ ...base, ...linked, status: "connected" })).toBe(false);
    expect(needsPairing({ ...base, ...linked, status: "banned" })).toBe(false);
  });

  it("a stopped number needs pairing only if no phone ever linked", () => {
    expect(needsPairing({ ...base, status: "stopped", desiredState: "stopped" })).toBe(true);
    expect(needsPairing({ ...base, ...linked, status: "stopped", desiredState: "stopped" })).toBe(false);
  });

  it("the phone counts as linked only with a link record and a status that keeps it", () => {
    expect(isLinked({ ...base, status: "pending_pairing" })).toBe(false);
    expect(isLinked({ ...base, ...linked, status: "logged_out" })).toBe(false);
    expect(isLinked({ ...base, ...linked, status: "degraded" })).toBe(true);
    expect(isLinked({ ...base, ...linked, status: "stopped", desiredState: "stopped" })).toBe(true);
  });

  it("only a running number waiting for a scan shows a QR without being started", () => {
    expect(needsStartToPair({ ...base, status: "pending_pairing" })).toBe(false);
    expect(needsStartToPair({ ...base, status: "pending_pairing", desiredState: "stopped" })).toBe(true);
    expect(needsStartToPair({ ...base, status: "pairing_expired" })).toBe(true);
    expect(needsStartToPair({ ...base, status: "stopped", desiredState: "stopped" })).toBe(true);
  });

  it("offers “Pair with QR code” to writers only while the number needs pairing, never once it is connected", () => {
    expect(offersPairing({ ...base, status: "pending_pairing" }, true)).toBe(true);
    expect(offersPairing({ ...base, status: "pending_pairing" }, false)).toBe(false);
    expect(offersPairing({ ...base, ...linked, status: "logged_out" }, true)).toBe(true);
    for (const status of ["connected", "degraded", "restricted", "connecting", "banned"] as const) {
      expect(offersPairing({ ...base, ...linked, status }, true)).toBe(false);
      // A cached row whose link fields were not refreshed yet is still not offered pairing once logged in.
      expect(offersPairing({ ...base, status }, true)).toBe(false);
    }
  });

  it("the pairing dialog says it worked for any logged-in status, degraded included, and offers no code then", () => {
    expect(pairingStage("connected")).toBe("done");
    expect(pairingStage("degraded")).toBe("done");
    expect(pairingStage("restricted")).toBe("done");
    expect(pairingStage("pairing_expired")).toBe("expired");
    expect(pairingStage("pending_pairing")).toBe("pairing");
    expect(pairingStage(undefined)).toBe("pairing");
  });
});
