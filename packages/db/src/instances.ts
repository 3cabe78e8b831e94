import type { TInstanceStatus } from "@mirage/contracts/enums";
import type { Db } from "./client.ts";

// The instances aggregate: what the API shows and changes (under asUser), and what workers and placement do to
// host an instance (under asService, fenced by worker and epoch). Sender pools and health samples belong here
// because they are written only as part of an instance's life.

// ── The API's view ──────────────────────────────────────────────────────────────────────────────────────────

/** What the API shows of an instance (under asUser: RLS keeps other organizations out). */
export type InstanceView = {
  id: string;
  orgId: string;
  name: string;
  phone: string | null;
  /** The number that actually linked (differs from `phone` when another account linked: see statusReason). */
  linkedPhone: string | null;
  waJid: string | null;
  status: TInstanceStatus;
  statusReason: string | null;
  desiredState: "running" | "stopped";
  healthScore: number | null;
  restrictedUntil: Date | null;
  workerId: string | null;
  lastConnectedAt: Date | null;
  lastInboundAt: Date | null;
  lastOutboundAt: Date | null;
  createdAt: Date;
};

const columns = (db: Db) => db`
  id, org_id as "orgId", name, phone_e164 as phone, linked_phone_e164 as "linkedPhone", wa_jid as "waJid", status, status_reason as "statusReason",
  desired_state as "desiredState", health_score as "healthScore", restricted_until as "restrictedUntil",
  worker_id as "workerId", last_connected_at as "lastConnectedAt", last_inbound_at as "lastInboundAt",
  last_outbound_at as "lastOutboundAt", created_at as "createdAt"`;

export async function listInstanceViews(db: Db, orgId: string): Promise<InstanceView[]> {
  return db<InstanceView[]>`select ${columns(db)} from public.instances where org_id = ${orgId} order by name`;
}

export async function findInstanceView(db: Db, orgId: string, id: string): Promise<InstanceView | undefined> {
  const [row] = await db<InstanceView[]>`
    select ${columns(db)} from public.instances where org_id = ${orgId} and id = ${id}`;
  return row;
}

/** Under asUser: the organization's instance with this name (names are unique per organization). */
export async function findInstanceViewByName(db: Db, orgId: string, name: string): Promise<InstanceView | undefined> {
  const [row] = await db<
    InstanceView[]
  >`select ${columns(db)} from public.instances where org_id = ${orgId} and name = ${name}`;
  return row;
}

/** An instance's sends against its daily cap: what the campaign engine counts (see `sentWindowCounts`). */
export type InstanceDailySends = {
  instanceId: string;
  /** Messages the instance began sending (claimed for the socket) in the last 24 hours, every campaign and direct send. */
  sent: number;
  /** The instance's own daily cap; null = none set (the campaign's cap applies). */
  dailyCap: number | null;
  /** When it first connected (the start of its warm-up); null = never. */
  pairedAt: Date | null;
  /** Its status now: a banned number no longer warms up. */
  status: TInstanceStatus;
};

/**
 * Under asUser: the 24-hour send count, own daily cap and pairing time of the organization's instances (all of them,
 * or the one `instanceId`). One row per instance; the count uses the (instance_id, sending_at) index.
 */
export async function listInstanceDailySends(
  db: Db,
  orgId: string,
  now: Date,
  instanceId?: string,
): Promise<InstanceDailySends[]> {
  return db<InstanceDailySends[]>`
    select i.id as "instanceId", i.daily_cap as "dailyCap", i.status,
      (select count(*)::int from public.outbound_messages o
        where o.instance_id = i.id and o.sending_at > ${now}::timestamptz - interval '24 hours') as sent,
      (select min(e.created_at) from public.instance_events e where e.instance_id = i.id and e.to_status = 'connected')
        as "pairedAt"
    from public.instances i
    where i.org_id = ${orgId} ${instanceId ? db`and i.id = ${instanceId}` : db``}`;
}

export async function insertInstance(
  db: Db,
  input: {
    orgId: string;
    name: string;
    phone?: string | null;
    hourlyCap?: number | null;
    dailyCap?: number | null;
    createdBy?: string | null;
  },
): Promise<InstanceView> {
  const [row] = await db<InstanceView[]>`
    insert into public.instances (org_id, name, phone_e164, hourly_cap, daily_cap, created_by)
    values (${input.orgId}, ${input.name}, ${input.phone ?? null}, ${input.hourlyCap ?? null},
            ${input.dailyCap ?? null}, ${input.createdBy ?? null})
    returning ${columns(db)}`;
  if (!row) throw new Error("instance insert returned no row");
  return row;
}

export async function deleteInstance(db: Db, orgId: string, id: string): Promise<boolean> {
  const r = await db`delete from public.instances where org_id = ${orgId} and id = ${id}`;
  return r.count === 1;
}

export async function listInstanceEvents(
  db: Db,
  instanceId: string,
  page: { beforeId?: number; limit: number },
): Promise<
  {
    id: number;
    from: TInstanceStatus | null;
    to: TInstanceStatus;
    reason: string | null;
    detail: Record<string, unknown>;
    at: Date;
  }[]
> {
  return db`
    select id, from_status as "from", to_status as "to", reason, detail, created_at as at
    from public.instance_events
    where instance_id = ${instanceId} ${page.beforeId ? db`and id < ${page.beforeId}` : db``}
    order by id desc limit ${page.limit}`;
}

export async function listHealthSamples(
  db: Db,
  instanceId: string,
  since: Date,
): Promise<{ score: number; reasons: string[]; at: Date }[]> {
  return db`
    select score, reasons, sampled_at as at from public.instance_health
    where instance_id = ${instanceId} and sampled_at >= ${since} order by sampled_at`;
}

/** Whether another instance of the organization already has this number (numbers are unique per organization). */
export async function isInstancePhoneTaken(db: Db, orgId: string, phoneE164: string): Promise<boolean> {
  const rows = await db`select 1 from public.instances where org_id = ${orgId} and phone_e164 = ${phoneE164}`;
  return rows.length > 0;
}

/** Whether the organization already has an instance with this name (names are unique per organization). */
export async function isInstanceNameTaken(db: Db, orgId: string, name: string): Promise<boolean> {
  const rows = await db`select 1 from public.instances where org_id = ${orgId} and name = ${name}`;
  return rows.length > 0;
}

/** Service: an instance's current status, for the realtime relay (which then publishes to `orgId` only). */
export async function findInstanceStatus(
  db: Db,
  id: string,
): Promise<{ status: TInstanceStatus; reason: string | null; orgId: string } | undefined> {
  const [row] = await db<{ status: TInstanceStatus; reason: string | null; orgId: string }[]>`
    select status, status_reason as reason, org_id as "orgId" from public.instances where id = ${id}`;
  return row;
}

// ── Hosting: workers and placement ─────────────────────────────────────────────────────────────────────────

/** What a worker needs to host an instance. */
export type HostedInstance = {
  id: string;
  orgId: string;
  name: string;
  epoch: number;
  status: TInstanceStatus;
  desiredState: "running" | "stopped";
  phoneE164: string | null;
  restrictedUntil: Date | null;
  hasCreds: boolean;
};

const hostedColumns = (db: Db) => db`
  i.id, i.org_id as "orgId", i.name, i.epoch, i.status, i.desired_state as "desiredState",
  i.phone_e164 as "phoneE164", i.restricted_until as "restrictedUntil",
  exists (select 1 from public.wa_auth_creds c where c.instance_id = i.id) as "hasCreds"`;

export async function listAssignedInstances(db: Db, workerId: string): Promise<HostedInstance[]> {
  return db<HostedInstance[]>`
    select ${hostedColumns(db)} from public.instances i where i.worker_id = ${workerId} order by i.created_at`;
}

export async function findHostedInstance(
  db: Db,
  instanceId: string,
): Promise<(HostedInstance & { workerId: string | null }) | undefined> {
  const [row] = await db<(HostedInstance & { workerId: string | null })[]>`
    select ${hostedColumns(db)}, i.worker_id as "workerId" from public.instances i where i.id = ${instanceId}`;
  return row;
}

export type StatusWrite = {
  instanceId: string;
  workerId: string;
  epoch: number;
  to: TInstanceStatus;
  reason?: string | null;
  detail?: Record<string, unknown>;
  /**
   * Filled once the account is known (after pairing). `phoneE164` is the number that linked; it becomes the
   * instance's number too when none was given, or when `replacesRequested` (the same line in another written form,
   * e.g. Brazil's number without the ninth digit) — unless another instance of the organization holds it.
   */
  account?: { jid?: string; lid?: string; phoneE164?: string; replacesRequested?: boolean };
  restrictedUntil?: Date | null;
};

/**
 * A host's status change, fenced by (worker, epoch): a host that lost the instance writes nothing and learns it.
 * Appends the history row in the same statement. 'unchanged' when the status (and reason) were already that.
 */
export async function writeHostedStatus(
  db: Db,
  w: StatusWrite,
): Promise<{ result: "ok"; from: TInstanceStatus; orgId: string } | { result: "unchanged" | "fenced" }> {
  const [row] = await db<{ owned: boolean; from: TInstanceStatus; changed: boolean; orgId: string }[]>`
    with prev as (
      select id, org_id, status, status_reason from public.instances
      where id = ${w.instanceId} for update
    ), owned as (
      select prev.* from prev join public.instances i on i.id = prev.id
      where i.worker_id = ${w.workerId} and i.epoch = ${w.epoch}
    ), upd as (
      update public.instances i set
        status = ${w.to},
        status_reason = ${w.reason ?? null},
        wa_jid = coalesce(${w.account?.jid ?? null}, i.wa_jid),
        wa_lid = coalesce(${w.account?.lid ?? null}, i.wa_lid),
        linked_phone_e164 = coalesce(${w.account?.phoneE164 ?? null}, i.linked_phone_e164),
        phone_e164 = case
          when ${w.account?.phoneE164 ?? null}::text is null then i.phone_e164
          when i.phone_e164 is not null and not ${w.account?.replacesRequested ?? false}::boolean then i.phone_e164
          when exists (select 1 from public.instances o where o.org_id = i.org_id and o.id <> i.id
                         and o.phone_e164 = ${w.account?.phoneE164 ?? null}) then i.phone_e164
          else ${w.account?.phoneE164 ?? null} end,
        -- A health score describes a logged-in socket; any other status has none.
        health_score = case when ${w.to} in ('connected', 'degraded', 'restricted') then i.health_score end,
        restricted_until = case when ${w.to} = 'restricted' then ${w.restrictedUntil ?? null}::timestamptz
                                else null end,
        last_connected_at = case when ${w.to} = 'connected' then now() else i.last_connected_at end
      from owned where i.id = owned.id
        and (owned.status <> ${w.to} or owned.status_reason is distinct from ${w.reason ?? null})
      returning i.id
    ), ev as (
      insert into public.instance_events (org_id, instance_id, from_status, to_status, reason, detail)
      select owned.org_id, owned.id, owned.status, ${w.to}, ${w.reason ?? null}, ${db.json((w.detail ?? {}) as never)}
      from owned join upd on upd.id = owned.id
    )
    select exists (select 1 from owned) as owned,
           (select status from prev) as "from",
           exists (select 1 from upd) as changed,
           (select org_id from prev) as "orgId"`;
  if (!row?.owned) return { result: "fenced" };
  if (!row.changed) return { result: "unchanged" };
  return { result: "ok", from: row.from, orgId: row.orgId };
}

export type HealthSample = {
  instanceId: string;
  workerId: string;
  epoch: number;
  score: number;
  reasons: string[];
  metrics: Record<string, unknown>;
  lastInboundAt?: Date | null;
  lastOutboundAt?: Date | null;
};

/** Appends a health sample (the time series) and updates the instance's current score, fenced. */
export async function writeHealthSample(db: Db, s: HealthSample): Promise<boolean> {
  const rows = await db`
    with upd as (
      update public.instances set health_score = ${s.score},
        last_inbound_at = coalesce(${s.lastInboundAt ?? null}, last_inbound_at),
        last_outbound_at = coalesce(${s.lastOutboundAt ?? null}, last_outbound_at)
      where id = ${s.instanceId} and worker_id = ${s.workerId} and epoch = ${s.epoch}
      returning id, org_id
    )
    insert into public.instance_health (org_id, instance_id, score, reasons, metrics)
    select org_id, id, ${s.score}, ${db.json(s.reasons)}, ${db.json(s.metrics as never)} from upd
    returning id`;
  return rows.length === 1;
}

/** Placement: hands the instance to a worker with a new epoch; the previous host's writes are fenced from now on. */
export async function assignInstance(db: Db, instanceId: string, workerId: string): Promise<number | undefined> {
  const [row] = await db<{ epoch: number }[]>`
    update public.instances set worker_id = ${workerId}, epoch = epoch + 1
    where id = ${instanceId} returning epoch`;
  return row?.epoch;
}

export async function setDesiredState(db: Db, instanceId: string, desired: "running" | "stopped"): Promise<boolean> {
  const r = await db`update public.instances set desired_state = ${desired} where id = ${instanceId}`;
  return r.count === 1;
}

/** Instances that should run but have no live host: never placed, or placed on a worker that is gone. */
export async function listInstancesNeedingPlacement(
  db: Db,
  liveWorkerIds: string[],
): Promise<{ id: string; workerId: string | null }[]> {
  return db<{ id: string; workerId: string | null }[]>`
    select id, worker_id as "workerId" from public.instances
    where desired_state = 'running'
      and status not in ('logged_out', 'banned', 'pairing_expired')
      and (worker_id is null or not (worker_id = any(${liveWorkerIds})))
    order by created_at`;
}

export async function countInstancesByWorker(db: Db): Promise<Map<string, number>> {
  const rows = await db<{ workerId: string; n: number }[]>`
    select worker_id as "workerId", count(*)::int as n from public.instances
    where worker_id is not null and desired_state = 'running' group by worker_id`;
  return new Map(rows.map((r) => [r.workerId, r.n]));
}

/**
 * A banned number leaves every sender pool at once: it stops taking campaign work (kept in the pool, inactive, so
 * the campaign engine moves its queued recipients to the other numbers and its counts stay visible).
 */
export async function removeFromSenderPools(db: Db, instanceId: string): Promise<number> {
  const r = await db`update public.campaign_senders set active = false, inactive_reason = 'instance_banned',
      inactive_since = now()
    where instance_id = ${instanceId} and active`;
  return r.count;
}

/** Statuses that claim a live socket: only a live worker's heartbeat can vouch for them. */
export const HOSTED_STATUSES: readonly TInstanceStatus[] = [
  "pending_pairing",
  "connecting",
  "connected",
  "degraded",
  "restricted",
];

/**
 * Instances whose status claims a socket on a worker that is no longer live (its heartbeat lapsed) become
 * `connecting` with reason `worker_lost` (history row, webhook, realtime event), whether or not another worker can
 * take them yet. Returns how many changed.
 */
export async function markInstancesOfLostWorkers(db: Db, liveWorkerIds: string[]): Promise<number> {
  const rows = await db`
    with lost as (
      select id, org_id, status from public.instances
      where worker_id is not null and not (worker_id = any(${liveWorkerIds}))
        and status = any(${HOSTED_STATUSES as string[]}::public.instance_status[])
        and not (status = 'connecting' and status_reason is not distinct from 'worker_lost')
      for update skip locked
    ), upd as (
      update public.instances i set status = 'connecting', status_reason = 'worker_lost', health_score = null
      from lost where i.id = lost.id
      returning i.id
    ), ev as (
      insert into public.instance_events (org_id, instance_id, from_status, to_status, reason, detail)
      select lost.org_id, lost.id, lost.status, 'connecting', 'worker_lost', '{}'::jsonb from lost
    )
    select id from upd`;
  return rows.length;
}

/**
 * A status change for an instance that no worker hosts (stop or logout while its worker is gone): written only if
 * the instance is still unhosted by a live worker at that epoch, with its history row. 'unchanged' when it already
 * had that status and reason.
 */
export async function writeUnhostedStatus(
  db: Db,
  w: { instanceId: string; epoch: number; to: TInstanceStatus; reason: string; detail?: Record<string, unknown> },
): Promise<"ok" | "unchanged" | "moved"> {
  const [row] = await db<{ found: boolean; changed: boolean }[]>`
    with prev as (
      select id, org_id, status, status_reason from public.instances
      where id = ${w.instanceId} and epoch = ${w.epoch} for update
    ), upd as (
      update public.instances i set status = ${w.to}, status_reason = ${w.reason}, health_score = null
      from prev where i.id = prev.id and (prev.status <> ${w.to} or prev.status_reason is distinct from ${w.reason})
      returning i.id
    ), ev as (
      insert into public.instance_events (org_id, instance_id, from_status, to_status, reason, detail)
      select prev.org_id, prev.id, prev.status, ${w.to}, ${w.reason}, ${db.json((w.detail ?? {}) as never)}
      from prev join upd on upd.id = prev.id
    )
    select exists (select 1 from prev) as found, exists (select 1 from upd) as changed`;
  if (!row?.found) return "moved";
  return row.changed ? "ok" : "unchanged";
}
