import type { TInstanceStatus } from "@mirage/contracts/enums";

/**
 * What to do when a socket closes, by WhatsApp's disconnect code (Baileys' DisconnectReason) — ARCHITECTURE.md,
 * decision 10. Pure, so every branch is unit-tested; the session host carries it out.
 */
export type ReconnectDecision =
  /** Open a new socket with the same credentials now (515 after pairing is normal, not an error). */
  | { action: "reconnect"; delayMs: 0; countsAsAttempt: false }
  /** Transient: try again after a jittered exponential delay. */
  | { action: "backoff"; delayMs: number; countsAsAttempt: true }
  /** Terminal for this host: set the status and stop; `wipeCreds` for a logout (the creds are dead). */
  | { action: "stop"; status: TInstanceStatus; reason: string; wipeCreds: boolean; alert: boolean };

export type ReconnectPolicyOptions = {
  baseDelayMs: number;
  maxDelayMs: number;
  maxAttempts: number;
  /** How long after a 440 another 440 means someone else really holds the session. */
  replacedWindowMs: number;
  random?: () => number;
};

export const DEFAULT_RECONNECT_POLICY: ReconnectPolicyOptions = {
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
  maxAttempts: 8,
  replacedWindowMs: 120_000,
};

export type CloseContext = {
  statusCode: number | undefined;
  /** Transient attempts already made since the last successful open. */
  attempt: number;
  /** When the previous 440 happened on this instance, if any. */
  lastReplacedAt?: number;
  now: number;
  /** True while the socket never reached `open` on fresh credentials (QR / pairing code screen). */
  pairing: boolean;
  /** Baileys' message for the close, to tell "QR refs attempts ended" from other 408s. */
  message?: string;
};

/** Full jitter: uniform in [0, min(max, base·2^attempt)], so a fleet reconnecting together spreads out. */
export function backoffDelay(attempt: number, opts: ReconnectPolicyOptions): number {
  const ceiling = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** attempt);
  const random = opts.random ?? Math.random;
  return Math.max(opts.baseDelayMs / 2, Math.round(random() * ceiling));
}

export function decideReconnect(
  ctx: CloseContext,
  opts: ReconnectPolicyOptions = DEFAULT_RECONNECT_POLICY,
): ReconnectDecision {
  const code = ctx.statusCode;
  switch (code) {
    case 515:
      return { action: "reconnect", delayMs: 0, countsAsAttempt: false };
    case 401:
      // Logged out from the phone (or the device was removed): the credentials can never log in again.
      return { action: "stop", status: "logged_out", reason: "logged_out", wipeCreds: true, alert: true };
    case 411:
      return { action: "stop", status: "logged_out", reason: "multidevice_mismatch", wipeCreds: true, alert: true };
    case 403:
      return { action: "stop", status: "banned", reason: "banned", wipeCreds: false, alert: true };
    case 440:
      // Another client logged in with these credentials. Reconnecting blindly ping-pongs forever; try once, and
      // if it is replaced again soon, leave the number to whoever holds it.
      if (ctx.lastReplacedAt !== undefined && ctx.now - ctx.lastReplacedAt < opts.replacedWindowMs) {
        return { action: "stop", status: "stopped", reason: "connection_replaced", wipeCreds: false, alert: true };
      }
      return { action: "backoff", delayMs: Math.max(5_000, backoffDelay(ctx.attempt, opts)), countsAsAttempt: true };
    default:
      break;
  }
  if (ctx.pairing && (code === 408 || /QR refs attempts ended/i.test(ctx.message ?? ""))) {
    return { action: "stop", status: "pairing_expired", reason: "qr_not_scanned", wipeCreds: true, alert: false };
  }
  if (ctx.attempt >= opts.maxAttempts) {
    return {
      action: "stop",
      status: "failed",
      reason: `reconnect_attempts_exhausted:${code ?? "unknown"}`,
      wipeCreds: false,
      alert: true,
    };
  }
  // 408 lost/timed out, 428 closed, 500 bad session, 503 unavailable, 405 version rejected, unknown: transient.
  return { action: "backoff", delayMs: backoffDelay(ctx.attempt, opts), countsAsAttempt: true };
}
