/**
 * How much earlier than planned a worker schedules a campaign write: the running average of how late its recent
 * writes were after their due instant — the delayed job's pickup, the `sending` commit and the encryption up to the
 * frame written — so the next one reaches WhatsApp on its planned instant instead of that much after it.
 */

/** Weight of the newest sample: about the last ten writes count. */
const ALPHA = 0.2;
/** Upper bound of a sample and of the lead, ms: one stalled write (a reconnect, a long pause) must not drag it far. */
const MAX_LEAD_MS = 1_000;

export type Lead = {
  /** The current lead, ms (0 until a write was observed). */
  ms(): number;
  /** One write's lateness after its due instant, ms (frame written − due). */
  observe(lateMs: number): void;
};

/** An exponentially weighted moving average of write lateness, clamped to [0, 1 s]; the first sample seeds it. */
export function createLead(alpha = ALPHA, maxMs = MAX_LEAD_MS): Lead {
  let value = 0;
  let seeded = false;
  return {
    ms: () => Math.round(value),
    observe(lateMs: number) {
      if (!Number.isFinite(lateMs)) return;
      const sample = Math.min(Math.max(0, lateMs), maxMs);
      value = seeded ? value + alpha * (sample - value) : sample;
      seeded = true;
    },
  };
}
