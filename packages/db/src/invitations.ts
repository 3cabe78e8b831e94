import type { TOrgRole } from "@mirage/contracts/enums";
import type { Db } from "./client.ts";

export type InvitationStatus = "pending" | "accepted" | "revoked" | "expired";

export type Invitation = {
  id: string;
  orgId: string;
  email: string;
  role: TOrgRole;
  status: InvitationStatus;
  invitedBy: string | null;
  expiresAt: Date;
  acceptedAt: Date | null;
  createdAt: Date;
};

const columns = (db: Db) => db`
  id, org_id as "orgId", email, role,
  case when accepted_at is not null then 'accepted' when revoked_at is not null then 'revoked'
       when expires_at <= now() then 'expired' else 'pending' end as status,
  invited_by as "invitedBy", expires_at as "expiresAt", accepted_at as "acceptedAt", created_at as "createdAt"`;

/**
 * Under asUser (owner/admin by RLS; only owners invite owners, by trigger). Replaces an open invitation for the same
 * email, so the newest token is the only one that works.
 */
export async function insertInvitation(
  db: Db,
  input: { orgId: string; email: string; role: TOrgRole; tokenHash: string; invitedBy: string | null; expiresAt: Date },
): Promise<Invitation> {
  const email = input.email.toLowerCase();
  await db`
    update public.organization_invitations set revoked_at = now()
    where org_id = ${input.orgId} and email = ${email} and accepted_at is null and revoked_at is null`;
  const [row] = await db<Invitation[]>`
    insert into public.organization_invitations (org_id, email, role, token_hash, invited_by, expires_at)
    values (${input.orgId}, ${email}, ${input.role}, ${input.tokenHash}, ${input.invitedBy}, ${input.expiresAt})
    returning ${columns(db)}`;
  if (!row) throw new Error("invitation insert returned no row");
  return row;
}

/** Under asUser: the organization's invitations, newest first. */
export async function listInvitations(db: Db, orgId: string): Promise<Invitation[]> {
  return db<Invitation[]>`
    select ${columns(db)} from public.organization_invitations where org_id = ${orgId}
    order by created_at desc, id limit 500`;
}

/** Under asUser: revokes an open invitation; undefined when it is not visible or no longer open. */
export async function revokeInvitation(db: Db, input: { orgId: string; id: string }): Promise<Invitation | undefined> {
  const [row] = await db<Invitation[]>`
    update public.organization_invitations set revoked_at = now()
    where org_id = ${input.orgId} and id = ${input.id} and accepted_at is null and revoked_at is null
    returning ${columns(db)}`;
  return row;
}

/** Under asUser: is this email already a person member of the organization? (The caller may read members.) */
export async function isMemberEmail(db: Db, input: { orgId: string; userId: string | undefined }): Promise<boolean> {
  if (!input.userId) return false;
  const rows = await db`
    select 1 from public.organization_members where org_id = ${input.orgId} and user_id = ${input.userId}`;
  return rows.length > 0;
}

export type InvitationForAcceptance = Invitation & { orgName: string };

/** Service work: the invitation a token names, locked for acceptance. */
export async function findInvitationByTokenHash(
  db: Db,
  tokenHash: string,
  opts: { forUpdate: boolean },
): Promise<InvitationForAcceptance | undefined> {
  const [row] = await db<InvitationForAcceptance[]>`
    select ${columns(db)}, (select name from public.organizations o where o.id = org_id) as "orgName"
    from public.organization_invitations where token_hash = ${tokenHash}
    ${opts.forUpdate ? db`for update` : db``}`;
  return row;
}

/** Service work: the membership and the acceptance, in the caller's transaction. Idempotent for a current member. */
export async function acceptInvitation(
  db: Db,
  input: { id: string; orgId: string; userId: string; role: TOrgRole },
): Promise<void> {
  await db`
    insert into public.organization_members (org_id, user_id, role)
    values (${input.orgId}, ${input.userId}, ${input.role})
    on conflict (org_id, user_id) do nothing`;
  await db`
    update public.organization_invitations set accepted_at = now(), accepted_by = ${input.userId}
    where id = ${input.id}`;
}
