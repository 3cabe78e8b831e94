import type { TOrgRole } from "@mirage/contracts/enums";
import type { Db } from "./client.ts";

export type MemberRow = { userId: string; email: string | null; role: TOrgRole; createdAt: Date };

/**
 * Under asUser: the caller's own role in an organization, or undefined when RLS hides it (not a member, or
 * another organization) — the API answers 404 then, so organizations cannot be probed.
 */
export async function findOwnRole(db: Db, orgId: string): Promise<TOrgRole | undefined> {
  const [row] = await db<{ role: TOrgRole }[]>`
    select role from public.organization_members where org_id = ${orgId} and user_id = (select auth.uid())`;
  return row?.role;
}

/**
 * Under asUser: people in the organization (API-key principals are memberships too, but not people). Emails live
 * in auth.users, which users cannot read: the caller adds them with listUserEmails for the ids RLS returned here.
 */
export async function listPeopleMembers(db: Db, orgId: string): Promise<Omit<MemberRow, "email">[]> {
  return db<Omit<MemberRow, "email">[]>`
    select user_id as "userId", role, created_at as "createdAt"
    from public.organization_members where org_id = ${orgId} and kind = 'user' order by created_at, user_id`;
}

/** Service work: emails of the given users (already visible to the caller through RLS). */
export async function listUserEmails(db: Db, userIds: string[]): Promise<Map<string, string | null>> {
  if (userIds.length === 0) return new Map();
  const rows = await db<{ id: string; email: string | null }[]>`
    select id, email from auth.users where id = any(${userIds}::uuid[])`;
  return new Map(rows.map((r) => [r.id, r.email]));
}

/** Under asUser: RLS (owner/admin) and the membership guard (owners only by owners) decide. */
export async function insertMember(
  db: Db,
  input: { orgId: string; userId: string; role: TOrgRole },
): Promise<MemberRow> {
  const [row] = await db<MemberRow[]>`
    insert into public.organization_members (org_id, user_id, role)
    values (${input.orgId}, ${input.userId}, ${input.role})
    returning user_id as "userId", null::text as email, role, created_at as "createdAt"`;
  if (!row) throw new Error("member insert returned no row");
  return row;
}

export async function updateMemberRole(
  db: Db,
  input: { orgId: string; userId: string; role: TOrgRole },
): Promise<MemberRow | undefined> {
  const [row] = await db<MemberRow[]>`
    update public.organization_members set role = ${input.role}
    where org_id = ${input.orgId} and user_id = ${input.userId} and kind = 'user'
    returning user_id as "userId", null::text as email, role, created_at as "createdAt"`;
  return row;
}

export async function deleteMember(db: Db, input: { orgId: string; userId: string }): Promise<boolean> {
  const result = await db`
    delete from public.organization_members
    where org_id = ${input.orgId} and user_id = ${input.userId} and kind = 'user'`;
  return result.count === 1;
}

/** Under asUser: the row as RLS shows it (role checks before mutations that need the target's current role). */
export async function findMember(
  db: Db,
  input: { orgId: string; userId: string },
): Promise<{ role: TOrgRole } | undefined> {
  const [row] = await db<{ role: TOrgRole }[]>`
    select role from public.organization_members
    where org_id = ${input.orgId} and user_id = ${input.userId} and kind = 'user'`;
  return row;
}
