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
