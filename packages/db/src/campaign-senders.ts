import { fraction } from "./campaign-planning.ts";
import type { Db } from "./client.ts";

/** A campaign's sender pool as users manage it (RLS: members read, marketers and admins write). */

export type PoolSender = {
  instanceId: string;
  name: string;
  status: string;
  active: boolean;
  inactiveReason: string | null;
  weight: number;
  healthScore: number | null;
  queued: number;
};

export async function listPool(db: Db, campaignId: string): Promise<PoolSender[]> {
  return db<PoolSender[]>`
    select s.instance_id as "instanceId", i.name, i.status::text as status, s.active,
      s.inactive_reason as "inactiveReason", s.weight::int as weight, i.health_score as "healthScore",
      (select count(*)::int from public.outbound_messages o
        where o.campaign_id = s.campaign_id and o.instance_id = s.instance_id and o.state in ('queued', 'claimed'))
        as queued
    from public.campaign_senders s join public.instances i on i.id = s.instance_id
    where s.campaign_id = ${campaignId}
    order by i.name, s.instance_id`;
}

/** Adds the number to the pool, or takes it back (active again, with `weight` when given). */
export async function addToPool(
  db: Db,
  input: { orgId: string; campaignId: string; instanceId: string; weight?: number | undefined },
): Promise<void> {
  await db`
    insert into public.campaign_senders (campaign_id, instance_id, org_id, weight)
    values (${input.campaignId}, ${input.instanceId}, ${input.orgId}, ${input.weight ?? 1})
    on conflict (campaign_id, instance_id) do update set active = true, inactive_reason = null, inactive_since = null,
      weight = coalesce(${input.weight ?? null}::smallint, campaign_senders.weight)`;
}

/**
 * Takes the number out of the pool: deleted before the start; once started it stays listed, inactive with reason
 * `removed` (what it sent stays counted, and no tick takes it back). Answers false when it was not in the pool.
 */
export async function removeFromPool(
  db: Db,
  input: { orgId: string; campaignId: string; instanceId: string; started: boolean },
): Promise<boolean> {
  const r = input.started
    ? await db`update public.campaign_senders set active = false, inactive_reason = 'removed', inactive_since = now()
        where org_id = ${input.orgId} and campaign_id = ${input.campaignId} and instance_id = ${input.instanceId}`
    : await db`delete from public.campaign_senders
        where org_id = ${input.orgId} and campaign_id = ${input.campaignId} and instance_id = ${input.instanceId}`;
  return r.count > 0;
}

/**
 * Service: a number that joined a running campaign takes its share of the recipients still waiting — those whose
 * stable hash falls in its share (weight over the active pool's total weight), except people who already talked
 * with their current number (sticky). Their planned times stay: the newcomer's chain takes them in order, at its
 * own pace. Answers how many moved.
 */
export async function shareWithSender(db: Db, campaignId: string, instanceId: string): Promise<number> {
  const r = await db`
    with pool as (
      select coalesce(sum(weight) filter (where instance_id = ${instanceId}), 0)::float8 / nullif(sum(weight), 0)
        as share
      from public.campaign_senders where campaign_id = ${campaignId} and active
    )
    update public.outbound_messages o set instance_id = ${instanceId}
    from pool
    where o.campaign_id = ${campaignId} and o.state = 'queued' and o.instance_id is distinct from ${instanceId}
      and ${fraction(db, db`'share' || coalesce(o.recipient_phone, o.recipient_lid, o.id::text) || ${instanceId}`)}
        < pool.share
      and not exists (select 1 from public.outbound_messages p
        where p.instance_id = o.instance_id and p.recipient_phone = o.recipient_phone and p.id <> o.id
          and p.state in ('sending', 'sent', 'delivered', 'read', 'unknown'))`;
  return r.count;
}
