/**
 * Instance health: live counters kept by the session, turned into a 0–100 score with its reasons.
 *
 * A score describes a logged-in socket only (statuses `connected`, `degraded`, `restricted`); in every other status
 * the instance has no health (null) and its status and status reason say why. Every signal is time-windowed, so
 * the score comes back to 100 once its cause is gone. The reasons are machine-readable (the dashboard translates
 * them) and each costs a documented number of points.
 */
export type HealthMetrics = {
  connected: boolean;
  lastInboundAt: number | null;
  lastOutboundAt: number | null;
  /** Median of the server-ack latencies within the window, ms. */
  ackLatencyMs: number | null;
  /** Sends within the window whose server ack is overdue, with no ack for anything sent since. */
  unackedOverdue: number;
  /**
   * Recipients of sends within the window that the server acknowledged but whose phones never sent a delivery
   * receipt within `deliveryTimeoutMs`, counted only while no delivery receipt at all arrived since they were sent.
   */
  undeliveredRecipients: number;
  lastDeliveredAt: number | null;
  disconnectsLastHour: number;
  decryptErrorsLastHour: number;
  /** Ack error 463 (reach-out timelock) end time, if restricted. */
  restrictedUntil: number | null;
  /** Sends refused by the new-chat cap in the last hour. */
  newChatCapHitsLastHour: number;
  ackErrorsLastHour: number;
};

export type HealthScore = { score: number; reasons: string[] };

export type HealthOptions = {
  /** A send without a server ack after this long counts as "not delivering" (`no_server_acks`). */
  ackTimeoutMs: number;
  /** A send without a delivery receipt after this long counts toward `no_delivery_receipts`. */
  deliveryTimeoutMs: number;
  /** Distinct recipients without a delivery receipt before the instance counts as not delivering. */
  undeliveredRecipientsThreshold: number;
  /** Sends older than this are forgotten, delivered or not: the window every send-based signal looks at. */
  windowMs: number;
};

export const DEFAULT_HEALTH_OPTIONS: HealthOptions = {
  ackTimeoutMs: 20_000,
  deliveryTimeoutMs: 5 * 60_000,
  undeliveredRecipientsThreshold: 3,
  windowMs: 30 * 60_000,
};

/** The reasons that make a connected instance `degraded` ("connected but not delivering"). */
export const NOT_DELIVERING_REASONS = ["no_server_acks", "no_delivery_receipts"] as const;

/** Scores a logged-in socket. Points: see each line; the score is clamped to 0–100. */
export function scoreHealth(m: HealthMetrics, now: number): HealthScore {
  let score = 100;
  const reasons: string[] = [];
  const penalize = (points: number, reason: string) => {
    score -= points;
    reasons.push(reason);
  };
  if (m.unackedOverdue > 0) penalize(50, "no_server_acks");
  if (m.undeliveredRecipients > 0) penalize(50, "no_delivery_receipts");
  if (m.restrictedUntil !== null && m.restrictedUntil > now) penalize(40, "reach_out_timelock");
  if (m.newChatCapHitsLastHour > 0) penalize(20, "new_chat_cap");
  if (m.ackErrorsLastHour > 0) penalize(Math.min(20, 5 * m.ackErrorsLastHour), "ack_errors");
  if (m.ackLatencyMs !== null && m.ackLatencyMs > 5_000) penalize(15, "slow_acks");
  else if (m.ackLatencyMs !== null && m.ackLatencyMs > 2_000) penalize(5, "slow_acks");
  if (m.disconnectsLastHour > 1) penalize(Math.min(30, 10 * (m.disconnectsLastHour - 1)), "unstable_connection");
  if (m.decryptErrorsLastHour > 0) penalize(Math.min(20, 5 * m.decryptErrorsLastHour), "decrypt_errors");
  return { score: Math.max(0, Math.min(100, score)), reasons };
}

const HOUR = 3_600_000;
/** Bounds the per-send tables of an instance that sends a lot; the oldest entries go first. */
const MAX_TRACKED_SENDS = 5_000;

type Sent = { at: number; to: string; acked: boolean };

/** Sliding-window counters and the per-send table (server ack, delivery) of one session. */
export class HealthTracker {
  private readonly disconnects: number[] = [];
  /** When each message that could not be decrypted came, by its id: removed when its resend decrypts. */
  private readonly decryptErrors = new Map<string, number>();
  private readonly ackErrors: number[] = [];
  private readonly capHits: number[] = [];
  private readonly ackLatencies: { at: number; ms: number }[] = [];
  /** Sends waiting for their server ack or their delivery receipt, in send order. */
  private readonly sends = new Map<string, Sent>();
  private readonly opts: HealthOptions;
  connected = false;
  lastInboundAt: number | null = null;
  lastOutboundAt: number | null = null;
  lastServerAckAt: number | null = null;
  lastDeliveredAt: number | null = null;
  restrictedUntil: number | null = null;

  constructor(opts: Partial<HealthOptions> = {}) {
    this.opts = { ...DEFAULT_HEALTH_OPTIONS, ...opts };
  }

  messageSent(id: string, to: string, at: number): void {
    this.sends.set(id, { at, to, acked: false });
    if (this.sends.size > MAX_TRACKED_SENDS) {
      const oldest = this.sends.keys().next().value;
      if (oldest !== undefined) this.sends.delete(oldest);
    }
    this.lastOutboundAt = at;
  }

  serverAck(id: string, at: number): void {
    this.lastServerAckAt = at;
    const sent = this.sends.get(id);
    if (!sent || sent.acked) return;
    sent.acked = true;
    this.ackLatencies.push({ at, ms: at - sent.at });
    if (this.ackLatencies.length > 50) this.ackLatencies.shift();
  }

  /** A delivery (or read) receipt: the recipient's phone has the message, so the whole path works. */
  delivered(id: string, at: number): void {
    this.lastDeliveredAt = at;
    const sent = this.sends.get(id);
    if (sent && !sent.acked) this.serverAck(id, at);
    this.sends.delete(id);
  }

  ackError(id: string, at: number): void {
    this.sends.delete(id);
    this.ackErrors.push(at);
  }

  newChatCapHit(at: number): void {
    this.capHits.push(at);
  }

  inbound(at: number): void {
    this.lastInboundAt = at;
  }

  disconnected(at: number): void {
    this.connected = false;
    this.disconnects.push(at);
    // A fresh socket will never ack what the old one sent (receipts may still come, and still count).
    for (const [id, sent] of this.sends) if (!sent.acked) this.sends.delete(id);
  }

  /** A message (`id`) arrived that could not be decrypted: Baileys asked the sender's phone to send it again. */
  decryptError(id: string, at: number): void {
    this.decryptErrors.delete(id);
    this.decryptErrors.set(id, at);
  }

  /**
   * A message arrived decrypted: if it is the resend of one that could not be decrypted, that error is no longer a
   * sign of trouble (WhatsApp's retry fixed it: a reinstalled phone, keys erased with a contact) and stops counting.
   */
  decrypted(id: string): void {
    if (this.decryptErrors.size > 0) this.decryptErrors.delete(id);
  }

  metrics(now: number): HealthMetrics {
    for (const list of [this.disconnects, this.ackErrors, this.capHits]) {
      while (list.length > 0 && (list[0] ?? 0) < now - HOUR) list.shift();
    }
    for (const [id, at] of this.decryptErrors) {
      if (at >= now - HOUR) break;
      this.decryptErrors.delete(id);
    }
    const windowStart = now - this.opts.windowMs;
    while (this.ackLatencies.length > 0 && (this.ackLatencies[0]?.at ?? 0) < windowStart) this.ackLatencies.shift();
    let overdue = 0;
    const undelivered = new Set<string>();
    for (const [id, sent] of this.sends) {
      if (sent.at < windowStart) {
        this.sends.delete(id);
        continue;
      }
      const age = now - sent.at;
      // The cause is gone once the server acks (or a phone confirms) anything sent after this message.
      if (!sent.acked && age > this.opts.ackTimeoutMs && (this.lastServerAckAt ?? 0) <= sent.at) overdue++;
      if (sent.acked && age > this.opts.deliveryTimeoutMs && (this.lastDeliveredAt ?? 0) <= sent.at) {
        undelivered.add(sent.to);
      }
    }
    const sorted = this.ackLatencies.map((l) => l.ms).sort((a, b) => a - b);
    return {
      connected: this.connected,
      lastInboundAt: this.lastInboundAt,
      lastOutboundAt: this.lastOutboundAt,
      ackLatencyMs: sorted.length ? (sorted[Math.floor(sorted.length / 2)] ?? null) : null,
      unackedOverdue: overdue,
      undeliveredRecipients: undelivered.size >= this.opts.undeliveredRecipientsThreshold ? undelivered.size : 0,
      lastDeliveredAt: this.lastDeliveredAt,
      disconnectsLastHour: this.disconnects.length,
      decryptErrorsLastHour: this.decryptErrors.size,
      restrictedUntil: this.restrictedUntil,
      newChatCapHitsLastHour: this.capHits.length,
      ackErrorsLastHour: this.ackErrors.length,
    };
  }
}
