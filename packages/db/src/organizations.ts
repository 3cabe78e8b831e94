import type { TOrgRole } from "@mirage/contracts/enums";
import type { Db } from "./client.ts";

export type Organization = {
  id: string;
  name: string;
  slug: string;
  timezone: string;
  /** ISO 3166-1 alpha-2, for phone numbers written without a country code; null when unset. */
  defaultCountry: string | null;
  createdAt: Date;
};

/** Service work: an organization and its first owner in one statement, so no org ever exists without an owner. */
export async function createOrganizationWithOwner(
  db: Db,
  input: { name: string; slug: string; ownerUserId: string; timezone?: string },
): Promise<Organization> {
  const [org] = await db<Organization[]>`
    with org as (
      insert into public.organizations (name, slug, timezone)
      values (${input.name}, ${input.slug}, ${input.timezone ?? "UTC"})
      returning id, name, slug, timezone, default_country, created_at
    ), member as (
      insert into public.organization_members (org_id, user_id, role)
      select id, ${input.ownerUserId}, 'owner' from org
    )
    select id, name, slug, timezone, default_country as "defaultCountry", created_at as "createdAt" from org`;
  if (!org) throw new Error("organization insert returned no row");
  return org;
}

/** Under asUser: RLS returns only the caller's organizations. */
export async function listOrganizations(db: Db): Promise<(Organization & { role: TOrgRole })[]> {
  return db<(Organization & { role: TOrgRole })[]>`
    select o.id, o.name, o.slug, o.timezone, o.default_country as "defaultCountry", o.created_at as "createdAt", m.role
    from public.organizations o
    join public.organization_members m on m.org_id = o.id and m.user_id = (select auth.uid())
    order by o.name`;
}

const orgColumns = (db: Db) =>
  db`id, name, slug, timezone, default_country as "defaultCountry", created_at as "createdAt"`;

/** Under asUser: one organization as RLS shows it (undefined for another organization's). */
export async function findOrganization(db: Db, orgId: string): Promise<Organization | undefined> {
  const [row] = await db<Organization[]>`select ${orgColumns(db)} from public.organizations where id = ${orgId}`;
  return row;
}

/** Under asUser (owner/admin by RLS). `defaultCountry: null` clears it; undefined leaves a field as it is. */
export async function updateOrganization(
  db: Db,
  input: { orgId: string; name?: string; timezone?: string; defaultCountry?: string | null },
): Promise<Organization | undefined> {
  const [row] = await db<Organization[]>`
    update public.organizations set
      name = coalesce(${input.name ?? null}, name),
      timezone = coalesce(${input.timezone ?? null}, timezone),
      default_country = case when ${input.defaultCountry !== undefined} then ${input.defaultCountry ?? null}
                             else default_country end
    where id = ${input.orgId}
    returning ${orgColumns(db)}`;
  return row;
}

/** The organization's default country for phone numbers (any caller that can see the organization). */
export async function findDefaultCountry(db: Db, orgId: string): Promise<string | null> {
  const [row] = await db<{ c: string | null }[]>`
    select default_country as c from public.organizations where id = ${orgId}`;
  return row?.c ?? null;
}
