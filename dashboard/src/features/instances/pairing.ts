import type { TInstance } from "@mirage/contracts/instances";

type PairingView = Pick<TInstance, "status" | "waJid" | "lastConnectedAt" | "desiredState">;

// Statuses in which no phone is linked: the credentials are gone (logged out) or were never made (waiting for a
// scan). A banned number keeps its link record but can never use it again; it is not "linked" either.
const UNLINKED: ReadonlySet<TInstance["status"]> = new Set([
  "pending_pairing",
  "pairing_expired",
  "logged_out",
  "banned",
]);
const PAIRABLE: ReadonlySet<TInstance["status"]> = new Set(["pending_pairing", "pairing_expired", "logged_out"]);

// Statuses in which the socket is logged in with a linked phone: nothing is left to pair (degraded and restricted are
// connected, only slow or limited). A QR or pairing code offered then would only confuse.
const LOGGED_IN: ReadonlySet<TInstance["status"]> = new Set(["connected", "degraded", "restricted"]);

/** Whether a phone is linked, so that stopping or restarting keeps it (the confirmations say so only then). */
export function isLinked(i: PairingView): boolean {
  return i.waJid !== null && !UNLINKED.has(i.status);
}

/**
 * Whether the number needs a QR or pairing code to work: waiting for a scan, its codes expired, logged out, or
 * stopped before any phone ever linked (`waJid` is set on the first link and kept).
 */
export function needsPairing(i: PairingView): boolean {
  return PAIRABLE.has(i.status) || (i.status === "stopped" && i.waJid === null && i.lastConnectedAt === null);
}

/**
 * Whether the number must be started before a QR can appear. The worker draws QRs only for a running socket in
 * pending_pairing; start (a no-op that says so when running) resumes stopped, logged-out and expired numbers.
 */
export function needsStartToPair(i: PairingView): boolean {
  return !(i.status === "pending_pairing" && i.desiredState === "running");
}

/**
 * What the pairing dialog shows for a number in `status`: "done" once it is logged in (connected, or degraded or
 * restricted: linked all the same), "expired" when its codes ran out (new codes on request), else "pairing" (the QR
 * or the pairing code).
 */
export function pairingStage(status: TInstance["status"] | undefined): "done" | "expired" | "pairing" {
  if (status && LOGGED_IN.has(status)) return "done";
  return status === "pairing_expired" ? "expired" : "pairing";
}

/**
 * Whether a number's card or page offers "Pair with QR code": to those who may pair, and only while it needs pairing
 * (see needsPairing) — never on a connected or degraded number, not even while the dialog that paired it stays
 * open to say so.
 */
export function offersPairing(i: PairingView, mayWrite: boolean): boolean {
  return mayWrite && pairingStage(i.status) !== "done" && needsPairing(i);
}
