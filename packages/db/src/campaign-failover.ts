import { fraction } from "./campaign-planning.ts";
import type { Db } from "./client.ts";

/**
 * Failover of a campaign's senders (service only, run by the campaign tick under the campaign's row lock). No
 * recipient may be stranded: whatever a sender that stopped taking work still holds is either handed to another
 * sender or ends with a reason. Every step is a conditional update, so repeated or concurrent ticks are harmless.
 */

/** Statuses in which a number takes no campaign work (it cannot send, or must not). */
const OUT_OF_SERVICE = ["banned", "logged_out", "restricted", "degraded", "pairing_expired", "stopped", "failed"];
/** Statuses that end the socket for good: what it had written and not seen acknowledged never will be. */
const GONE = ["banned", "logged_out", "pairing_expired", "stopped", "failed"];
/** Statuses that wait for a socket (transient): after `unavailableAfterMs` in one of them, the sender steps aside. */
const WAITING = ["connecting", "pending_pairing"];

export type FailoverTimings = {
  /** A number connecting (or waiting for pairing) for longer than this (ms) hands its recipients over. */
  unavailableAfterMs: number;
  /**
   * A message a stepped-aside sender claimed this long ago (ms) and never wrote goes back to the queue (another
   * sender takes it); one it wrote this long ago without a server ack becomes `unknown` (its fate is not known:
   * never resent, a late receipt still reconciles it).
   */
  settleMs: number;
  /**
   * A campaign message written this long ago (ms) without a server ack becomes `unknown` (`no_server_ack`); one
   * claimed this long ago and never written (its write job lost) goes back to the queue.
   */
  ackTimeoutMs: number;
};

export const DEFAULT_FAILOVER_TIMINGS: FailoverTimings = {
  unavailableAfterMs: 5 * 60_000,
  settleMs: 10_000,
  ackTimeoutMs: 2 * 60_000,
};

export type FailoverResult = {
  deactivated: { instanceId: string; reason: string }[];
  reactivated: string[];
  /** Claimed but never written by a stepped-aside sender: back in the queue. */
  released: number;
  /** Written without a server ack, by a sender that is gone or long ago: now `unknown`. */
  unknown: number;
  /** Queued recipients handed to another sender. */
  moved: number;
  /** Active senders whose number may still send. */
  healthy: number;
};

/**
 * Service: keeps a campaign's senders right and hands over what stopped senders hold.
 * 1. Senders whose number is out of service (banned, logged out, restricted, degraded, pairing expired, stopped,
 *    failed, or asked to stop), or waiting for a socket for longer than `unavailableAfterMs`, stop taking work
 *    (`inactive_reason` `instance_<status>` or `instance_unavailable`, `inactive_since` now).
 * 2. Senders deactivated that way whose number connected again since are taken back (new recipients only).
 * 3. What stopped senders (or deleted instances) hold: `claimed` rows older than `settleMs` go back to `queued`
 *    (the send module writes a row only while it is still claimed by the same instance, so a late writer cannot
 *    send it); `sending` rows of a number that is gone, or older than `settleMs`, become `unknown`. Any campaign row
 *    written more than `ackTimeoutMs` ago without a server ack becomes `unknown` (`no_server_ack`), and any claimed
 *    that long ago without being written goes back to the queue (only one writer can ever mark it `sending`).
 * 4. Queued rows of stopped senders move to the active senders whose number is connected (spread by a stable hash
 *    of the recipient); with none connected they wait where they are.
 */
export async function failOverSenders(
  db: Db,
  campaignId: string,
  timings: FailoverTimings = DEFAULT_FAILOVER_TIMINGS,
): Promise<FailoverResult> {
  const deactivated = await db<{ instanceId: string; reason: string }[]>`
    update public.campaign_senders s set active = false, inactive_since = now(),
      inactive_reason = case
        when i.status = any(${OUT_OF_SERVICE}::public.instance_status[]) then 'instance_' || i.status::text
        when i.desired_state = 'stopped' then 'instance_stopped'
        else 'instance_unavailable' end
    from public.instances i
    where s.campaign_id = ${campaignId} and s.active and i.id = s.instance_id
      and (i.status = any(${OUT_OF_SERVICE}::public.instance_status[]) or i.desired_state = 'stopped'
        or (i.status = any(${WAITING}::public.instance_status[])
          and coalesce((select e.created_at from public.instance_events e where e.instance_id = i.id
                        order by e.id desc limit 1), i.created_at)
              < now() - make_interval(secs => ${timings.unavailableAfterMs / 1000}::float8)))
    returning s.instance_id as "instanceId", s.inactive_reason as reason`;
  // Taken back only after connecting again since it stepped aside (not merely "connected" at this instant).
  const reactivated = await db<{ instanceId: string }[]>`
    update public.campaign_senders s set active = true, inactive_reason = null, inactive_since = null
    from public.instances i
    where s.campaign_id = ${campaignId} and not s.active and i.id = s.instance_id and i.status = 'connected'
      and i.desired_state = 'running' and s.inactive_reason like 'instance_%'
      and (s.inactive_since is null or exists (select 1 from public.instance_events e
        where e.instance_id = i.id and e.to_status = 'connected' and e.created_at > s.inactive_since))
    returning s.instance_id as "instanceId"`;
  const settle = timings.settleMs / 1000;
  const released = await db`
    update public.outbound_messages o set state = 'queued'
    from public.outbound_messages x
    left join public.campaign_senders s on s.campaign_id = x.campaign_id and s.instance_id = x.instance_id
    where x.campaign_id = ${campaignId} and x.state = 'claimed'
      and ((not coalesce(s.active, false) and x.claimed_at < now() - make_interval(secs => ${settle}::float8))
        or x.claimed_at < now() - make_interval(secs => ${timings.ackTimeoutMs / 1000}::float8))
      and o.id = x.id and o.state = 'claimed'`;
  const unknown = await db`
    update public.outbound_messages o set state = 'unknown',
      error_code = coalesce(o.error_code, case when x.stale then 'no_server_ack'
        else coalesce(x.inactive_reason, 'sender_removed') end)
    from (
      select m.id, s.inactive_reason,
        m.sending_at < now() - make_interval(secs => ${timings.ackTimeoutMs / 1000}::float8) as stale
      from public.outbound_messages m
      left join public.campaign_senders s on s.campaign_id = m.campaign_id and s.instance_id = m.instance_id
      left join public.instances i on i.id = m.instance_id
      where m.campaign_id = ${campaignId} and m.state = 'sending'
        and (m.sending_at < now() - make_interval(secs => ${timings.ackTimeoutMs / 1000}::float8)
          or (not coalesce(s.active, false)
            and (i.id is null or i.status = any(${GONE}::public.instance_status[])
              or m.sending_at < now() - make_interval(secs => ${settle}::float8))))
    ) x
    where o.id = x.id and o.state = 'sending'`;
  const moved = await db`
    with live as (
      select s.instance_id, row_number() over (order by s.instance_id) - 1 as idx, count(*) over () as n
      from public.campaign_senders s join public.instances i on i.id = s.instance_id
      where s.campaign_id = ${campaignId} and s.active and i.status = 'connected'
    ),
    stranded as (
      select o.id, ${fraction(db, db`coalesce(o.recipient_phone, o.recipient_lid, o.id::text) || ${campaignId}`)} as h
      from public.outbound_messages o
      left join public.campaign_senders s on s.campaign_id = o.campaign_id and s.instance_id = o.instance_id
      where o.campaign_id = ${campaignId} and o.state = 'queued' and not coalesce(s.active, false)
    )
    update public.outbound_messages o set instance_id = l.instance_id, scheduled_at = greatest(o.scheduled_at, now())
    from stranded x join live l on l.idx = floor(x.h * l.n)::int
    where o.id = x.id and o.state = 'queued'`;
  const [h] = await db<{ n: number }[]>`
    select count(*)::int as n from public.campaign_senders s join public.instances i on i.id = s.instance_id
    where s.campaign_id = ${campaignId} and s.active and not (i.status = any(${GONE}::public.instance_status[]))`;
  return {
    deactivated,
    reactivated: reactivated.map((r) => r.instanceId),
    released: released.count,
    unknown: unknown.count,
    moved: moved.count,
    healthy: h?.n ?? 0,
  };
}
