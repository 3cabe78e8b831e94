import type { TCampaignSchedule, TCaps, TPacing, TQuietHours } from "@mirage/contracts/campaigns";
import type { TCampaignStatus } from "@mirage/contracts/enums";
import type { Db } from "./client.ts";

/** Campaigns: definition, state transitions, sender pools. Planning is in campaign-planning.ts. */

export type CampaignRow = {
  id: string;
  orgId: string;
  name: string;
  description: string | null;
  status: TCampaignStatus;
  statusReason: string | null;
  templateId: string | null;
  listIds: string[];
  segmentIds: string[];
  senderIds: string[];
  timezone: string;
  startsAt: Date | null;
  endsAt: Date | null;
  schedule: Partial<TCampaignSchedule>;
  quietHours: Partial<TQuietHours>;
  skipHolidays: boolean;
  pacing: Partial<TPacing>;
  caps: Partial<TCaps>;
  stopOnReply: boolean;
  errorThreshold: number;
  templateSnapshot: { body: string; variations: string[] } | null;
  startedAt: Date | null;
  pausedAt: Date | null;
  resumedAt: Date | null;
  finishedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
};

const columns = (db: Db) => db`
  c.id, c.org_id as "orgId", c.name, c.description, c.status, c.status_reason as "statusReason",
  c.template_id as "templateId", c.list_ids as "listIds", c.segment_ids as "segmentIds",
  coalesce((select array_agg(s.instance_id order by s.instance_id) from public.campaign_senders s
            where s.campaign_id = c.id), '{}') as "senderIds",
  c.timezone, c.starts_at as "startsAt", c.ends_at as "endsAt", c.schedule, c.quiet_hours as "quietHours",
  c.skip_holidays as "skipHolidays", c.pacing, c.caps, c.stop_on_reply as "stopOnReply",
  c.error_threshold as "errorThreshold", c.template_snapshot as "templateSnapshot", c.started_at as "startedAt",
  c.paused_at as "pausedAt", c.resumed_at as "resumedAt", c.finished_at as "finishedAt", c.created_at as "createdAt", c.updated_at as "updatedAt"`;

export async function listCampaigns(db: Db, orgId: string): Promise<CampaignRow[]> {
  return db<CampaignRow[]>`
    select ${columns(db)} from public.campaigns c where c.org_id = ${orgId} order by c.created_at desc, c.id`;
}

export async function findCampaign(db: Db, orgId: string, id: string): Promise<CampaignRow | undefined> {
  const [row] = await db<CampaignRow[]>`
    select ${columns(db)} from public.campaigns c where c.org_id = ${orgId} and c.id = ${id}`;
  return row;
}

/** Service: a campaign by id alone (jobs and the relay), locked when `forUpdate`. */
export async function findCampaignById(db: Db, id: string, forUpdate = false): Promise<CampaignRow | undefined> {
  const [row] = forUpdate
    ? await db<CampaignRow[]>`select ${columns(db)} from public.campaigns c where c.id = ${id} for update of c`
    : await db<CampaignRow[]>`select ${columns(db)} from public.campaigns c where c.id = ${id}`;
  return row;
}

/** Service: a campaign's status and organization, for the realtime relay. */
export async function findCampaignStatus(db: Db, id: string): Promise<{ status: string; orgId: string } | undefined> {
  const [row] = await db<{ status: string; orgId: string }[]>`
    select status, org_id as "orgId" from public.campaigns where id = ${id}`;
  return row;
}

export type CampaignWrite = {
  name?: string | undefined;
  description?: string | null | undefined;
  templateId?: string | null | undefined;
  listIds?: string[] | undefined;
  segmentIds?: string[] | undefined;
  timezone?: string | undefined;
  startsAt?: string | null | undefined;
  endsAt?: string | null | undefined;
  schedule?: TCampaignSchedule | undefined;
  quietHours?: TQuietHours | null | undefined;
  skipHolidays?: boolean | undefined;
  pacing?: TPacing | undefined;
  caps?: TCaps | undefined;
  stopOnReply?: boolean | undefined;
  errorThreshold?: number | undefined;
};

/**
 * Inserts a draft; answers its id. A campaign given no `timezone` takes its organization's (a Brazilian team's
 * send windows are in Brazil's hours, not UTC's).
 */
export async function insertCampaign(
  db: Db,
  input: CampaignWrite & { orgId: string; name: string; createdBy: string | null },
): Promise<string> {
  const [row] = await db<{ id: string }[]>`
    insert into public.campaigns (org_id, name, description, template_id, list_ids, segment_ids, timezone,
      starts_at, ends_at, schedule, quiet_hours, skip_holidays, pacing, caps, stop_on_reply, error_threshold,
      created_by)
    values (${input.orgId}, ${input.name}, ${input.description ?? null}, ${input.templateId ?? null},
      ${input.listIds ?? []}::uuid[], ${input.segmentIds ?? []}::uuid[],
      coalesce(${input.timezone ?? null}::text, (select o.timezone from public.organizations o where o.id = ${input.orgId})),
      ${input.startsAt ?? null}, ${input.endsAt ?? null}, ${db.json((input.schedule ?? {}) as never)},
      ${db.json((input.quietHours ?? {}) as never)}, ${input.skipHolidays ?? true},
      ${db.json((input.pacing ?? {}) as never)}, ${db.json((input.caps ?? {}) as never)},
      ${input.stopOnReply ?? true}, ${input.errorThreshold ?? 25}, ${input.createdBy})
    returning id`;
  if (!row) throw new Error("campaign insert returned no row");
  return row.id;
}

/** Applies the given fields (undefined = unchanged); answers false when the campaign does not exist. */
export async function updateCampaign(db: Db, orgId: string, id: string, p: CampaignWrite): Promise<boolean> {
  const set = (v: unknown) => v !== undefined;
  const json = (v: unknown) => db.json((v ?? {}) as never);
  const r = await db`
    update public.campaigns set
      name = case when ${set(p.name)} then ${p.name ?? null} else name end,
      description = case when ${set(p.description)} then ${p.description ?? null} else description end,
      template_id = case when ${set(p.templateId)} then ${p.templateId ?? null}::uuid else template_id end,
      list_ids = case when ${set(p.listIds)} then ${p.listIds ?? []}::uuid[] else list_ids end,
      segment_ids = case when ${set(p.segmentIds)} then ${p.segmentIds ?? []}::uuid[] else segment_ids end,
      timezone = case when ${set(p.timezone)} then ${p.timezone ?? "UTC"} else timezone end,
      starts_at = case when ${set(p.startsAt)} then ${p.startsAt ?? null}::timestamptz else starts_at end,
      ends_at = case when ${set(p.endsAt)} then ${p.endsAt ?? null}::timestamptz else ends_at end,
      schedule = case when ${set(p.schedule)} then ${json(p.schedule)} else schedule end,
      quiet_hours = case when ${set(p.quietHours)} then ${json(p.quietHours)} else quiet_hours end,
      skip_holidays = case when ${set(p.skipHolidays)} then ${p.skipHolidays ?? true} else skip_holidays end,
      pacing = case when ${set(p.pacing)} then ${json(p.pacing)} else pacing end,
      caps = case when ${set(p.caps)} then ${json(p.caps)} else caps end,
      stop_on_reply = case when ${set(p.stopOnReply)} then ${p.stopOnReply ?? true} else stop_on_reply end,
      error_threshold = case when ${set(p.errorThreshold)} then ${p.errorThreshold ?? 0} else error_threshold end
    where org_id = ${orgId} and id = ${id}`;
  return r.count > 0;
}

export async function deleteCampaign(db: Db, orgId: string, id: string): Promise<boolean> {
  const r = await db`delete from public.campaigns where org_id = ${orgId} and id = ${id}`;
  return r.count > 0;
}

/** Replaces the sender pool (instances of the same organization only: the composite key refuses others). */
export async function setCampaignSenders(db: Db, orgId: string, campaignId: string, ids: string[]): Promise<void> {
  await db`delete from public.campaign_senders where campaign_id = ${campaignId} and org_id = ${orgId}
    and not (instance_id = any(${ids}::uuid[]))`;
  if (ids.length === 0) return;
  await db`
    insert into public.campaign_senders (campaign_id, instance_id, org_id)
    select ${campaignId}, x, ${orgId} from unnest(${ids}::uuid[]) x
    on conflict (campaign_id, instance_id) do update set active = true, inactive_reason = null, inactive_since = null`;
}

/** Which of `ids` are instances of the organization. */
export async function existingInstanceIds(db: Db, orgId: string, ids: string[]): Promise<Set<string>> {
  const rows = await db<{ id: string }[]>`
    select id from public.instances where org_id = ${orgId} and id = any(${ids}::uuid[])`;
  return new Set(rows.map((r) => r.id));
}

export type SenderStatus = {
  instanceId: string;
  status: string;
  active: boolean;
  inactiveReason: string | null;
  restrictedUntil: Date | null;
  workerId: string | null;
  healthScore: number | null;
  hourlyCap: number | null;
  dailyCap: number | null;
  /** First time the number was seen connected (warm-up age); null when never. */
  pairedAt: Date | null;
};

/** The pool of a campaign with each instance's status. */
export async function listCampaignSenders(db: Db, campaignId: string): Promise<SenderStatus[]> {
  return db<SenderStatus[]>`
    select s.instance_id as "instanceId", i.status::text as status, s.active, s.inactive_reason as "inactiveReason",
      i.restricted_until as "restrictedUntil", i.worker_id as "workerId", i.health_score as "healthScore",
      i.hourly_cap as "hourlyCap", i.daily_cap as "dailyCap",
      (select min(e.created_at) from public.instance_events e
        where e.instance_id = i.id and e.to_status = 'connected') as "pairedAt"
    from public.campaign_senders s join public.instances i on i.id = s.instance_id
    where s.campaign_id = ${campaignId}
    order by s.instance_id`;
}

/**
 * Moves a campaign from one of `from` to `to` with a reason (state machine enforced by the table's trigger).
 * Answers the row's new status, or undefined when it was not in `from` (someone else moved it first).
 */
export async function transitionCampaign(
  db: Db,
  input: { id: string; from: TCampaignStatus[]; to: TCampaignStatus; reason: string | null },
): Promise<boolean> {
  const r = await db`
    update public.campaigns set status = ${input.to}, status_reason = ${input.reason}
    where id = ${input.id} and status = any(${input.from}::public.campaign_status[])`;
  return r.count === 1;
}

/** Service: the campaign's template as it is now, frozen into the campaign (later edits change nothing). */
export async function snapshotTemplate(db: Db, campaignId: string): Promise<boolean> {
  const r = await db`
    update public.campaigns c set template_snapshot = jsonb_build_object('body', t.body, 'variations', t.variations)
    from public.message_templates t
    where c.id = ${campaignId} and t.id = c.template_id and t.org_id = c.org_id and c.template_snapshot is null`;
  return r.count === 1;
}

/** Service: scheduled campaigns whose start has come (the scheduler's tick), oldest first. */
export async function dueCampaignIds(db: Db, now: Date, limit = 100): Promise<string[]> {
  const rows = await db<{ id: string }[]>`
    select id from public.campaigns where status = 'scheduled' and coalesce(starts_at, now()) <= ${now}
    order by starts_at nulls first limit ${limit}`;
  return rows.map((r) => r.id);
}

/** Service: every running (and paused, for the end date) campaign the tick looks after. */
export async function activeCampaignIds(db: Db): Promise<string[]> {
  const rows = await db<{ id: string }[]>`
    select id from public.campaigns where status in ('running', 'paused') order by id`;
  return rows.map((r) => r.id);
}

/** Holidays of the organization's calendar for `countries` (and those for every country) between two days. */
export async function holidayDays(
  db: Db,
  orgId: string,
  from: string,
  to: string,
): Promise<{ day: string; country: string | null }[]> {
  return db<{ day: string; country: string | null }[]>`
    select to_char(day, 'YYYY-MM-DD') as day, country_code as country from public.holidays
    where org_id = ${orgId} and day between ${from}::date and ${to}::date`;
}

/** Seeds the organization's calendar (idempotent: a day already there, added or edited by a user, stays). */
export async function seedHolidays(
  db: Db,
  orgId: string,
  days: { day: string; name: string; country: string }[],
): Promise<number> {
  if (days.length === 0) return 0;
  const r = await db`
    insert into public.holidays (org_id, day, name, country_code)
    select ${orgId}, d, n, c from unnest(${days.map((d) => d.day)}::date[], ${days.map((d) => d.name)}::text[],
      ${days.map((d) => d.country)}::text[]) as x(d, n, c)
    on conflict (org_id, day, coalesce(country_code, '')) do nothing`;
  return r.count;
}

export async function organizationCountry(db: Db, orgId: string): Promise<string | null> {
  const [row] = await db<
    { c: string | null }[]
  >`select default_country as c from public.organizations where id = ${orgId}`;
  return row?.c ?? null;
}

/** Service: the reason shown while a campaign stays in its state (e.g. scheduled, waiting for a sender). */
export async function setStatusReason(db: Db, id: string, reason: string | null): Promise<void> {
  await db`update public.campaigns set status_reason = ${reason} where id = ${id}`;
}

/** Service: no number of the campaign's pool sends before `at` (resume: no burst of what was due meanwhile). */
export async function holdSendersUntil(db: Db, campaignId: string, at: Date): Promise<void> {
  await db`update public.outreach_senders o set next_send_at = greatest(o.next_send_at, ${at})
    where o.instance_id in (select instance_id from public.campaign_senders where campaign_id = ${campaignId})`;
}
