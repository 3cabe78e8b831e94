import { effectiveCaps } from "@mirage/campaign-rules";
import type { TInstanceDailySends } from "@mirage/contracts/instances";
import type { InstanceDailySends } from "@mirage/db/instances";

/** No sends yet and no cap: a number just created. */
export const NO_SENDS: TInstanceDailySends = { sent: 0, cap: null, warmupDay: null };

/**
 * The cap a number has regardless of campaign: its own daily cap and the warm-up curve for its age (the campaign
 * engine's own rule, with the campaign's caps left out).
 */
export function dailySends(rows: InstanceDailySends[], now: Date): Map<string, TInstanceDailySends> {
  const out = new Map<string, TInstanceDailySends>();
  for (const r of rows) {
    const caps = effectiveCaps(
      { perHour: Number.POSITIVE_INFINITY, perDay: Number.POSITIVE_INFINITY, warmup: true },
      {
        hourlyCap: null,
        dailyCap: r.dailyCap,
        pairedAt: r.pairedAt,
      },
      now,
    );
    out.set(r.instanceId, {
      sent: r.sent,
      cap: Number.isFinite(caps.perDay) ? caps.perDay : null,
      warmupDay: caps.warmupDay,
    });
  }
  return out;
}
