import { DEFAULT_RECONNECT_POLICY, type ReconnectPolicyOptions } from "./reconnect-policy.ts";

/** Timers worth tuning (tests shorten them; production keeps Baileys' defaults). */
export type SocketTuning = { qrTimeoutMs?: number; connectTimeoutMs?: number; keepAliveIntervalMs?: number };

export type SessionHostOptions = {
  /** QR codes shown before giving up with `pairing_expired` (WhatsApp offers six per connection). */
  maxQrAttempts: number;
  /** A send without a server ack after this long counts as "not delivering". */
  ackTimeoutMs: number;
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
  reconnect: DEFAULT_RECONNECT_POLICY,
  restoreRatePerSecond: 10,
  healthIntervalMs: 30_000,
  newChatCapCooldownMs: 6 * 3_600_000,
  socket: {},
};
