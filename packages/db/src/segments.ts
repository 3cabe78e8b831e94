import type { TSegmentFilter } from "@mirage/contracts/segments";
import type postgres from "postgres";
import type { Db } from "./client.ts";

/**
 * Saved segments and the one compiler from a segment filter to SQL: every condition becomes a parameterized
 * predicate on `public.contacts c` (no string building with values), so counts, pages, exports and the campaign
 * planner evaluate a segment identically, in Postgres, under the caller's RLS.
 */

export type SegmentRow = {
  id: string;
  name: string;
  description: string | null;
  filter: TSegmentFilter;
  createdAt: Date;
  updatedAt: Date;
};

const columns = (db: Db) => db`id, name, description, filter, created_at as "createdAt", updated_at as "updatedAt"`;

/** `and …` predicates on the alias `c` for a filter; an empty filter matches every contact. */
export function segmentPredicate(db: Db, f: TSegmentFilter): postgres.PendingQuery<postgres.Row[]> {
  const parts: postgres.PendingQuery<postgres.Row[]>[] = [];
  if (f.tagsAny) parts.push(db`and c.tags && ${f.tagsAny}::text[]`);
  if (f.tagsAll) parts.push(db`and c.tags @> ${f.tagsAll}::text[]`);
  if (f.tagsNone) parts.push(db`and not (c.tags && ${f.tagsNone}::text[])`);
  if (f.createdFrom) parts.push(db`and c.created_at >= ${f.createdFrom}::timestamptz`);
  if (f.createdTo) parts.push(db`and c.created_at < ${f.createdTo}::timestamptz`);
  for (const cf of f.customFields ?? []) {
    if (cf.op === "equals") parts.push(db`and c.custom_fields @> ${db.json({ [cf.key]: cf.value ?? "" })}`);
    else if (cf.op === "contains")
      parts.push(db`and c.custom_fields ->> ${cf.key} ilike ${`%${escapeLike(cf.value ?? "")}%`}`);
    else if (cf.op === "exists") parts.push(db`and coalesce(c.custom_fields ->> ${cf.key}, '') <> ''`);
    else parts.push(db`and coalesce(c.custom_fields ->> ${cf.key}, '') = ''`);
  }
  if (f.replied === true) parts.push(db`and c.last_inbound_at is not null`);
  if (f.replied === false) parts.push(db`and c.last_inbound_at is null`);
  if (f.lastMessageFrom)
    parts.push(db`and greatest(c.last_inbound_at, c.last_outbound_at) >= ${f.lastMessageFrom}::timestamptz`);
  if (f.lastMessageTo)
    parts.push(db`and greatest(c.last_inbound_at, c.last_outbound_at) < ${f.lastMessageTo}::timestamptz`);
  if (f.inListsAny)
    parts.push(db`and exists (select 1 from public.contact_list_members m
      where m.contact_id = c.id and m.list_id = any(${f.inListsAny}::uuid[]))`);
  if (f.notInLists)
    parts.push(db`and not exists (select 1 from public.contact_list_members m
      where m.contact_id = c.id and m.list_id = any(${f.notInLists}::uuid[]))`);
  if (f.consent) parts.push(db`and c.consent_state = any(${f.consent}::public.consent_state[])`);
  return parts.reduce((acc, p) => db`${acc} ${p}`, db``);
}

export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (m) => `\\${m}`);
}

/** Contacts matching a filter in one organization. */
export async function countSegment(db: Db, orgId: string, filter: TSegmentFilter): Promise<number> {
  const [row] = await db<{ n: number }[]>`
    select count(*)::int as n from public.contacts c where c.org_id = ${orgId} ${segmentPredicate(db, filter)}`;
  return row?.n ?? 0;
}

export async function listSegments(db: Db, orgId: string): Promise<SegmentRow[]> {
  return db<SegmentRow[]>`select ${columns(db)} from public.segments where org_id = ${orgId} order by name`;
}

export async function findSegment(db: Db, orgId: string, id: string): Promise<SegmentRow | undefined> {
  const [row] = await db<
    SegmentRow[]
  >`select ${columns(db)} from public.segments where org_id = ${orgId} and id = ${id}`;
  return row;
}

export async function insertSegment(
  db: Db,
  input: { orgId: string; name: string; description: string | null; filter: TSegmentFilter; createdBy: string | null },
): Promise<SegmentRow> {
  const [row] = await db<SegmentRow[]>`
    insert into public.segments (org_id, name, description, filter, created_by)
    values (${input.orgId}, ${input.name}, ${input.description}, ${db.json(input.filter as never)}, ${input.createdBy})
    returning ${columns(db)}`;
  if (!row) throw new Error("segment insert returned no row");
  return row;
}

export async function updateSegment(
  db: Db,
  orgId: string,
  id: string,
  patch: { name?: string; description?: string | null; filter?: TSegmentFilter },
): Promise<SegmentRow | undefined> {
  const [row] = await db<SegmentRow[]>`
    update public.segments set
      name = coalesce(${patch.name ?? null}, name),
      description = case when ${patch.description !== undefined} then ${patch.description ?? null} else description end,
      filter = coalesce(${patch.filter ? db.json(patch.filter as never) : null}::jsonb, filter)
    where org_id = ${orgId} and id = ${id}
    returning ${columns(db)}`;
  return row;
}

export async function deleteSegment(db: Db, orgId: string, id: string): Promise<boolean> {
  const r = await db`delete from public.segments where org_id = ${orgId} and id = ${id}`;
  return r.count > 0;
}
