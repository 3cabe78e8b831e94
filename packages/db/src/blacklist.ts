import type { TBlacklistSource } from "@mirage/contracts/enums";
import type { Db } from "./client.ts";

/**
 * The blacklist: entries by phone (E.164), by WhatsApp LID, or — for an erased contact — by a salted hash of the
 * number. An entry by LID also blocks the phone that LID is known to map to, and the reverse; the mapping is what
 * Mirage has seen (contacts' wa_lid, inbound messages' from_lid/from_phone).
 */

export type BlacklistRow = {
  id: string;
  phone: string | null;
  waLid: string | null;
  hashed: boolean;
  source: TBlacklistSource;
  reason: string | null;
  createdAt: Date;
};

const columns = (db: Db) => db`
  id, phone_e164 as phone, wa_lid as "waLid", phone_hash is not null as hashed, source, reason,
  created_at as "createdAt"`;

export async function listBlacklist(
  db: Db,
  input: { orgId: string; source?: TBlacklistSource; limit: number; after?: { at: Date; id: string } },
): Promise<BlacklistRow[]> {
  return db<BlacklistRow[]>`
    select ${columns(db)} from public.blacklist
    where org_id = ${input.orgId}
      ${input.source ? db`and source = ${input.source}` : db``}
      ${input.after ? db`and (created_at, id) < (${input.after.at}, ${input.after.id}::uuid)` : db``}
    order by created_at desc, id desc limit ${input.limit}`;
}

export function cursorBlacklist(db: Db, orgId: string): AsyncIterable<BlacklistRow[]> {
  return db<BlacklistRow[]>`
    select ${columns(db)} from public.blacklist where org_id = ${orgId} order by created_at, id`.cursor(1000);
}

export async function findBlacklistEntry(db: Db, orgId: string, id: string): Promise<BlacklistRow | undefined> {
  const [row] = await db<
    BlacklistRow[]
  >`select ${columns(db)} from public.blacklist where org_id = ${orgId} and id = ${id}`;
  return row;
}

export type NewBlacklistEntry = {
  phone: string | null;
  waLid: string | null;
  source: TBlacklistSource;
  reason: string | null;
};

/**
 * Adds entries, skipping those already present (same phone or same LID). An entry giving both a phone and a LID
 * that exist as two separate entries is also "existing".
 * @returns how many were added and how many existed; the added rows.
 */
export async function addBlacklistEntries(
  db: Db,
  orgId: string,
  entries: readonly NewBlacklistEntry[],
  createdBy: string | null,
): Promise<{ added: BlacklistRow[]; existing: number }> {
  if (entries.length === 0) return { added: [], existing: 0 };
  const added = await db<BlacklistRow[]>`
    with input as (
      select distinct on (coalesce(t.phone, ''), coalesce(t."waLid", '')) t.*
      from jsonb_to_recordset(${db.json(entries as never)}::jsonb)
        as t(phone text, "waLid" text, source public.blacklist_source, reason text)
    ), fresh as (
      select i.* from input i
      where not exists (select 1 from public.blacklist b where b.org_id = ${orgId}
        and ((i.phone is not null and b.phone_e164 = i.phone) or (i."waLid" is not null and b.wa_lid = i."waLid")))
    )
    insert into public.blacklist (org_id, phone_e164, wa_lid, source, reason, created_by)
    select ${orgId}, phone, "waLid", source, reason, ${createdBy} from fresh
    on conflict do nothing
    returning ${columns(db)}`;
  return { added, existing: entries.length - added.length };
}

export async function deleteBlacklistEntry(db: Db, orgId: string, id: string): Promise<boolean> {
  const r = await db`delete from public.blacklist where org_id = ${orgId} and id = ${id}`;
  return r.count > 0;
}

/**
 * The entries that block a recipient. `phones` should be every form WhatsApp may know the number by
 * (`whatsAppCandidates`); the LID and phone are each expanded through the mappings Mirage has seen, and the phones
 * and the LIDs are also compared by salted hash (entries of erased contacts).
 */
export async function blockingEntries(
  db: Db,
  orgId: string,
  target: { phones: readonly string[]; waLid?: string | null },
): Promise<string[]> {
  const phones = [...target.phones];
  const lid = target.waLid ?? null;
  const rows = await db<{ id: string }[]>`
    with lids as (
      select ${lid}::text as lid where ${lid}::text is not null
      union select wa_lid from public.contacts
        where org_id = ${orgId} and phone_e164 = any(${phones}::text[]) and wa_lid is not null
      union select from_lid from public.inbound_messages
        where org_id = ${orgId} and from_phone = any(${phones}::text[]) and from_lid is not null
    ), nums as (
      select unnest(${phones}::text[]) as phone
      union select phone_e164 from public.contacts where org_id = ${orgId} and wa_lid in (select lid from lids)
      union select from_phone from public.inbound_messages
        where org_id = ${orgId} and from_lid in (select lid from lids) and from_phone is not null
    )
    select b.id from public.blacklist b
    where b.org_id = ${orgId} and (
      b.phone_e164 in (select phone from nums)
      or b.wa_lid in (select lid from lids)
      or b.phone_hash in (select public.blacklist_phone_hash(${orgId}, phone) from nums
                          union select public.blacklist_phone_hash(${orgId}, lid) from lids))`;
  return rows.map((r) => r.id);
}

/** Salted hash of a number for the organization (see the migration's blacklist_phone_hash). */
export async function phoneHash(db: Db, orgId: string, phone: string): Promise<string> {
  const [row] = await db<{ h: string }[]>`select public.blacklist_phone_hash(${orgId}, ${phone}) as h`;
  if (!row) throw new Error("no hash");
  return row.h;
}

/**
 * Replaces the clear number and LID of every entry naming one of `phones` (in any form WhatsApp treats as the same
 * line, `private.phone_variants`) or `lid` by the salted hash of the number, and makes sure a hashed entry exists for
 * each phone and for the LID: what erasure keeps so an opt-out survives it, and what refuses a send to the person
 * (private.erased_recipient). One hash per given phone is enough: the checks hash every form of the number.
 */
export async function hashBlacklistForErasure(
  db: Db,
  orgId: string,
  target: { phones: readonly string[]; waLid: string | null; reason: string },
): Promise<number> {
  const phones = [...target.phones];
  // The hashed entry keeps the strongest reason it replaces (an opt-out stays an opt-out).
  const r = await db`
    with gone as (
      delete from public.blacklist b where b.org_id = ${orgId}
        and (b.phone_e164 in (select unnest(private.phone_variants(p)) from unnest(${phones}::text[]) p)
          or (${target.waLid}::text is not null and b.wa_lid = ${target.waLid}))
      returning b.source)
    insert into public.blacklist (org_id, phone_hash, source, reason)
    select ${orgId}, public.blacklist_phone_hash(${orgId}, p),
      coalesce((select source from gone order by source = 'opt_out' desc limit 1), 'manual'), ${target.reason}
    from unnest(${phones}::text[] || case when ${target.waLid}::text is null then '{}'::text[]
                                          else array[${target.waLid}::text] end) p
    on conflict (org_id, phone_hash) where phone_hash is not null do nothing`;
  return r.count;
}
