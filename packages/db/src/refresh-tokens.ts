import type { Db } from "./client.ts";

export type RefreshToken = {
  id: string;
  userId: string;
  familyId: string;
  expiresAt: Date;
  rotatedAt: Date | null;
  revokedAt: Date | null;
};

const columns = (db: Db) => db`
  id, user_id as "userId", family_id as "familyId", expires_at as "expiresAt", rotated_at as "rotatedAt",
  revoked_at as "revokedAt"`;

/** Service work: a new token; a new family unless `familyId`/`parentId` continue one (rotation). */
export async function insertRefreshToken(
  db: Db,
  input: {
    userId: string;
    tokenHash: string;
    expiresAt: Date;
    familyId?: string;
    parentId?: string | null;
    userAgent?: string | null;
    ip?: string | null;
  },
): Promise<RefreshToken> {
  const [row] = await db<RefreshToken[]>`
    insert into public.refresh_tokens (user_id, family_id, parent_id, token_hash, expires_at, user_agent, ip)
    values (${input.userId}, coalesce(${input.familyId ?? null}::uuid, gen_random_uuid()), ${input.parentId ?? null},
            ${input.tokenHash}, ${input.expiresAt}, ${input.userAgent ?? null}, ${input.ip ?? null})
    returning ${columns(db)}`;
  if (!row) throw new Error("refresh token insert returned no row");
  return row;
}

/** Service work: locks the token row so two concurrent refreshes of one token cannot both rotate it. */
export async function findRefreshTokenForUpdate(db: Db, tokenHash: string): Promise<RefreshToken | undefined> {
  const [row] = await db<RefreshToken[]>`
    select ${columns(db)} from public.refresh_tokens where token_hash = ${tokenHash} for update`;
  return row;
}

export async function markRefreshTokenRotated(db: Db, id: string): Promise<void> {
  await db`update public.refresh_tokens set rotated_at = now() where id = ${id}`;
}

/** Revokes every live token of a family (reuse detected, or logout). Returns how many were revoked. */
export async function revokeRefreshTokenFamily(db: Db, familyId: string, reason: string): Promise<number> {
  const result = await db`
    update public.refresh_tokens set revoked_at = now(), revoked_reason = ${reason}
    where family_id = ${familyId} and revoked_at is null`;
  return result.count;
}

/**
 * Revokes every token of a user (password reset).
 * @returns the sessions (family ids) that had live tokens, so their access tokens can be revoked as well.
 */
export async function revokeUserRefreshTokens(db: Db, userId: string, reason: string): Promise<string[]> {
  const rows = await db<{ familyId: string }[]>`
    update public.refresh_tokens set revoked_at = now(), revoked_reason = ${reason}
    where user_id = ${userId} and revoked_at is null
    returning family_id as "familyId"`;
  return [...new Set(rows.map((r) => r.familyId))];
}
