import type { TCampaignSchedule, TQuietHours } from "@mirage/contracts/campaigns";
import { DateTime } from "luxon";

/** Everything that decides whether a message may go at a given instant. */
export type SendRules = {
  /** The campaign's IANA zone: send windows are in it. */
  campaignZone: string;
  schedule: TCampaignSchedule;
  /** In the recipient's local time. */
  quietHours: TQuietHours | null;
  /** The recipient's candidate zones (all of them must agree); empty = the campaign's zone. */
  recipientZones: readonly string[];
  /** Holiday dates ("yyyy-MM-dd") of the recipient's country; a day that is a holiday in any candidate zone blocks. */
  holidays: ReadonlySet<string>;
};

export type Verdict = { ok: true } | { ok: false; reason: "outside_window" | "quiet_hours" | "holiday" };

const minutesOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(":");
  return Number(h) * 60 + Number(m);
};

/** Whether minute-of-day `t` is inside [start, end), a range that may cross midnight (start > end). */
function inRange(t: number, start: number, end: number): boolean {
  if (start === end) return false;
  return start < end ? t >= start && t < end : t >= start || t < end;
}

/** Whether the campaign's own windows allow `at` (no windows = always). */
export function inSendWindow(at: Date, zone: string, schedule: TCampaignSchedule): boolean {
  if (schedule.windows.length === 0) return true;
  const local = DateTime.fromJSDate(at, { zone });
  const t = local.hour * 60 + local.minute;
  return schedule.windows.some(
    (w) => w.days.includes(local.weekday) && inRange(t, minutesOf(w.start), minutesOf(w.end)),
  );
}

/**
 * Whether a message may go at `at`: inside a send window (campaign zone), outside quiet hours and not on a holiday
 * in every candidate zone of the recipient. Brazil spans four zones: a number whose zone is unknown must satisfy
 * all of them, so nobody is reached at night anywhere.
 */
export function checkSendTime(at: Date, rules: SendRules): Verdict {
  if (!inSendWindow(at, rules.campaignZone, rules.schedule)) return { ok: false, reason: "outside_window" };
  const zones = rules.recipientZones.length > 0 ? rules.recipientZones : [rules.campaignZone];
  for (const zone of zones) {
    const local = DateTime.fromJSDate(at, { zone });
    if (rules.quietHours) {
      const t = local.hour * 60 + local.minute;
      if (inRange(t, minutesOf(rules.quietHours.start), minutesOf(rules.quietHours.end))) {
        return { ok: false, reason: "quiet_hours" };
      }
    }
    if (rules.holidays.size > 0 && rules.holidays.has(local.toISODate() ?? "")) return { ok: false, reason: "holiday" };
  }
  return { ok: true };
}

const STEP_MS = 5 * 60_000;

/**
 * The first instant at or after `from` when `checkSendTime` allows a send, searched minute-exact within
 * `horizonDays` (default 21); null when no such instant exists (a window that never opens, quiet hours covering it
 * all). Scans in 5-minute steps and then narrows to the minute, so a call costs a few thousand cheap checks at most.
 */
export function nextSendTime(from: Date, rules: SendRules, horizonDays = 21): Date | null {
  if (checkSendTime(from, rules).ok) return from;
  const limit = from.getTime() + horizonDays * 86_400_000;
  // Align to the next whole minute: windows and quiet hours change on minute boundaries.
  let t = Math.ceil((from.getTime() + 1) / 60_000) * 60_000;
  let prev = from.getTime();
  while (t <= limit) {
    if (checkSendTime(new Date(t), rules).ok) {
      for (let m = Math.ceil((prev + 1) / 60_000) * 60_000; m < t; m += 60_000) {
        if (checkSendTime(new Date(m), rules).ok) return new Date(m);
      }
      return new Date(t);
    }
    prev = t;
    t = (Math.floor(t / STEP_MS) + 1) * STEP_MS;
  }
  return null;
}

/** Whether the campaign's windows open at all within `horizonDays` (quiet hours in the campaign zone included). */
export function windowEverOpens(
  from: Date,
  zone: string,
  schedule: TCampaignSchedule,
  quietHours: TQuietHours | null,
): boolean {
  return (
    nextSendTime(from, { campaignZone: zone, schedule, quietHours, recipientZones: [zone], holidays: new Set() }, 8) !==
    null
  );
}

/** Whether `zone` is an IANA zone luxon knows. */
export function isValidZone(zone: string): boolean {
  return DateTime.local().setZone(zone).isValid;
}
