import type { Db } from "./client.ts";

/**
 * Baileys auth state rows (ciphertext only: encryption happens in the session host, which holds the key ring).
 * Every write is fenced: it happens only while the instance's epoch is the writer's, and it holds a share lock on
 * the instance row so a reassignment (which bumps the epoch) waits for it instead of interleaving.
 */
export type EncryptedRow = { keyId: string; ciphertext: Buffer };
export type Fence = { instanceId: string; epoch: number };

async function holdsFence(db: Db, fence: Fence): Promise<{ orgId: string } | undefined> {
  const [row] = await db<{ orgId: string }[]>`
    select org_id as "orgId" from public.instances where id = ${fence.instanceId} and epoch = ${fence.epoch} for share`;
  return row;
}

export async function readAuthCreds(db: Db, instanceId: string): Promise<EncryptedRow | undefined> {
  const [row] = await db<EncryptedRow[]>`
    select key_id as "keyId", ciphertext from public.wa_auth_creds where instance_id = ${instanceId}`;
  return row;
}

/** Returns false when the writer has been fenced off (another host owns the instance now). */
export async function writeAuthCreds(db: Db, fence: Fence, row: EncryptedRow): Promise<boolean> {
  const owner = await holdsFence(db, fence);
  if (!owner) return false;
  await db`
    insert into public.wa_auth_creds (instance_id, org_id, key_id, ciphertext, updated_at)
    values (${fence.instanceId}, ${owner.orgId}, ${row.keyId}, ${row.ciphertext}, now())
    on conflict (instance_id) do update
      set key_id = excluded.key_id, ciphertext = excluded.ciphertext, updated_at = now()`;
  return true;
}

export async function readAuthKeys(
  db: Db,
  instanceId: string,
  type: string,
  ids: string[],
): Promise<(EncryptedRow & { id: string })[]> {
  if (ids.length === 0) return [];
  return db<(EncryptedRow & { id: string })[]>`
    select id, key_id as "keyId", ciphertext from public.wa_auth_keys
    where instance_id = ${instanceId} and type = ${type} and id = any(${ids})`;
}

/**
 * One atomic, idempotent write of a batch of Signal keys: upserts and deletes (Baileys' `null`) together, in one
 * statement whose fence check (share lock on the instance row at the writer's epoch) gates both. Idempotent because
 * a failed commit is retried with the same mutations. A key must not be both upserted and deleted in one call.
 */
export async function writeAuthKeys(
  db: Db,
  fence: Fence,
  change: { upserts: (EncryptedRow & { type: string; id: string })[]; deletes: { type: string; id: string }[] },
): Promise<boolean> {
  if (change.upserts.length === 0 && change.deletes.length === 0) return Boolean(await holdsFence(db, fence));
  const u = change.upserts;
  const [row] = await db<{ held: boolean }[]>`
    with owner as (
      select org_id from public.instances where id = ${fence.instanceId} and epoch = ${fence.epoch} for share
    ), gone as (
      delete from public.wa_auth_keys k
      using owner, unnest(${change.deletes.map((d) => d.type)}::text[], ${change.deletes.map((d) => d.id)}::text[])
        as d(type, id)
      where k.instance_id = ${fence.instanceId} and k.type = d.type and k.id = d.id
    ), put as (
      insert into public.wa_auth_keys (instance_id, org_id, type, id, key_id, ciphertext)
      select ${fence.instanceId}, owner.org_id, v.type, v.id, v.key_id, decode(v.ciphertext, 'base64')
      from owner, unnest(${u.map((x) => x.type)}::text[], ${u.map((x) => x.id)}::text[],
                         ${u.map((x) => x.keyId)}::text[], ${u.map((x) => x.ciphertext.toString("base64"))}::text[])
        as v(type, id, key_id, ciphertext)
      on conflict (instance_id, type, id) do update
        set key_id = excluded.key_id, ciphertext = excluded.ciphertext, updated_at = now()
    )
    select exists (select 1 from owner) as held`;
  return row?.held === true;
}

/** Logged out or deleted: the credentials are useless and must not linger. */
export async function clearAuthState(db: Db, instanceId: string): Promise<void> {
  await db`delete from public.wa_auth_keys where instance_id = ${instanceId}`;
  await db`delete from public.wa_auth_creds where instance_id = ${instanceId}`;
}

/**
 * Signal key types whose id names a person (a phone number's digits or a LID's user part): encryption sessions and
 * identity keys per device, the phone ↔ LID mapping both ways, device lists, privacy tokens.
 */
export const PERSON_KEY_TYPES = ["session", "identity-key", "lid-mapping", "device-list", "tctoken"] as const;

/**
 * The person a Signal key id names: its user part, without `_reverse`, `@server`, `:device`/`.device` and the LID
 * domain suffix (`_1`). `5511987650001.0`, `76100001_1.3`, `76100001_reverse`, `76100001@lid` → the digits. The
 * same rule as `deletePersonKeys`' SQL.
 */
export function signalKeyUser(id: string): string {
  const bare = id.replace(/_reverse$/, "").split("@")[0] ?? "";
  return (bare.split(":")[0] ?? "").split(".")[0]?.replace(/_[0-9]+$/, "") ?? "";
}

/**
 * Deletes the Signal keys naming any of `users` (user parts, see `signalKeyUser`), of every number of an
 * organization or of one instance. Answers how many rows went. Their values are encrypted, but their ids name the
 * person in clear.
 */
export async function deletePersonKeys(
  db: Db,
  scope: { orgId: string } | { instanceId: string },
  users: string[],
): Promise<number> {
  if (users.length === 0) return 0;
  const r = await db`
    delete from public.wa_auth_keys k where
      ${"orgId" in scope ? db`k.org_id = ${scope.orgId}` : db`k.instance_id = ${scope.instanceId}`}
      and k.type = any(${[...PERSON_KEY_TYPES]}::text[])
      and regexp_replace(
            split_part(split_part(split_part(regexp_replace(k.id, '_reverse$', ''), '@', 1), ':', 1), '.', 1),
            '_[0-9]+$', '') = any(${users}::text[])`;
  return r.count;
}
