import { nextSendTime, recipientZones } from "@mirage/campaign-rules";
import type { Tx } from "@mirage/db";
import type { CampaignRow } from "@mirage/db/campaigns";
import { holidaySet, type NextSlot } from "@mirage/db/outreach";
import { parsePhone } from "@mirage/phone";
import { settingsOf } from "./engine.ts";

/**
 * Turns a sender's raw `NextSlot` (pacing slot or earliest queued message, whichever is later) into the time shown
 * as the campaign's next send on that number: not before the campaign can send, by the same rules and function the
 * worker's step applies (`nextSendTime`: windows per weekday in the campaign's zone, quiet hours and holidays when
 * skipHolidays). Without this, a running campaign inside its quiet hours showed "next send now" until the worker had
 * stepped every waiting message and postponed it to the window's opening.
 *
 * The rules are those of the recipient the number steps first (its zones and country, as the worker uses). Another
 * waiting recipient in a different zone may be allowed earlier or later, and the caps may hold the number longer:
 * the time shown is the first recipient's, which the live pacing then refines. Null when that recipient's window
 * never opens (within the search horizon) or only after the campaign's end: the worker skips them then.
 */
export function nextSendResolver(
  tx: Tx,
  c: CampaignRow,
  now = new Date(),
): (slot: NextSlot | undefined) => Promise<Date | null> {
  const s = settingsOf(c);
  const holidays = new Map<string | null, Promise<Set<string>>>();
  const holidaysOf = (country: string | null) => {
    let hit = holidays.get(country);
    if (!hit) {
      hit = holidaySet(tx, c.orgId, country, now);
      holidays.set(country, hit);
    }
    return hit;
  };
  return async (slot) => {
    if (!slot) return null;
    const parsed = slot.phone ? parsePhone(slot.phone) : null;
    const country = parsed?.ok ? (parsed.phone.country ?? null) : null;
    const at = nextSendTime(slot.at > now ? slot.at : now, {
      campaignZone: c.timezone,
      schedule: s.schedule,
      quietHours: s.quietHours,
      recipientZones: slot.phone ? await recipientZones(slot.phone) : [],
      holidays: c.skipHolidays ? await holidaysOf(country) : new Set<string>(),
    });
    if (at === null || (c.endsAt && at >= c.endsAt)) return null;
    // Nothing holds it: the raw slot as it was (a slot already past reads as it did before, "now" to the viewers).
    return at.getTime() === Math.max(slot.at.getTime(), now.getTime()) ? slot.at : at;
  };
}
