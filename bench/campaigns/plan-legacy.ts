/**
 * The campaign planner as it was before the bulk insert (`private.insert_campaign_plan`): the same audience,
 * sticky-sender and spacing SQL, written straight into outbound_messages by one INSERT … SELECT, so every row runs
 * the table's foreign-key checks one by one. Kept only as the benchmark's reference ("before"); the product uses
 * `planCampaign` from @mirage/db/campaign-planning.
 */
import { type AudienceSpec, audiencePredicate, fraction } from "@mirage/db/campaign-planning";
import type { Db } from "@mirage/db/client";

export async function planCampaignPerRowChecks(
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
  // One large statement: compiling it (JIT) costs more than it saves.
  await db`set local jit = off`;
  const result = await db`
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
      select c.id, c.phone_e164, c.wa_lid, ${fraction(db, db`${seed} || c.id::text`)} as h,
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
    insert into public.outbound_messages (org_id, campaign_id, contact_id, recipient_phone, recipient_lid,
      instance_id, body, variation, scheduled_at)
    select ${input.orgId}, ${input.campaignId}, n.id, n.phone_e164, n.wa_lid, n.instance_id,
      (${input.variants}::text[])[1 + floor(n.hv * ${input.variants.length})::int],
      floor(n.hv * ${input.variants.length})::int,
      ${input.startAt}::timestamptz + make_interval(secs => n.k * ${input.spacingMs / 1000}::float8)
    from numbered n
    on conflict (campaign_id, recipient_phone, step) where campaign_id is not null do nothing`;
  return result.count;
}
