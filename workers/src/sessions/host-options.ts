import { DEFAULT_RECONNECT_POLICY, type ReconnectPolicyOptions } from "./reconnect-policy.ts";

/** Timers worth tuning (tests shorten them; production keeps Baileys' defaults). */
export type SocketTuning = { qrTimeoutMs?: number; connectTimeoutMs?: number; keepAliveIntervalMs?: number };

export type SessionHostOptions = {
  /** QR codes shown before giving up with `pairing_expired` (WhatsApp offers six per connection). */
  maxQrAttempts: number;
  /** A send without a server ack after this long counts as "not delivering" (`no_server_acks`). */
  ackTimeoutMs: number;
  /** A server-acked send without a delivery receipt after this long counts toward `no_delivery_receipts`. */
  deliveryTimeoutMs: number;
  /** Distinct recipients left without a delivery receipt before the instance is "not delivering". */
  undeliveredRecipientsThreshold: number;
  /** How far back every send-based health signal looks; older sends are forgotten. */
  healthWindowMs: number;
  /** How long a pairing code stays valid (a repeat request within it returns the same code). */
  pairingCodeTtlMs: number;
  /** How long WhatsApp keeps an unpaired socket open, from its first QR (60 s + 5 × 20 s: six QR refs). */
  qrWindowMs: number;
  /** How long a short-lived login (to unlink an instance that is not running) may take before giving up. */
  offlineLogoutTimeoutMs: number;
  reconnect: ReconnectPolicyOptions;
  /** Sockets opened per second when restoring many instances at start (spreads the login storm). */
  restoreRatePerSecond: number;
  healthIntervalMs: number;
  /** How long an instance stays `restricted` after the new-chat cap refused a message. */
  newChatCapCooldownMs: number;
  socket: SocketTuning;
};

export const DEFAULT_SESSION_HOST_OPTIONS: SessionHostOptions = {
  maxQrAttempts: 5,
  ackTimeoutMs: 20_000,
  deliveryTimeoutMs: 5 * 60_000,
  undeliveredRecipientsThreshold: 3,
  healthWindowMs: 30 * 60_000,
  pairingCodeTtlMs: 120_000,
  qrWindowMs: 160_000,
  offlineLogoutTimeoutMs: 20_000,
  reconnect: DEFAULT_RECONNECT_POLICY,
  restoreRatePerSecond: 10,
  healthIntervalMs: 30_000,
  newChatCapCooldownMs: 6 * 3_600_000,
  socket: {},
};
