import type { Db } from "./client.ts";

/** Contact lists (static membership; segments are the dynamic kind). */
export type ListRow = {
  id: string;
  name: string;
  description: string | null;
  memberCount: number;
  createdAt: Date;
  updatedAt: Date;
};

const columns = (db: Db) => db`
  l.id, l.name, l.description, l.created_at as "createdAt", l.updated_at as "updatedAt",
  (select count(*)::int from public.contact_list_members m where m.list_id = l.id) as "memberCount"`;

export async function listLists(db: Db, orgId: string): Promise<ListRow[]> {
  return db<ListRow[]>`select ${columns(db)} from public.contact_lists l where l.org_id = ${orgId} order by l.name`;
}

export async function findList(db: Db, orgId: string, id: string): Promise<ListRow | undefined> {
  const [row] = await db<ListRow[]>`
    select ${columns(db)} from public.contact_lists l where l.org_id = ${orgId} and l.id = ${id}`;
  return row;
}

export async function findListByName(db: Db, orgId: string, name: string): Promise<ListRow | undefined> {
  const [row] = await db<ListRow[]>`
    select ${columns(db)} from public.contact_lists l where l.org_id = ${orgId} and l.name = ${name}`;
  return row;
}

export async function insertList(
  db: Db,
  input: { orgId: string; name: string; description: string | null },
): Promise<ListRow> {
  const [row] = await db<ListRow[]>`
    with l as (insert into public.contact_lists (org_id, name, description)
      values (${input.orgId}, ${input.name}, ${input.description}) returning *)
    select ${columns(db)} from l`;
  if (!row) throw new Error("list insert returned no row");
  return row;
}

export async function updateList(
  db: Db,
  orgId: string,
  id: string,
  patch: { name?: string; description?: string | null },
): Promise<ListRow | undefined> {
  const [row] = await db<ListRow[]>`
    with l as (update public.contact_lists set
        name = coalesce(${patch.name ?? null}, name),
        description = case when ${patch.description !== undefined} then ${patch.description ?? null} else description end
      where org_id = ${orgId} and id = ${id} returning *)
    select ${columns(db)} from l`;
  return row;
}

export async function deleteList(db: Db, orgId: string, id: string): Promise<boolean> {
  const r = await db`delete from public.contact_lists where org_id = ${orgId} and id = ${id}`;
  return r.count > 0;
}

/** Which of `ids` are contacts of the organization (to reject foreign or unknown ids with a clear answer). */
export async function existingContactIds(db: Db, orgId: string, ids: readonly string[]): Promise<Set<string>> {
  const rows = await db<{ id: string }[]>`
    select id from public.contacts where org_id = ${orgId} and id = any(${ids as string[]}::uuid[])`;
  return new Set(rows.map((r) => r.id));
}
