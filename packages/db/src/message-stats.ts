import type { Db } from "./client.ts";

/** Messaging figures per day, for the dashboard's overview. */

export type DailyStatsRow = {
  day: string;
  sent: number;
  delivered: number;
  read: number;
  failed: number;
  replied: number;
  received: number;
};

/**
 * One row per calendar day in the organization's time zone, the last `days` days ending today, oldest first (days
 * without activity are zeros). Each outbound message counts on the day it reached each state: sent (server ack, or
 * a later receipt when the ack was missed), delivered (or read without a delivery receipt), read, failed. Replies
 * are inbound messages linked to a message sent to the person; received counts every inbound message. Under asUser
 * RLS limits it to the caller's organizations; an unknown organization answers an empty list.
 */
export async function dailyMessageStats(
  db: Db,
  input: { orgId: string; days: number },
): Promise<{ timezone: string; days: DailyStatsRow[] }> {
  const [org] = await db<{ timezone: string }[]>`
    select timezone from public.organizations where id = ${input.orgId}`;
  if (!org) return { timezone: "UTC", days: [] };
  const tz = org.timezone;
  const rows = await db<DailyStatsRow[]>`
    with bounds as (
      select (date_trunc('day', now() at time zone ${tz}) - make_interval(days => ${input.days - 1}::int)) as first_local,
             date_trunc('day', now() at time zone ${tz}) as last_local
    ),
    since as (select first_local at time zone ${tz} as t from bounds),
    outbound as (
      select v.day, v.kind, count(*)::int as n
      from public.outbound_messages o,
        lateral (values
          ((coalesce(o.sent_at, o.delivered_at, o.read_at) at time zone ${tz})::date, 'sent'),
          ((coalesce(o.delivered_at, o.read_at) at time zone ${tz})::date, 'delivered'),
          ((o.read_at at time zone ${tz})::date, 'read'),
          ((o.failed_at at time zone ${tz})::date, 'failed')) as v(day, kind)
      where o.org_id = ${input.orgId}
        and greatest(o.sent_at, o.delivered_at, o.read_at, o.failed_at) >= (select t from since)
        and v.day is not null
      group by 1, 2
    ),
    inbound as (
      select (i.received_at at time zone ${tz})::date as day, count(*)::int as received,
             (count(*) filter (where i.in_reply_to_id is not null))::int as replied
      from public.inbound_messages i
      where i.org_id = ${input.orgId} and i.received_at >= (select t from since)
      group by 1
    ),
    days as (
      select d::date as day from bounds, generate_series(first_local, last_local, interval '1 day') as d
    )
    select to_char(d.day, 'YYYY-MM-DD') as day,
      coalesce(sum(o.n) filter (where o.kind = 'sent'), 0)::int as sent,
      coalesce(sum(o.n) filter (where o.kind = 'delivered'), 0)::int as delivered,
      coalesce(sum(o.n) filter (where o.kind = 'read'), 0)::int as read,
      coalesce(sum(o.n) filter (where o.kind = 'failed'), 0)::int as failed,
      coalesce(max(i.replied), 0)::int as replied,
      coalesce(max(i.received), 0)::int as received
    from days d
    left join outbound o on o.day = d.day
    left join inbound i on i.day = d.day
    group by d.day
    order by d.day`;
  return { timezone: tz, days: rows };
}
