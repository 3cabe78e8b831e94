import type { Db } from "./client.ts";

/** Message templates: a body and its variations (see @mirage/templates for the syntax). */
export type TemplateRow = {
  id: string;
  name: string;
  body: string;
  variations: string[];
  createdAt: Date;
  updatedAt: Date;
};

const columns = (db: Db) => db`id, name, body, variations, created_at as "createdAt", updated_at as "updatedAt"`;

export async function listTemplates(db: Db, orgId: string): Promise<TemplateRow[]> {
  return db<TemplateRow[]>`select ${columns(db)} from public.message_templates where org_id = ${orgId} order by name`;
}

export async function findTemplate(db: Db, orgId: string, id: string): Promise<TemplateRow | undefined> {
  const [row] = await db<TemplateRow[]>`
    select ${columns(db)} from public.message_templates where org_id = ${orgId} and id = ${id}`;
  return row;
}

export async function insertTemplate(
  db: Db,
  input: { orgId: string; name: string; body: string; variations: string[]; createdBy: string | null },
): Promise<TemplateRow> {
  const [row] = await db<TemplateRow[]>`
    insert into public.message_templates (org_id, name, body, variations, created_by)
    values (${input.orgId}, ${input.name}, ${input.body}, ${input.variations}::text[], ${input.createdBy})
    returning ${columns(db)}`;
  if (!row) throw new Error("template insert returned no row");
  return row;
}

export async function updateTemplate(
  db: Db,
  orgId: string,
  id: string,
  patch: { name?: string; body?: string; variations?: string[] },
): Promise<TemplateRow | undefined> {
  const [row] = await db<TemplateRow[]>`
    update public.message_templates set
      name = coalesce(${patch.name ?? null}, name),
      body = coalesce(${patch.body ?? null}, body),
      variations = coalesce(${patch.variations ?? null}::text[], variations)
    where org_id = ${orgId} and id = ${id}
    returning ${columns(db)}`;
  return row;
}

export async function deleteTemplate(db: Db, orgId: string, id: string): Promise<boolean> {
  const r = await db`delete from public.message_templates where org_id = ${orgId} and id = ${id}`;
  return r.count > 0;
}
