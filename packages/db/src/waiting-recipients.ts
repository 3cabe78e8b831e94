import type { Db } from "./client.ts";

/**
 * A campaign's waiting (queued) recipients, grouped so that its next send can be answered for every one of them
 * without loading them: a campaign of 100k recipients has a few thousand number prefixes and a handful of time
 * zones, and both queries below are one aggregate over the campaign's queued rows.
 *
 * The prefix is the number's first `chars` characters (E.164, with the "+"), or its first `longChars` when those
 * `chars` are one of `longStems`: the caller gives the lengths at which a recipient's zones and country are decided
 * (@mirage/campaign-rules' `zoneKey`). A recipient known only by its LID has the prefix "" (no zones, no country:
 * the campaign's zone applies).
 */
export type WaitingPrefix = { prefix: string; sample: string | null };

/** How a number's prefix is cut (see above). */
export type PrefixRule = { chars: number; longChars: number; longStems: readonly string[] };

/** The prefix of a waiting row's number (`o.recipient_phone`), as a fragment of the queries below. */
const prefixOf = (db: Db, rule: PrefixRule) => db`
  coalesce(case when left(o.recipient_phone, ${rule.chars}) = any(${[...rule.longStems]}::text[])
    then left(o.recipient_phone, ${rule.longChars}) else left(o.recipient_phone, ${rule.chars}) end, '')`;

/** The distinct prefixes of the campaign's waiting recipients, each with one number of it. */
export async function waitingPrefixes(db: Db, campaignId: string, rule: PrefixRule): Promise<WaitingPrefix[]> {
  return db<WaitingPrefix[]>`
    select ${prefixOf(db, rule)} as prefix, min(o.recipient_phone) as sample
    from public.outbound_messages o
    where o.campaign_id = ${campaignId} and o.state = 'queued'
    group by 1`;
}

/**
 * One sender's waiting recipients of one group: the earliest planned time among them, and the number's pacing slot
 * (shared by every campaign it sends for; null when it never sent).
 */
export type WaitingGroup = { instanceId: string; group: number; earliest: Date; slot: Date | null };

/**
 * The earliest queued time per sender and group, where `groups` maps each prefix (from `waitingPrefixes`) to its
 * group: the caller puts prefixes whose recipients share zones and country in one group. A prefix left out (a
 * recipient queued since) is left out here too.
 */
export async function waitingByGroup(
  db: Db,
  input: { campaignId: string; rule: PrefixRule; groups: ReadonlyMap<string, number> },
): Promise<WaitingGroup[]> {
  if (input.groups.size === 0) return [];
  const prefixes = [...input.groups.keys()];
  const indexes = prefixes.map((p) => input.groups.get(p) ?? 0);
  return db<WaitingGroup[]>`
    select w.instance_id as "instanceId", w.grp as "group", w.earliest, p.next_send_at as slot
    from (
      select o.instance_id, g.grp, min(o.scheduled_at) as earliest
      from public.outbound_messages o
      join unnest(${prefixes}::text[], ${indexes}::int[]) as g(prefix, grp)
        on g.prefix = ${prefixOf(db, input.rule)}
      where o.campaign_id = ${input.campaignId} and o.state = 'queued'
      group by 1, 2
    ) w
    left join public.outreach_senders p on p.instance_id = w.instance_id`;
}
