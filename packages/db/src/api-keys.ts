import type { TApiKeyScope, TOrgRole } from "@mirage/contracts/enums";
import type { Db } from "./client.ts";

export type ApiKey = {
  id: string;
  orgId: string;
  name: string;
  prefix: string;
  scopes: TApiKeyScope[];
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
};

const columns = (db: Db) => db`
  id, org_id as "orgId", name, prefix, array_replace(scopes, 'send', 'messages:send') as scopes, last_used_at as "lastUsedAt", expires_at as "expiresAt",
  revoked_at as "revokedAt", created_at as "createdAt"`;

/**
 * The organization role an API key's principal holds, derived from its scopes. RLS bounds the key to its
 * organization and to what this role may touch; the API narrows further by scope on every route.
 */
export function principalRoleForScopes(scopes: readonly TApiKeyScope[]): TOrgRole {
  const has = (s: TApiKeyScope) => scopes.includes(s);
  if (has("admin") || (has("instances") && has("campaigns"))) return "admin";
  if (has("instances") || has("messages:send")) return "operator";
  if (has("campaigns")) return "marketer";
  return "viewer";
}

/**
 * Under asUser (an owner or admin): the key row, then its principal. The principal's auth.users row and
 * membership are service writes (users cannot create users), done through `createPrincipal`, which the caller runs
 * as service in the same request only after this insert succeeded under RLS.
 */
export async function insertApiKey(
  db: Db,
  input: {
    orgId: string;
    name: string;
    prefix: string;
    keyHash: string;
    scopes: TApiKeyScope[];
    expiresAt?: Date | null;
    createdBy?: string | null;
  },
): Promise<ApiKey> {
  const [row] = await db<ApiKey[]>`
    insert into public.api_keys (org_id, name, prefix, key_hash, scopes, expires_at, created_by)
    values (${input.orgId}, ${input.name}, ${input.prefix}, ${input.keyHash}, ${input.scopes},
            ${input.expiresAt ?? null}, ${input.createdBy ?? null})
    returning ${columns(db)}`;
  if (!row) throw new Error("api key insert returned no row");
  return row;
}

/** Service work: the machine user an API key acts as, member of the key's organization with `role`. */
export async function createApiKeyPrincipal(
  db: Db,
  input: { keyId: string; orgId: string; role: TOrgRole },
): Promise<string> {
  const [row] = await db<{ id: string }[]>`
    with u as (
      insert into auth.users (aud, role, raw_app_meta_data, raw_user_meta_data)
      values ('authenticated', 'authenticated', ${db.json({ provider: "api_key", api_key_id: input.keyId })},
              ${db.json({ name: "API key" })})
      returning id
    ), m as (
      insert into public.organization_members (org_id, user_id, role, kind)
      select ${input.orgId}, id, ${input.role}, 'api_key' from u
    ), k as (
      update public.api_keys set principal_user_id = (select id from u) where id = ${input.keyId}
    )
    select id from u`;
  if (!row) throw new Error("principal insert returned no row");
  return row.id;
}

export async function listApiKeys(db: Db, orgId: string): Promise<ApiKey[]> {
  return db<ApiKey[]>`select ${columns(db)} from public.api_keys where org_id = ${orgId} order by created_at desc`;
}

/** Under asUser: revokes (the trigger drops the principal's membership). Answers false when not visible. */
export async function revokeApiKey(db: Db, input: { orgId: string; id: string }): Promise<ApiKey | undefined> {
  const [row] = await db<ApiKey[]>`
    update public.api_keys set revoked_at = coalesce(revoked_at, now())
    where id = ${input.id} and org_id = ${input.orgId}
    returning ${columns(db)}`;
  return row;
}

export type ApiKeyAuth = ApiKey & { principalUserId: string | null };

/**
 * Service work, the one lookup an API request needs before it can act as the key's principal: by hash, so the
 * database never compares secrets. Stamps last_used_at at most once a minute to keep the hot path write-free.
 */
export async function findApiKeyByHash(db: Db, keyHash: string): Promise<ApiKeyAuth | undefined> {
  const [row] = await db<ApiKeyAuth[]>`
    with k as (
      select * from public.api_keys where key_hash = ${keyHash}
    ), touch as (
      update public.api_keys a set last_used_at = now()
      from k where a.id = k.id and (k.last_used_at is null or k.last_used_at < now() - interval '1 minute')
    )
    select id, org_id as "orgId", name, prefix, scopes, last_used_at as "lastUsedAt", expires_at as "expiresAt",
           revoked_at as "revokedAt", created_at as "createdAt", principal_user_id as "principalUserId"
    from k`;
  return row;
}
