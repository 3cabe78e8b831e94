import { effectiveCaps } from "@mirage/campaign-rules";
import type { TInstanceDailySends } from "@mirage/contracts/instances";
import type { InstanceDailySends } from "@mirage/db/instances";

/** No sends yet and no cap: a number just created. */
export const NO_SENDS: TInstanceDailySends = { sent: 0, cap: null, warmupCap: null, warmupDay: null };

const UNCAPPED = { perHour: Number.POSITIVE_INFINITY, perDay: Number.POSITIVE_INFINITY };

/**
 * A number's sends in the last 24 hours against its own daily cap (every campaign respects it) and, while it warms
 * up, the warm-up curve's cap for its age (the campaign engine's own rule: only campaigns with warm-up on apply it).
 * A banned number sends nothing more, so it has no warm-up day to show.
 */
export function dailySends(rows: InstanceDailySends[], now: Date): Map<string, TInstanceDailySends> {
  const out = new Map<string, TInstanceDailySends>();
  for (const r of rows) {
    const curve =
      r.status === "banned"
        ? { perDay: null, warmupDay: null }
        : effectiveCaps({ ...UNCAPPED, warmup: true }, { hourlyCap: null, dailyCap: null, pairedAt: r.pairedAt }, now);
    out.set(r.instanceId, {
      sent: r.sent,
      cap: r.dailyCap,
      warmupCap: curve.warmupDay !== null ? curve.perDay : null,
      warmupDay: curve.warmupDay,
    });
  }
  return out;
}
