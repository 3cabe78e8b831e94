import type { TOrgRole } from "@mirage/contracts/enums";
import type { Db } from "./client.ts";

export type Organization = { id: string; name: string; slug: string; timezone: string; createdAt: Date };
export type Membership = { orgId: string; userId: string; role: TOrgRole };

/** Service work: an organization and its first owner in one statement, so no org ever exists without an owner. */
export async function createOrganizationWithOwner(
  db: Db,
  input: { name: string; slug: string; ownerUserId: string; timezone?: string },
): Promise<Organization> {
  const [org] = await db<Organization[]>`
    with org as (
      insert into public.organizations (name, slug, timezone)
      values (${input.name}, ${input.slug}, ${input.timezone ?? "UTC"})
      returning id, name, slug, timezone, created_at
    ), member as (
      insert into public.organization_members (org_id, user_id, role)
      select id, ${input.ownerUserId}, 'owner' from org
    )
    select id, name, slug, timezone, created_at as "createdAt" from org`;
  if (!org) throw new Error("organization insert returned no row");
  return org;
}

/** Under asUser: RLS returns only the caller's organizations. */
export async function listOrganizations(db: Db): Promise<(Organization & { role: TOrgRole })[]> {
  return db<(Organization & { role: TOrgRole })[]>`
    select o.id, o.name, o.slug, o.timezone, o.created_at as "createdAt", m.role
    from public.organizations o
    join public.organization_members m on m.org_id = o.id and m.user_id = (select auth.uid())
    order by o.name`;
}

export async function addMember(db: Db, input: Membership): Promise<void> {
  await db`insert into public.organization_members (org_id, user_id, role)
           values (${input.orgId}, ${input.userId}, ${input.role})`;
}

export async function listMembers(db: Db, orgId: string): Promise<Membership[]> {
  return db<Membership[]>`
    select org_id as "orgId", user_id as "userId", role
    from public.organization_members where org_id = ${orgId} order by created_at`;
}
