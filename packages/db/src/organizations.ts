import type { TOrgRole } from "@mirage/contracts/enums";
import type { Db } from "./client.ts";

export type Organization = { id: string; name: string; slug: string; timezone: string; createdAt: Date };

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

/** Under asUser: one organization, if the caller may see it. */
export async function findOrganization(db: Db, id: string): Promise<Organization | undefined> {
  const [row] = await db<Organization[]>`
    select id, name, slug, timezone, created_at as "createdAt" from public.organizations where id = ${id}`;
  return row;
}

/** Under asUser: renames or moves the organization to another time zone; fields left undefined stay. */
export async function updateOrganization(
  db: Db,
  id: string,
  patch: { name?: string; timezone?: string },
): Promise<Organization | undefined> {
  const [row] = await db<Organization[]>`
    update public.organizations set name = coalesce(${patch.name ?? null}, name),
      timezone = coalesce(${patch.timezone ?? null}, timezone)
    where id = ${id}
    returning id, name, slug, timezone, created_at as "createdAt"`;
  return row;
}
