import type { TSegmentFilter } from "@mirage/contracts/segments";
import type postgres from "postgres";
import type { Db } from "./client.ts";
import { escapeLike, segmentPredicate } from "./segments.ts";

/** Contacts of one organization: CRUD, keyset pages, the import's batch upsert, consent, and LGPD erasure/export. */

export type ContactRow = {
  id: string;
  phone: string;
  altPhones: string[];
  waLid: string | null;
  name: string | null;
  customFields: Record<string, unknown>;
  tags: string[];
  lineType: string | null;
  consentState: "unknown" | "opted_in" | "opted_out";
  consentSource: string | null;
  consentAt: Date | null;
  optedOutAt: Date | null;
  lastInboundAt: Date | null;
  lastOutboundAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  /** Microseconds since the epoch of created_at: the keyset cursor (a Date would lose the microseconds). */
  createdUs: number;
};

export const contactColumns = (db: Db) => db`
  c.id, c.phone_e164 as phone, c.alt_phones as "altPhones", c.wa_lid as "waLid", c.name,
  c.custom_fields as "customFields", c.tags, c.line_type as "lineType", c.consent_state as "consentState",
  c.consent_source as "consentSource", c.consent_at as "consentAt", c.opted_out_at as "optedOutAt",
  c.last_inbound_at as "lastInboundAt", c.last_outbound_at as "lastOutboundAt", c.created_at as "createdAt",
  c.updated_at as "updatedAt", (extract(epoch from c.created_at) * 1000000)::int8 as "createdUs"`;

/** The keyset position of a contact in the newest-first list: `[created µs, id]` (made into a cursor by the API). */
export function contactPosition(row: Pick<ContactRow, "createdUs" | "id">): [number, string] {
  return [row.createdUs, row.id];
}

export type ContactQuery = {
  orgId: string;
  q?: string;
  tag?: string;
  listId?: string;
  filter?: TSegmentFilter;
  /** More conditions ANDed with `filter` (the contacts table's consent and replied filters). */
  also?: TSegmentFilter;
  limit: number;
  after?: { us: number; id: string };
};

/** Most contacts a search resolves by id; a term matching more is served by the newest-first scan instead. */
const SEARCH_ID_CAP = 500;

/** The search's parts: a lowered, LIKE-escaped name prefix, and the digits when there are 3 or more. */
function searchTerms(q: string): { namePrefix: string; digits: string | null } {
  const digits = q.replace(/\D/g, "");
  return { namePrefix: `${escapeLike(q.toLowerCase())}%`, digits: digits.length >= 3 ? digits : null };
}

/**
 * The ids of the contacts a search matches (name prefix, or digits anywhere in the number), through
 * private.search_contact_ids (indexed, for a caller who may read the organization's contacts); undefined when more
 * than SEARCH_ID_CAP match.
 */
async function searchContactIds(db: Db, orgId: string, q: string): Promise<string[] | undefined> {
  const { namePrefix, digits } = searchTerms(q);
  const rows = await db<{ id: string }[]>`
    select id from private.search_contact_ids(${orgId}, ${namePrefix}, ${digits}, ${SEARCH_ID_CAP + 1}) as id`;
  return rows.length > SEARCH_ID_CAP ? undefined : rows.map((r) => r.id);
}

function queryPredicate(db: Db, input: Omit<ContactQuery, "limit" | "after">, matched?: readonly string[]) {
  const parts: postgres.PendingQuery<postgres.Row[]>[] = [];
  if (input.q && matched) {
    parts.push(db`and c.id = any(${matched as string[]}::uuid[])`);
  } else if (input.q) {
    const { namePrefix, digits } = searchTerms(input.q);
    parts.push(
      digits
        ? db`and (lower(c.name) like ${namePrefix} or c.phone_e164 like ${`%${digits}%`})`
        : db`and lower(c.name) like ${namePrefix}`,
    );
  }
  if (input.tag) parts.push(db`and c.tags @> ${[input.tag]}::text[]`);
  if (input.listId)
    parts.push(db`and exists (select 1 from public.contact_list_members m
      where m.contact_id = c.id and m.list_id = ${input.listId})`);
  if (input.filter) parts.push(segmentPredicate(db, input.filter));
  if (input.also) parts.push(segmentPredicate(db, input.also));
  return parts.reduce((acc, p) => db`${acc} ${p}`, db``);
}

/**
 * One page, newest first: `limit + 1` rows at most, the extra one only proving that a next page exists (the API
 * makes its cursor from the last item's {@link contactPosition}); pass that position as `after` for the next page.
 * A search (`q`) first resolves the matching contacts by index (see searchContactIds), then reads them by id.
 */
export async function listContacts(db: Db, input: ContactQuery): Promise<ContactRow[]> {
  const after = input.after
    ? db`and (c.created_at, c.id) < ('epoch'::timestamptz + ${input.after.us} * interval '1 microsecond', ${input.after.id}::uuid)`
    : db``;
  const matched = input.q ? await searchContactIds(db, input.orgId, input.q) : undefined;
  return db<ContactRow[]>`
    select ${contactColumns(db)} from public.contacts c
    where c.org_id = ${input.orgId} ${queryPredicate(db, input, matched)} ${after}
    order by c.created_at desc, c.id desc limit ${input.limit + 1}`;
}

/** Every matching contact, in batches (for CSV exports that must not hold the set in memory). */
export function cursorContacts(
  db: Db,
  input: Omit<ContactQuery, "limit" | "after">,
  batch = 1000,
): AsyncIterable<ContactRow[]> {
  return db<ContactRow[]>`
    select ${contactColumns(db)} from public.contacts c
    where c.org_id = ${input.orgId} ${queryPredicate(db, input)}
    order by c.created_at, c.id`.cursor(batch);
}

export async function findContact(db: Db, orgId: string, id: string): Promise<ContactRow | undefined> {
  const [row] = await db<ContactRow[]>`
    select ${contactColumns(db)} from public.contacts c where c.org_id = ${orgId} and c.id = ${id}`;
  return row;
}

export async function findContactByPhone(db: Db, orgId: string, phone: string): Promise<ContactRow | undefined> {
  const [row] = await db<ContactRow[]>`
    select ${contactColumns(db)} from public.contacts c where c.org_id = ${orgId} and c.phone_e164 = ${phone}`;
  return row;
}

export async function insertContact(
  db: Db,
  input: {
    orgId: string;
    phone: string;
    lineType: string | null;
    name: string | null;
    customFields: Record<string, unknown>;
    tags: string[];
    waLid: string | null;
  },
): Promise<ContactRow> {
  const [row] = await db<ContactRow[]>`
    with c as (
      insert into public.contacts (org_id, phone_e164, line_type, name, custom_fields, tags, wa_lid)
      values (${input.orgId}, ${input.phone}, ${input.lineType}, ${input.name}, ${db.json(input.customFields as never)},
              ${input.tags}::text[], ${input.waLid})
      returning *)
    select ${contactColumns(db)} from c`;
  if (!row) throw new Error("contact insert returned no row");
  return row;
}

export async function updateContact(
  db: Db,
  orgId: string,
  id: string,
  patch: {
    phone?: string;
    lineType?: string | null;
    name?: string | null;
    customFields?: Record<string, unknown>;
    mergeCustomFields?: boolean;
    tags?: string[];
    waLid?: string | null;
  },
): Promise<ContactRow | undefined> {
  const has = (k: keyof typeof patch) => patch[k] !== undefined;
  const cf = patch.customFields ? db.json(patch.customFields as never) : null;
  const [row] = await db<ContactRow[]>`
    with c as (
      update public.contacts set
        phone_e164 = coalesce(${patch.phone ?? null}, phone_e164),
        line_type = case when ${has("phone")} then ${patch.lineType ?? null} else line_type end,
        name = case when ${has("name")} then ${patch.name ?? null} else name end,
        custom_fields = case
          when ${cf}::jsonb is null then custom_fields
          when ${patch.mergeCustomFields ?? false} then jsonb_strip_nulls(custom_fields || ${cf}::jsonb)
          else jsonb_strip_nulls(${cf}::jsonb) end,
        tags = coalesce(${patch.tags ?? null}::text[], tags),
        wa_lid = case when ${has("waLid")} then ${patch.waLid ?? null} else wa_lid end
      where org_id = ${orgId} and id = ${id}
      returning *)
    select ${contactColumns(db)} from c`;
  return row;
}

export async function deleteContact(db: Db, orgId: string, id: string): Promise<boolean> {
  const r = await db`delete from public.contacts where org_id = ${orgId} and id = ${id}`;
  return r.count > 0;
}

/** A contact as the import builds it. */
export type ContactUpsert = {
  phone: string;
  altPhones: string[];
  name: string | null;
  customFields: Record<string, string>;
  tags: string[];
  lineType: string | null;
};

/**
 * Inserts or merges a batch in one statement (the batch must not repeat a number: merge within the batch first).
 * A number already in the organization is updated, never duplicated: the name and custom fields given win, tags
 * and other numbers are added to what is there.
 * @returns per row: id, phone and whether it was inserted (false = merged into an existing contact).
 */
export async function upsertContacts(
  db: Db,
  orgId: string,
  rows: readonly ContactUpsert[],
): Promise<{ id: string; phone: string; inserted: boolean }[]> {
  if (rows.length === 0) return [];
  return db<{ id: string; phone: string; inserted: boolean }[]>`
    insert into public.contacts as c (org_id, phone_e164, alt_phones, name, custom_fields, tags, line_type)
    select ${orgId}, t.phone, coalesce(t."altPhones", '{}'), t.name, coalesce(t."customFields", '{}'),
           coalesce(t.tags, '{}'), t."lineType"
    from jsonb_to_recordset(${db.json(rows as never)}::jsonb)
      as t(phone text, "altPhones" text[], name text, "customFields" jsonb, tags text[], "lineType" text)
    on conflict (org_id, phone_e164) do update set
      name = coalesce(excluded.name, c.name),
      custom_fields = c.custom_fields || excluded.custom_fields,
      tags = case when excluded.tags <@ c.tags then c.tags
             else array(select distinct x from unnest(c.tags || excluded.tags) x order by x) end,
      alt_phones = case when excluded.alt_phones <@ c.alt_phones then c.alt_phones
             else array(select distinct x from unnest(c.alt_phones || excluded.alt_phones) x
                        where x <> c.phone_e164 order by x) end,
      line_type = coalesce(excluded.line_type, c.line_type)
    returning c.id, c.phone_e164 as phone, (c.xmax = 0) as inserted`;
}

export async function addToList(db: Db, orgId: string, listId: string, contactIds: readonly string[]): Promise<number> {
  if (contactIds.length === 0) return 0;
  const r = await db`
    insert into public.contact_list_members (list_id, contact_id, org_id)
    select ${listId}, id, ${orgId} from unnest(${contactIds as string[]}::uuid[]) id
    on conflict do nothing`;
  return r.count;
}

/**
 * How many contacts a query matches (the contacts table's "select all N matching"). A search resolves by index first,
 * as listContacts does: under RLS the LIKE of the scan cannot use the indexes.
 */
export async function countContacts(db: Db, input: Omit<ContactQuery, "limit" | "after">): Promise<number> {
  const matched = input.q ? await searchContactIds(db, input.orgId, input.q) : undefined;
  const [row] = await db<{ n: number }[]>`
    select count(*)::int as n from public.contacts c
    where c.org_id = ${input.orgId} ${queryPredicate(db, input, matched)}`;
  return row?.n ?? 0;
}

/**
 * Adds every contact a query matches to a list in one statement, so 100k contacts never travel as ids: `matched`
 * is the set seen by this statement, `added` those not members before (matched − added were there already).
 */
export async function addMatchingToList(
  db: Db,
  listId: string,
  input: Omit<ContactQuery, "limit" | "after">,
): Promise<{ matched: number; added: number }> {
  // The search resolves by index first, as a page and the count do: the same set, without the scan's LIKE.
  const found = input.q ? await searchContactIds(db, input.orgId, input.q) : undefined;
  const [row] = await db<{ matched: number; added: number }[]>`
    with m as (
      select c.id from public.contacts c where c.org_id = ${input.orgId} ${queryPredicate(db, input, found)}
    ), ins as (
      insert into public.contact_list_members (list_id, contact_id, org_id)
      select ${listId}, m.id, ${input.orgId} from m
      on conflict do nothing
      returning 1
    )
    select (select count(*) from m)::int as matched, (select count(*) from ins)::int as added`;
  return row ?? { matched: 0, added: 0 };
}

export async function removeFromList(
  db: Db,
  orgId: string,
  listId: string,
  contactIds: readonly string[],
): Promise<number> {
  const r = await db`
    delete from public.contact_list_members
    where org_id = ${orgId} and list_id = ${listId} and contact_id = any(${contactIds as string[]}::uuid[])`;
  return r.count;
}

/** Distinct custom field keys in use (for template warnings and mapping hints). */
export async function customFieldKeys(db: Db, orgId: string, sample = 5000): Promise<string[]> {
  const rows = await db<{ k: string }[]>`
    select distinct jsonb_object_keys(custom_fields) as k
    from (select custom_fields from public.contacts where org_id = ${orgId} limit ${sample}) s order by 1`;
  return rows.map((r) => r.k);
}

/** Contacts whose id is given, in the given order's set (for previews). */
export async function findContacts(db: Db, orgId: string, ids: readonly string[]): Promise<ContactRow[]> {
  return db<ContactRow[]>`
    select ${contactColumns(db)} from public.contacts c
    where c.org_id = ${orgId} and c.id = any(${ids as string[]}::uuid[]) order by c.created_at, c.id`;
}
