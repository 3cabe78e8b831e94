import type { TCaps, TPacing } from "@mirage/contracts/campaigns";

export type Random = () => number;

/** A number drawn from [min, max], triangular around the middle (never a constant). */
export function drawBetween(range: { min: number; max: number }, random: Random = Math.random): number {
  if (range.max <= range.min) return range.min;
  return Math.round(range.min + ((random() + random()) / 2) * (range.max - range.min));
}

/**
 * The wait before a number's next send, in ms: a drawn gap, or — when `sendsSinceBreak` reached the break point drawn
 * for this stretch — a longer break. Answers whether the counter restarts.
 */
export function nextGap(
  pacing: TPacing,
  sendsSinceBreak: number,
  breakAfter: number,
  random: Random = Math.random,
): { gapMs: number; isBreak: boolean } {
  if (breakAfter > 0 && sendsSinceBreak >= breakAfter && pacing.breakMs.max > 0) {
    return { gapMs: drawBetween(pacing.breakMs, random), isBreak: true };
  }
  return { gapMs: drawBetween(pacing.gapMs, random), isBreak: false };
}

/** How many sends until the next break (drawn per stretch); 0 when breaks are off. */
export function drawBreakAfter(pacing: TPacing, random: Random = Math.random): number {
  return pacing.breakEvery.max === 0 ? 0 : Math.max(1, drawBetween(pacing.breakEvery, random));
}

/** "typing…" before a text, in ms: proportional to its length, ±20 %, clamped to the profile's range. */
export function typingTime(text: string, pacing: TPacing, random: Random = Math.random): number {
  const raw = text.length * pacing.typingMsPerChar * (0.8 + 0.4 * random());
  return Math.round(Math.min(pacing.typingMs.max, Math.max(pacing.typingMs.min, raw)));
}

/** Daily caps for a number's first days after pairing; from the last entry on, the configured cap applies. */
export const WARMUP_DAILY = [20, 30, 45, 60, 80, 110, 150, 200, 250] as const;

/**
 * The caps that apply to a number now: the campaign's, the instance's own (when set), and — with warm-up — the
 * curve for its age in days since it was paired (`pairedAt`; null = unknown, treated as warmed up).
 */
export function effectiveCaps(
  caps: TCaps,
  instance: { hourlyCap: number | null; dailyCap: number | null; pairedAt: Date | null },
  now: Date,
): { perHour: number; perDay: number; warmupDay: number | null } {
  let perHour = Math.min(caps.perHour, instance.hourlyCap ?? Number.POSITIVE_INFINITY);
  let perDay = Math.min(caps.perDay, instance.dailyCap ?? Number.POSITIVE_INFINITY);
  let warmupDay: number | null = null;
  if (caps.warmup && instance.pairedAt) {
    const day = Math.floor((now.getTime() - instance.pairedAt.getTime()) / 86_400_000);
    const curve = WARMUP_DAILY[Math.max(0, day)];
    if (curve !== undefined) {
      warmupDay = day;
      perDay = Math.min(perDay, curve);
      perHour = Math.min(perHour, Math.max(5, Math.ceil(curve / 4)));
    }
  }
  return { perHour, perDay, warmupDay };
}

/** What a number sent in the last hour and day (every campaign and direct sends), with the oldest send of each. */
export type SentWindow = { hour: number; day: number; oldestHour: Date | null; oldestDay: Date | null };

/**
 * When a number at its caps may send again: the oldest send of the full window leaves it (24 h after it for the
 * daily cap, 1 h for the hourly one); null while it is under both. `caps` as `effectiveCaps` answers them.
 */
export function capReachedUntil(caps: { perHour: number; perDay: number }, sent: SentWindow): Date | null {
  if (sent.day >= caps.perDay && sent.oldestDay) return new Date(sent.oldestDay.getTime() + 86_400_000);
  if (sent.hour >= caps.perHour && sent.oldestHour) return new Date(sent.oldestHour.getTime() + 3_600_000);
  return null;
}
