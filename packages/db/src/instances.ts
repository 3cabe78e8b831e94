import type { TInstanceStatus } from "@mirage/contracts/enums";
import type { Db } from "./client.ts";

export type Instance = {
  id: string;
  orgId: string;
  name: string;
  phoneE164: string | null;
  status: TInstanceStatus;
  statusReason: string | null;
  workerId: string | null;
  epoch: number;
  healthScore: number | null;
  createdAt: Date;
  updatedAt: Date;
};

const columns = (db: Db) => db`
  id, org_id as "orgId", name, phone_e164 as "phoneE164", status, status_reason as "statusReason",
  worker_id as "workerId", epoch, health_score as "healthScore", created_at as "createdAt", updated_at as "updatedAt"`;

export async function createInstance(
  db: Db,
  input: { orgId: string; name: string; phoneE164?: string | null; createdBy?: string | null },
): Promise<Instance> {
  const [row] = await db<Instance[]>`
    insert into public.instances (org_id, name, phone_e164, created_by)
    values (${input.orgId}, ${input.name}, ${input.phoneE164 ?? null}, ${input.createdBy ?? null})
    returning ${columns(db)}`;
  if (!row) throw new Error("instance insert returned no row");
  return row;
}

export async function listInstances(db: Db, orgId: string): Promise<Instance[]> {
  return db<Instance[]>`select ${columns(db)} from public.instances where org_id = ${orgId} order by name`;
}

export async function findInstanceById(db: Db, id: string): Promise<Instance | undefined> {
  const [row] = await db<Instance[]>`select ${columns(db)} from public.instances where id = ${id}`;
  return row;
}

/**
 * Service work: moves an instance to a new status and appends the history row in the same statement.
 * Returns undefined when the status was already `to` (no duplicate history rows for repeated signals).
 */
export async function recordInstanceStatus(
  db: Db,
  input: { instanceId: string; to: TInstanceStatus; reason?: string | null; detail?: Record<string, unknown> },
): Promise<{ from: TInstanceStatus; to: TInstanceStatus } | undefined> {
  const [row] = await db<{ from: TInstanceStatus; to: TInstanceStatus }[]>`
    with prev as (
      select id, org_id, status from public.instances where id = ${input.instanceId} for update
    ), upd as (
      update public.instances i set status = ${input.to}, status_reason = ${input.reason ?? null},
        last_connected_at = case when ${input.to} = 'connected' then now() else i.last_connected_at end
      from prev where i.id = prev.id and prev.status <> ${input.to}
      returning i.id
    ), ev as (
      insert into public.instance_events (org_id, instance_id, from_status, to_status, reason, detail)
      select prev.org_id, prev.id, prev.status, ${input.to}, ${input.reason ?? null}, ${db.json((input.detail ?? {}) as never)}
      from prev join upd on upd.id = prev.id
    )
    select prev.status as "from", ${input.to}::public.instance_status as "to" from prev join upd on upd.id = prev.id`;
  return row;
}
