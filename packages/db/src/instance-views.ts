import type { TInstanceStatus } from "@mirage/contracts/enums";
import type { Db } from "./client.ts";

/** What the API shows of an instance (under asUser: RLS keeps other organizations out). */
export type InstanceView = {
  id: string;
  orgId: string;
  name: string;
  phone: string | null;
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
  id, org_id as "orgId", name, phone_e164 as phone, wa_jid as "waJid", status, status_reason as "statusReason",
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

export async function instanceNameTaken(db: Db, orgId: string, name: string): Promise<boolean> {
  const rows = await db`select 1 from public.instances where org_id = ${orgId} and name = ${name}`;
  return rows.length > 0;
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
