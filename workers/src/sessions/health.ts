/**
 * Instance health: live counters kept by the session, turned into a 0–100 score with its reasons.
 * The reasons are machine-readable (the dashboard translates them) and each costs a documented number of points.
 */
export type HealthMetrics = {
  connected: boolean;
  lastInboundAt: number | null;
  lastOutboundAt: number | null;
  /** Median of the recent server-ack latencies, ms. */
  ackLatencyMs: number | null;
  /** Messages sent whose server ack is overdue (the "connected but not delivering" probe). */
  unackedOverdue: number;
  disconnectsLastHour: number;
  decryptErrorsLastHour: number;
  /** Ack error 463 (reach-out timelock) end time, if restricted. */
  restrictedUntil: number | null;
  /** Sends refused by the new-chat cap in the last hour. */
  newChatCapHitsLastHour: number;
  ackErrorsLastHour: number;
};

export type HealthScore = { score: number; reasons: string[] };

export function scoreHealth(m: HealthMetrics, now: number): HealthScore {
  if (!m.connected) return { score: 0, reasons: ["disconnected"] };
  let score = 100;
  const reasons: string[] = [];
  const penalize = (points: number, reason: string) => {
    score -= points;
    reasons.push(reason);
  };
  if (m.unackedOverdue > 0) penalize(50, "not_delivering");
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

/** Sliding-window counters and the pending-ack table of one session. */
export class HealthTracker {
  private readonly disconnects: number[] = [];
  private readonly decryptErrors: number[] = [];
  private readonly ackErrors: number[] = [];
  private readonly capHits: number[] = [];
  private readonly ackLatencies: number[] = [];
  private readonly pendingAcks = new Map<string, number>();
  connected = false;
  lastInboundAt: number | null = null;
  lastOutboundAt: number | null = null;
  restrictedUntil: number | null = null;

  constructor(private readonly ackTimeoutMs: number) {}

  messageSent(id: string, at: number): void {
    this.pendingAcks.set(id, at);
    this.lastOutboundAt = at;
  }

  serverAck(id: string, at: number): void {
    const sentAt = this.pendingAcks.get(id);
    if (sentAt === undefined) return;
    this.pendingAcks.delete(id);
    this.ackLatencies.push(at - sentAt);
    if (this.ackLatencies.length > 50) this.ackLatencies.shift();
  }

  ackError(id: string, at: number): void {
    this.pendingAcks.delete(id);
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
    // A fresh socket will never ack what the old one sent.
    this.pendingAcks.clear();
  }

  decryptError(at: number): void {
    this.decryptErrors.push(at);
  }

  metrics(now: number): HealthMetrics {
    for (const list of [this.disconnects, this.decryptErrors, this.ackErrors, this.capHits]) {
      while (list.length > 0 && (list[0] ?? 0) < now - HOUR) list.shift();
    }
    let overdue = 0;
    for (const sentAt of this.pendingAcks.values()) if (now - sentAt > this.ackTimeoutMs) overdue++;
    const sorted = [...this.ackLatencies].sort((a, b) => a - b);
    return {
      connected: this.connected,
      lastInboundAt: this.lastInboundAt,
      lastOutboundAt: this.lastOutboundAt,
      ackLatencyMs: sorted.length ? (sorted[Math.floor(sorted.length / 2)] ?? null) : null,
      unackedOverdue: overdue,
      disconnectsLastHour: this.disconnects.length,
      decryptErrorsLastHour: this.decryptErrors.length,
      restrictedUntil: this.restrictedUntil,
      newChatCapHitsLastHour: this.capHits.length,
      ackErrorsLastHour: this.ackErrors.length,
    };
  }
}
