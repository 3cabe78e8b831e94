import type { TSegmentFilter } from "@mirage/contracts/segments";
import type postgres from "postgres";
import type { Db } from "./client.ts";
import { segmentPredicate } from "./segments.ts";

/**
 * A campaign's plan, built in Postgres: the audience (lists and segments, evaluated now: the snapshot), one row per
 * recipient in outbound_messages with its sticky sender and earliest time. One statement, whatever the size.
 */

/** `c` (public.contacts) belongs to the campaign's audience: in one of its lists or matching one of its segments. */
export function audiencePredicate(db: Db, listIds: string[], segments: TSegmentFilter[]) {
  const parts: postgres.PendingQuery<postgres.Row[]>[] = [];
  if (listIds.length > 0)
    parts.push(db`exists (select 1 from public.contact_list_members m
      where m.contact_id = c.id and m.list_id = any(${listIds}::uuid[]))`);
  for (const f of segments) parts.push(db`(true ${segmentPredicate(db, f)})`);
  if (parts.length === 0) return db`false`;
  return parts.slice(1).reduce((acc, p) => db`${acc} or ${p}`, parts[0] as postgres.PendingQuery<postgres.Row[]>);
}

export type AudienceSpec = { orgId: string; listIds: string[]; segments: TSegmentFilter[] };

/** How many people the audience holds now (opted-out contacts excluded). */
export async function countAudience(db: Db, spec: AudienceSpec): Promise<number> {
  const [row] = await db<{ n: number }[]>`
    select count(*)::int as n from public.contacts c
    where c.org_id = ${spec.orgId} and c.opted_out_at is null and (${audiencePredicate(db, spec.listIds, spec.segments)})`;
  return row?.n ?? 0;
}

/** A stable fraction in [0, 1) from text (spreads recipients across senders and variants reproducibly). */
export const fraction = (db: Db, expr: postgres.PendingQuery<postgres.Row[]>) =>
  db`(('x' || substr(md5(${expr}), 1, 8))::bit(32)::bigint::float8 / 4294967296.0)`;

/**
 * Service: plans a campaign — inserts one queued message per audience member (idempotent: planning twice adds
 * nobody twice). Senders are the pool's active instances that can send (connected), weighted by their weight ×
 * remaining daily budget × health; a person who already talked with one of them keeps it (sticky). Each
 * sender's recipients get earliest times `startAt + k × spacingMs` in a stable shuffled order (`spacingMs`: the
 * shortest the pacing profile allows between two sends, so the times bound nothing the profile would not); pacing at
 * send time decides the real instants. `body` is the variant's raw text: rendered per person at send time. Answers
 * how many rows were added.
 *
 * The plan (who, which sender, which variant, when) is computed here under the caller's RLS; the rows are written
 * by `private.insert_campaign_plan`, which proves the foreign keys once for the whole statement instead of once per
 * row (see its migration) and drops any contact or sender outside the campaign's organization.
 */
export async function planCampaign(
  db: Db,
  input: AudienceSpec & {
    campaignId: string;
    startAt: Date;
    spacingMs: number;
    perDayCap: number;
    variants: string[];
  },
): Promise<number> {
  const seed = input.campaignId;
  // One large statement: compiling it (JIT) costs more than it saves; the sort by sender of a 100k audience fits
  // in memory with 64 MB instead of spilling to disk.
  await db`select set_config('jit', 'off', true), set_config('work_mem', '64MB', true)`;
  const [row] = await db<{ n: number }[]>`
    with pool as (
      select s.instance_id,
        s.weight::float8
          * greatest(1, ${input.perDayCap} - coalesce((select count(*) from public.outbound_messages o
              where o.instance_id = s.instance_id and o.sending_at > now() - interval '24 hours'), 0))
          * greatest(0.1, coalesce(i.health_score, 100) / 100.0) as w
      from public.campaign_senders s join public.instances i on i.id = s.instance_id
      where s.campaign_id = ${input.campaignId} and s.active and i.status = 'connected'
    ),
    ranges as materialized (
      select instance_id, (sum(w) over (order by instance_id) - w) / sum(w) over () as lo,
        sum(w) over (order by instance_id) / sum(w) over () as hi from pool
    ),
    audience as (
      select c.id, c.phone_e164, ${fraction(db, db`${seed} || c.id::text`)} as h,
        ${fraction(db, db`'v' || ${seed} || c.id::text`)} as hv
      from public.contacts c
      where c.org_id = ${input.orgId} and c.opted_out_at is null
        and (${audiencePredicate(db, input.listIds, input.segments)})
    ),
    sticky as (
      select distinct on (o.recipient_phone) o.recipient_phone, o.instance_id
      from public.outbound_messages o join pool p on p.instance_id = o.instance_id
      where o.org_id = ${input.orgId} and o.recipient_phone in (select phone_e164 from audience)
        and o.state in ('sending', 'sent', 'delivered', 'read', 'unknown')
      order by o.recipient_phone, o.id desc
    ),
    assigned as (
      select a.*, coalesce(st.instance_id, r.instance_id) as instance_id
      from audience a
      left join sticky st on st.recipient_phone = a.phone_e164
      left join ranges r on a.h >= r.lo and (a.h < r.hi or r.hi >= 1)
    ),
    numbered as (
      select x.*, row_number() over (partition by x.instance_id order by x.h) - 1 as k from assigned x
      where x.instance_id is not null
    )
    select private.insert_campaign_plan(${input.campaignId}, ${input.variants}::text[], coalesce(
      (select array_agg((n.id, n.instance_id, floor(n.hv * ${input.variants.length})::smallint,
          ${input.startAt}::timestamptz + make_interval(secs => n.k * ${input.spacingMs / 1000}::float8)
        )::private.planned_recipient) from numbered n),
      '{}')) as n`;
  return row?.n ?? 0;
}

/**
 * Service: resume without a burst — every queued message of the campaign gets a fresh earliest time from `from`,
 * spaced by `spacingMs` per sender in the order they were planned.
 */
export async function replanTimes(
  db: Db,
  input: { campaignId: string; from: Date; spacingMs: number },
): Promise<number> {
  const r = await db`
    with q as (
      select id, row_number() over (partition by instance_id order by scheduled_at, id) - 1 as k
      from public.outbound_messages where campaign_id = ${input.campaignId} and state = 'queued'
    )
    update public.outbound_messages o set scheduled_at = ${input.from}::timestamptz
      + make_interval(secs => q.k * ${input.spacingMs / 1000}::float8)
    from q where o.id = q.id`;
  return r.count;
}

export type StateCounts = Record<
  "queued" | "sending" | "sent" | "delivered" | "read" | "failed" | "skipped" | "unknown" | "cancelled" | "replied",
  number
>;

const countColumns = (db: Db) => db`
  count(*) filter (where o.state in ('queued', 'claimed'))::int as queued,
  count(*) filter (where o.state = 'sending')::int as sending,
  count(*) filter (where o.state = 'sent')::int as sent,
  count(*) filter (where o.state = 'delivered')::int as delivered,
  count(*) filter (where o.state = 'read')::int as read,
  count(*) filter (where o.state = 'failed')::int as failed,
  count(*) filter (where o.state = 'skipped')::int as skipped,
  count(*) filter (where o.state = 'unknown')::int as unknown,
  count(*) filter (where o.state = 'cancelled')::int as cancelled,
  count(*) filter (where exists (select 1 from public.inbound_messages i where i.in_reply_to_id = o.id))::int
    as replied`;

/** Counts by state for a campaign, overall and per sender, plus skips by reason. */
export async function campaignCounts(
  db: Db,
  campaignId: string,
): Promise<{
  total: StateCounts;
  perSender: (StateCounts & { instanceId: string })[];
  skipped: { reason: string; n: number }[];
}> {
  const [total] = await db<StateCounts[]>`
    select ${countColumns(db)} from public.outbound_messages o where o.campaign_id = ${campaignId}`;
  const perSender = await db<(StateCounts & { instanceId: string })[]>`
    select o.instance_id as "instanceId", ${countColumns(db)} from public.outbound_messages o
    where o.campaign_id = ${campaignId} and o.instance_id is not null group by o.instance_id`;
  const skipped = await db<{ reason: string; n: number }[]>`
    select coalesce(skip_reason, error_code, 'unknown') as reason, count(*)::int as n from public.outbound_messages
    where campaign_id = ${campaignId} and state in ('skipped', 'cancelled') group by 1 order by 2 desc`;
  if (!total) throw new Error("count returned no row");
  return { total, perSender, skipped };
}

/** Messages sent per hour (by `sending_at`) over the last `hours`, for the campaign. */
export async function sentPerHour(db: Db, campaignId: string, hours = 24): Promise<{ hour: Date; sent: number }[]> {
  return db<{ hour: Date; sent: number }[]>`
    select date_trunc('hour', sending_at) as hour, count(*)::int as sent from public.outbound_messages
    where campaign_id = ${campaignId} and sending_at > now() - make_interval(hours => ${hours})
    group by 1 order by 1`;
}

/**
 * Service: how many messages of the campaign are still waiting or in flight, and how many failed since `since`
 * (the last start or resume: the error threshold).
 */
export async function campaignProgress(
  db: Db,
  campaignId: string,
  since: Date | null = null,
): Promise<{ open: number; failed: number; done: number; total: number }> {
  const [row] = await db<{ open: number; failed: number; done: number; total: number }[]>`
    select count(*) filter (where state in ('queued', 'claimed', 'sending'))::int as open,
      count(*) filter (where state = 'failed' and (${since}::timestamptz is null or failed_at >= ${since}))::int
        as failed,
      count(*) filter (where state not in ('queued', 'claimed', 'sending'))::int as done,
      count(*)::int as total
    from public.outbound_messages where campaign_id = ${campaignId}`;
  return row ?? { open: 0, failed: 0, done: 0, total: 0 };
}

/** Service: what is still queued of a campaign ends `cancelled` with `code` (cancel, end date passed). */
export async function cancelQueued(db: Db, campaignId: string, code: string): Promise<number> {
  const r = await db`
    update public.outbound_messages set state = 'cancelled', error_code = ${code}
    where campaign_id = ${campaignId} and state = 'queued'`;
  return r.count;
}

/** The next `limit` queued messages of a campaign in planned order, for the dry run. */
export async function nextQueued(
  db: Db,
  campaignId: string,
  limit: number,
): Promise<
  {
    id: number;
    contactId: string | null;
    phone: string;
    instanceId: string;
    body: string;
    variation: number;
    scheduledAt: Date;
  }[]
> {
  return db`
    select id, contact_id as "contactId", recipient_phone as phone, instance_id as "instanceId", body,
      coalesce(variation, 0)::int as variation, scheduled_at as "scheduledAt"
    from public.outbound_messages where campaign_id = ${campaignId} and state = 'queued'
    order by scheduled_at, id limit ${limit}`;
}

/** Report rows for the CSV export, in id order, `limit` after `afterId`. */
export async function reportRows(db: Db, campaignId: string, afterId: number, limit: number) {
  return db<
    {
      id: number;
      phone: string | null;
      instanceId: string | null;
      state: string;
      reason: string | null;
      scheduledAt: Date;
      sentAt: Date | null;
      deliveredAt: Date | null;
      readAt: Date | null;
      repliedAt: Date | null;
      contactName: string | null;
      senderName: string | null;
      text: string | null;
    }[]
  >`
    select o.id, o.recipient_phone as phone, o.instance_id as "instanceId", o.state::text as state,
      coalesce(o.skip_reason, o.error_code) as reason, o.scheduled_at as "scheduledAt", o.sent_at as "sentAt",
      o.delivered_at as "deliveredAt", o.read_at as "readAt",
      (select min(i.received_at) from public.inbound_messages i where i.in_reply_to_id = o.id) as "repliedAt",
      (select p.name from public.contacts p where p.id = o.contact_id) as "contactName",
      (select n.name from public.instances n where n.id = o.instance_id) as "senderName",
      -- The text as sent (rendered for the person when their turn came); nothing for a message never sent.
      case when o.sending_at is not null then o.body end as text
    from public.outbound_messages o where o.campaign_id = ${campaignId} and o.id > ${afterId}
    order by o.id limit ${limit}`;
}
