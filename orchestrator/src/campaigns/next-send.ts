import {
  capReachedUntil,
  checkSendTime,
  effectiveCaps,
  longZoneStems,
  nextSendTime,
  recipientZones,
  type SendRules,
  ZONE_PREFIX_CHARS,
  ZONE_PREFIX_LONG_CHARS,
} from "@mirage/campaign-rules";
import type { TNextSendHeldBy } from "@mirage/contracts/campaign-stats";
import type { Tx } from "@mirage/db";
import type { CampaignRow } from "@mirage/db/campaigns";
import { holidaySet, instanceCapsInfo, sentWindowCounts } from "@mirage/db/outreach";
import { waitingByGroup, waitingPrefixes } from "@mirage/db/waiting-recipients";
import { parsePhone } from "@mirage/phone";
import { settingsOf } from "./engine.ts";

/** The recipients of one group share these: the zones they are reached in and the country of their holidays. */
type Group = { zones: string[]; country: string | null };

/** A sender's next send and what holds it past its pacing slot (see ZNextSendHeldBy). */
export type NextSend = { at: Date; heldBy: TNextSendHeldBy };

/**
 * Each sender's next send for the campaign: the earliest instant at which any of its waiting recipients can
 * actually go, by the rules the worker's step applies — the number's pacing slot, the recipient's planned time,
 * the campaign's windows (its zone), quiet hours and holidays in the recipient's own zones (a Brazilian campaign
 * reaches four), and the caps on the number (the campaign's, the number's own, warm-up): at its caps, a number's
 * next send is when its window frees one. Senders with nothing waiting, or whose recipients' windows never open
 * before the campaign ends (the worker skips them), are absent.
 *
 * Cheap for a campaign of 100k recipients: the waiting recipients are grouped in SQL by number prefix (which
 * decides zones and country), the prefixes folded into a handful of groups here, and the earliest time per sender
 * and group is one more aggregate; the window search runs once per sender and group.
 */
export async function campaignNextSends(tx: Tx, c: CampaignRow, now = new Date()): Promise<Map<string, NextSend>> {
  const s = settingsOf(c);
  // Cut where zones are decided (as recipientZones keys them): numbers of one prefix share zones and country.
  const rule = { chars: ZONE_PREFIX_CHARS, longChars: ZONE_PREFIX_LONG_CHARS, longStems: longZoneStems() };
  const prefixes = await waitingPrefixes(tx, c.id, rule);
  const groups: Group[] = [];
  const groupOfKey = new Map<string, number>();
  const groupOfPrefix = new Map<string, number>();
  for (const p of prefixes) {
    const zones = p.sample ? await recipientZones(p.sample) : [];
    const parsed = p.sample ? parsePhone(p.sample) : null;
    const country = parsed?.ok ? (parsed.phone.country ?? null) : null;
    const key = `${country ?? ""} ${[...zones].sort().join(" ")}`;
    let index = groupOfKey.get(key);
    if (index === undefined) {
      index = groups.push({ zones, country }) - 1;
      groupOfKey.set(key, index);
    }
    groupOfPrefix.set(p.prefix, index);
  }
  const waiting = await waitingByGroup(tx, { campaignId: c.id, rule, groups: groupOfPrefix });

  const holidays = new Map<string | null, Promise<Set<string>>>();
  const holidaysOf = (country: string | null) => {
    let hit = holidays.get(country);
    if (!hit) {
      hit = c.skipHolidays ? holidaySet(tx, c.orgId, country, now) : Promise.resolve(new Set<string>());
      holidays.set(country, hit);
    }
    return hit;
  };
  const rulesOf = async (g: Group): Promise<SendRules> => ({
    campaignZone: c.timezone,
    schedule: s.schedule,
    quietHours: s.quietHours,
    recipientZones: g.zones,
    holidays: await holidaysOf(g.country),
  });

  const bySender = new Map<string, typeof waiting>();
  for (const w of waiting) {
    const rows = bySender.get(w.instanceId);
    if (rows) rows.push(w);
    else bySender.set(w.instanceId, [w]);
  }
  const next = new Map<string, NextSend>();
  for (const [instanceId, rows] of bySender) {
    // The caps as counted now: they hold only the sends due before the number's window frees one (a campaign
    // waiting for tomorrow's window is not held by what the number sent this hour).
    const [sent, info] = await Promise.all([sentWindowCounts(tx, instanceId, now), instanceCapsInfo(tx, instanceId)]);
    const capUntil = capReachedUntil(effectiveCaps(s.caps, info, now), sent);
    // Held only because the warm-up lowers a new number's caps: without it the number could send.
    const warmupOnly =
      capUntil !== null && capReachedUntil(effectiveCaps({ ...s.caps, warmup: false }, info, now), sent) === null;
    const raw = (w: (typeof rows)[number]) => Math.max(w.earliest.getTime(), w.slot?.getTime() ?? 0);
    let best: { at: number; raw: number; heldBy: TNextSendHeldBy } | undefined;
    // Earliest planned first: a group that cannot start before the best found so far cannot beat it.
    for (const w of rows.sort((x, y) => raw(x) - raw(y))) {
      const unheld = Math.max(raw(w), now.getTime());
      const from = Math.max(unheld, capUntil?.getTime() ?? 0);
      if (best && from >= best.at) break;
      const group = groups[w.group];
      if (!group) continue;
      const rules = await rulesOf(group);
      const at = nextSendTime(new Date(from), rules);
      if (at === null || (c.endsAt && at >= c.endsAt)) continue;
      if (!best || at.getTime() < best.at) {
        // The window search moved it: what closed the window at `from`; else the caps, when they moved `from`.
        const verdict = at.getTime() > from ? checkSendTime(new Date(from), rules) : { ok: true as const };
        const heldBy = !verdict.ok ? verdict.reason : from > unheld ? (warmupOnly ? "warmup" : "cap") : null;
        best = { at: at.getTime(), raw: raw(w), heldBy };
      }
    }
    if (!best) continue;
    // Nothing holds it: the raw time as it was (a time already past reads as it did before, "now" to the viewers).
    const at = new Date(best.at === Math.max(best.raw, now.getTime()) ? best.raw : best.at);
    next.set(instanceId, { at, heldBy: best.heldBy });
  }
  return next;
}
