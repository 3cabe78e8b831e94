import type { TOrgRole } from "@mirage/contracts/enums";
import type postgres from "postgres";

export type OrgFixture = {
  orgId: string;
  users: Record<TOrgRole, { id: string; claims: { sub: string; role: "authenticated"; aud: string; email: string } }>;
};

/** An organization with one member per role, written as superuser. */
export async function createOrgWithMembers(admin: postgres.Sql, slug: string): Promise<OrgFixture> {
  const [org] = await admin<{ id: string }[]>`
    insert into public.organizations (name, slug) values (${slug}, ${slug}) returning id`;
  if (!org) throw new Error("no org");
  const roles: TOrgRole[] = ["owner", "admin", "operator", "marketer", "viewer"];
  const users = {} as OrgFixture["users"];
  for (const role of roles) {
    const email = `${role}@${slug}.test`;
    const [user] = await admin<{ id: string }[]>`insert into auth.users (email) values (${email}) returning id`;
    if (!user) throw new Error("no user");
    await admin`insert into public.organization_members (org_id, user_id, role) values (${org.id}, ${user.id}, ${role})`;
    users[role] = { id: user.id, claims: { sub: user.id, role: "authenticated", aud: "authenticated", email } };
  }
  return { orgId: org.id, users };
}

/**
 * An instance row of `orgId` (no worker behind it), written as superuser: `status` defaults to connected, `dailyCap`
 * to none. Answers its id.
 */
export async function insertInstance(
  admin: postgres.Sql,
  orgId: string,
  name: string,
  opts: { status?: string; dailyCap?: number | null } = {},
): Promise<string> {
  const [row] = await admin<{ id: string }[]>`
    insert into public.instances (org_id, name, status, daily_cap)
    values (${orgId}, ${name}, ${opts.status ?? "connected"}::public.instance_status, ${opts.dailyCap ?? null})
    returning id`;
  if (!row) throw new Error("no instance");
  return row.id;
}
