import type { Db } from "./client.ts";

export type AuditEntry = {
  id: number;
  actorUserId: string | null;
  actorApiKeyId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  detail: Record<string, unknown>;
  ip: string | null;
  requestId: string | null;
  createdAt: Date;
};

export type NewAuditEntry = {
  orgId: string;
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  detail?: Record<string, unknown>;
  ip?: string | null;
  requestId?: string | null;
};

/**
 * Under asUser, in the transaction of the change it records: the actor comes from the claims (auth.uid()),
 * never from the caller, and only a member of the organization can write into its log.
 */
export async function recordAudit(db: Db, entry: NewAuditEntry): Promise<number> {
  const [row] = await db<{ id: number }[]>`
    select private.record_audit(${entry.orgId}, ${entry.action}, ${entry.targetType ?? null}, ${entry.targetId ?? null},
      ${db.json((entry.detail ?? {}) as never)}, ${entry.ip ?? null}::inet, ${entry.requestId ?? null}) as id`;
  if (!row) throw new Error("audit insert returned no row");
  return row.id;
}

export async function listAuditLog(
  db: Db,
  input: { orgId: string; beforeId?: number; limit: number },
): Promise<AuditEntry[]> {
  return db<AuditEntry[]>`
    select id, actor_user_id as "actorUserId", actor_api_key_id as "actorApiKeyId", action, target_type as "targetType",
           target_id as "targetId", detail, host(ip) as ip, request_id as "requestId", created_at as "createdAt"
    from public.audit_log
    where org_id = ${input.orgId} ${input.beforeId ? db`and id < ${input.beforeId}` : db``}
    order by id desc limit ${input.limit}`;
}
