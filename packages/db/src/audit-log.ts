import type { Db } from "./client.ts";

export type AuditEntry = {
  id: number;
  actorUserId: string | null;
  actorApiKeyId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  /** Who acted, in words: the member's email, or the API key's name as it was then; null for the system. */
  actorLabel: string | null;
  /** What was acted on, in words (a name, a number, an email), when the log can name it; see `listAuditLog`. */
  targetLabel: string | null;
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

/** Filters of the audit log; each narrows the list (all must match). */
export type AuditFilter = {
  /** An action (`campaign.delete`), or a prefix ending in a dot (`campaign.`) for every action of a kind. */
  action?: string;
  actorUserId?: string;
  actorApiKeyId?: string;
  targetType?: string;
  targetId?: string;
};

/**
 * A page of the organization's log, newest first (`beforeId`: ids below it). Configuration objects are named as they
 * were when the entry was written (kept in the entry, so a deleted instance still reads by its name); people —
 * members, contacts, conversations, blacklisted numbers, invitations — are named as they are now, looked up for
 * owners and admins only, so an erased contact leaves no name or number in the log (null instead).
 */
export async function listAuditLog(
  db: Db,
  input: { orgId: string; beforeId?: number; limit: number } & AuditFilter,
): Promise<AuditEntry[]> {
  const action = input.action?.endsWith(".")
    ? db`and a.action like ${`${input.action.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}`
    : input.action
      ? db`and a.action = ${input.action}`
      : db``;
  // One statement: the page, then the people it names in one call of the live lookup (owners and admins only).
  return db<AuditEntry[]>`
    with page as (
      select a.* from public.audit_log a
      where a.org_id = ${input.orgId} ${input.beforeId ? db`and a.id < ${input.beforeId}` : db``} ${action}
        ${input.actorUserId ? db`and a.actor_user_id = ${input.actorUserId}` : db``}
        ${input.actorApiKeyId ? db`and a.actor_api_key_id = ${input.actorApiKeyId}` : db``}
        ${input.targetType ? db`and a.target_type = ${input.targetType}` : db``}
        ${input.targetId ? db`and a.target_id = ${input.targetId}` : db``}
      order by a.id desc limit ${input.limit}
    ), people as (
      select l.type, l.id, l.label from private.audit_person_labels(${input.orgId}, (
        select coalesce(jsonb_agg(distinct r), '[]') from (
          select jsonb_build_object('type', 'user', 'id', p.actor_user_id::text) as r
            from page p where p.actor_user_id is not null
          union all
          select jsonb_build_object('type', p.target_type, 'id', p.target_id)
            from page p where p.target_label is null and p.target_type is not null and p.target_id is not null
        ) x)) l
    )
    select a.id, a.actor_user_id as "actorUserId", a.actor_api_key_id as "actorApiKeyId", a.action,
           a.target_type as "targetType", a.target_id as "targetId",
           case when a.actor_user_id is not null then ua.label else a.actor_label end as "actorLabel",
           coalesce(a.target_label, t.label) as "targetLabel",
           a.detail, host(a.ip) as ip, a.request_id as "requestId", a.created_at as "createdAt"
    from page a
    left join people ua on ua.type = 'user' and ua.id = a.actor_user_id::text
    left join people t on a.target_label is null and t.type = a.target_type and t.id = a.target_id
    order by a.id desc`;
}
