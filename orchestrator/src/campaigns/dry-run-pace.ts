import {
  checkSendTime,
  drawBreakAfter,
  nextGap,
  nextSendTime,
  type SendRules,
  typingTime,
  type Verdict,
} from "@mirage/campaign-rules";
import type { TPacing } from "@mirage/contracts/campaigns";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** The middle of every draw: the profile's average pace (the live one draws around it). */
const MIDDLE = () => 0.5;

/** One of a number's waiting sends, in planned order: due from `due`, under its recipient's `rules`. */
export type PacedItem = { due: Date; text: string; rules: SendRules };
/** When it is expected to go, and what held it beyond its due time and the number's pace (null: nothing). */
export type PacedTime = {
  at: Date | null;
  reason: "cap" | "warmup" | "window_never_opens" | Exclude<Verdict, { ok: true }>["reason"] | null;
};

/**
 * One number's next sends as the engine paces them: one at a time, each after the previous one's "typing…" and
 * gap (breaks included), at the profile's average; at a step the first waiting recipient whose window is open goes
 * (one whose window is closed waits for it, and those after them do not); at the caps, the number waits until its
 * oldest send of the full window leaves it. `sent` are the number's real sends of the last 24 hours (any campaign,
 * direct sends): they count against the caps with the ones paced here. `caps` apply (warm-up included); `plainCaps`,
 * the same without warm-up, tell a send held only by the warm-up (`warmup`) from one held by the caps themselves. Numbers send in parallel, each paced alone.
 *
 * Without this, the dry run showed every send a closed window holds at the instant it opens, as if they went out
 * together.
 */
export function paceNumber(input: {
  items: readonly PacedItem[];
  pacing: TPacing;
  caps: { perHour: number; perDay: number };
  plainCaps?: { perHour: number; perDay: number };
  /** The number's pacing slot (shared by every campaign it sends), or null. */
  slot: Date | null;
  sent: readonly Date[];
  now: Date;
}): PacedTime[] {
  const { items, pacing, caps } = input;
  const out: PacedTime[] = items.map(() => ({ at: null, reason: null }));
  const history = input.sent.map((d) => d.getTime()).sort((x, y) => x - y);
  const openAt = firstAllowed();
  const pending = new Set(items.keys());
  let clock = Math.max(input.now.getTime(), input.slot?.getTime() ?? 0);
  let sinceBreak = 0;
  let breakAfter = drawBreakAfter(pacing, MIDDLE);
  /**
   * The instants the number was found at its caps (and waited), and whether only the warm-up's lower caps held it
   * then: a send due by then was held by them.
   */
  const capWaits: { at: number; warmupOnly: boolean }[] = [];
  while (pending.size > 0) {
    let pick: number | undefined;
    let pickAt = Number.POSITIVE_INFINITY;
    for (const i of pending) {
      const item = items[i];
      if (!item) continue;
      const at = openAt(item.rules, Math.max(clock, item.due.getTime()));
      if (at === null) {
        out[i] = { at: null, reason: "window_never_opens" };
        pending.delete(i);
      } else if (at < pickAt) {
        pick = i;
        pickAt = at;
      }
    }
    if (pick === undefined) break;
    const free = capFreeAt(history, pickAt, caps);
    if (free !== null) {
      // At the caps: nobody goes before one send leaves the window; then the step looks again.
      capWaits.push({
        at: pickAt,
        warmupOnly: !!input.plainCaps && capFreeAt(history, pickAt, input.plainCaps) === null,
      });
      clock = free;
      continue;
    }
    const item = items[pick];
    if (!item) break;
    // What held it: the caps when the number waited for them while it was due (its own place in the queue then
    // moved with them), else its window at its due time; null when only the pace did.
    const from = Math.max(item.due.getTime(), input.now.getTime());
    const verdict = checkSendTime(new Date(from), item.rules);
    const held = capWaits.filter((w) => w.at >= from);
    out[pick] = {
      at: new Date(pickAt),
      reason:
        held.length > 0 ? (held.every((w) => w.warmupOnly) ? "warmup" : "cap") : verdict.ok ? null : verdict.reason,
    };
    pending.delete(pick);
    history.push(pickAt);
    const gap = nextGap(pacing, sinceBreak + 1, breakAfter, MIDDLE);
    sinceBreak = gap.isBreak ? 0 : sinceBreak + 1;
    if (gap.isBreak) breakAfter = drawBreakAfter(pacing, MIDDLE);
    clock = pickAt + typingTime(item.text, pacing, MIDDLE) + gap.gapMs;
  }
  return out;
}

/**
 * `nextSendTime` remembered per rules (recipients of one zone and country share them): the first allowed instant at
 * or after `t`, reused while the clock has not passed it, so pacing 200 sends costs a few window searches per zone
 * rather than one per send and step.
 */
function firstAllowed(): (rules: SendRules, t: number) => number | null {
  const known = new Map<SendRules, { from: number; at: number | null }>();
  return (rules, t) => {
    const hit = known.get(rules);
    if (hit && hit.from <= t && (hit.at === null || hit.at >= t)) return hit.at;
    const at = nextSendTime(new Date(t), rules)?.getTime() ?? null;
    known.set(rules, { from: t, at });
    return at;
  };
}

/**
 * When a number at its caps at `t` may send again: the moment enough of its sends left the rolling hour or day to
 * be under both (null: under them at `t`). `history` ascending.
 */
function capFreeAt(history: readonly number[], t: number, caps: { perHour: number; perDay: number }): number | null {
  let free: number | null = null;
  for (const [span, cap] of [
    [DAY, caps.perDay],
    [HOUR, caps.perHour],
  ] as const) {
    const inside = history.filter((x) => x > t - span && x <= t);
    if (inside.length < cap) continue;
    // The (n - cap + 1)-th oldest leaving brings the count under the cap.
    const leaving = (inside[inside.length - cap] ?? t) + span;
    free = Math.max(free ?? 0, leaving);
  }
  return free !== null && free > t ? free : null;
}
