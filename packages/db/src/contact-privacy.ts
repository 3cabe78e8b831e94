import { hashBlacklistForErasure } from "./blacklist.ts";
import type { Db } from "./client.ts";
import { scrubAuditEntries, scrubSegments } from "./erasure-quotes.ts";
import { deletePersonKeys } from "./wa-auth.ts";

/** Consent evidence and the LGPD operations on one contact: the full export and the erasure. */

export type ConsentEventRow = {
  id: number;
  state: "unknown" | "opted_in" | "opted_out";
  source: string;
  evidence: string | null;
  createdBy: string | null;
  createdAt: Date;
};

/** Records consent (as the user: RLS lets marketers and up) and sets the contact's current state. */
export async function recordConsent(
  db: Db,
  input: { orgId: string; contactId: string; state: "opted_in" | "opted_out"; source: string; evidence: string | null },
): Promise<ConsentEventRow> {
  const [row] = await db<ConsentEventRow[]>`
    insert into public.contact_consent_events (org_id, contact_id, state, source, evidence, created_by)
    values (${input.orgId}, ${input.contactId}, ${input.state}, ${input.source}, ${input.evidence},
            nullif(current_setting('request.jwt.claims', true)::jsonb ->> 'sub', '')::uuid)
    returning id, state, source, evidence, created_by as "createdBy", created_at as "createdAt"`;
  if (!row) throw new Error("consent insert returned no row");
  await db`
    update public.contacts set consent_state = ${input.state}, consent_source = ${input.source},
      consent_at = ${row.createdAt},
      opted_out_at = case when ${input.state} = 'opted_out' then coalesce(opted_out_at, ${row.createdAt}) else null end
    where org_id = ${input.orgId} and id = ${input.contactId}`;
  return row;
}

export async function listConsentEvents(db: Db, orgId: string, contactId: string): Promise<ConsentEventRow[]> {
  return db<ConsentEventRow[]>`
    select id, state, source, evidence, created_by as "createdBy", created_at as "createdAt"
    from public.contact_consent_events where org_id = ${orgId} and contact_id = ${contactId} order by id`;
}

/**
 * Who a data-subject request is about, and how to recognise them in rows that do not point at the contact.
 * `phones` are the contact's own numbers (E.164); `forms` every form of them WhatsApp treats as the same line (the
 * numbers themselves and, for a Brazilian mobile, the one with or without the ninth digit); `nationalNumbers` the
 * national significant digits of `forms`, to find the number in a raw import cell however it was written.
 */
export type PrivacyTarget = {
  id: string;
  phones: string[];
  forms: string[];
  waLid: string | null;
  nationalNumbers: string[];
};

/**
 * Everything held about one contact, for a data-subject access request: the row's lists, messages both ways
 * (matched by contact id, by any form of its numbers or by its LID), its conversations with their internal notes,
 * the import errors quoting its number, blacklist entries naming its numbers or LID. The same rows erasure removes.
 */
export async function exportContactData(db: Db, orgId: string, t: PrivacyTarget): Promise<Record<string, unknown>> {
  const conversations = await db<{ id: string }[]>`
    select c.id, c.instance_id as "instanceId", c.peer_phone as "peerPhone", c.peer_lid as "peerLid",
      c.peer_name as "peerName", c.status, c.tags, c.last_message_at as "lastMessageAt", c.created_at as "createdAt",
      coalesce((select jsonb_agg(jsonb_build_object('id', n.id, 'authorId', n.author_id, 'body', n.body,
                  'createdAt', n.created_at) order by n.id)
                from public.conversation_notes n where n.org_id = c.org_id and n.conversation_id = c.id), '[]') as notes
    from public.conversations c
    where c.org_id = ${orgId} and (c.contact_id = ${t.id} or c.peer_phone = any(${t.forms}::text[])
      or (${t.waLid}::text is not null and c.peer_lid = ${t.waLid}))
    order by c.created_at, c.id`;
  const conversationIds = conversations.map((c) => c.id);
  const [lists, outbound, inbound, importErrors, blacklist] = await Promise.all([
    db`select l.id, l.name, m.added_at as "addedAt" from public.contact_list_members m
       join public.contact_lists l on l.id = m.list_id where m.org_id = ${orgId} and m.contact_id = ${t.id}
       order by l.name`,
    db`select id, campaign_id as "campaignId", recipient_phone as "recipientPhone", recipient_lid as "recipientLid",
         state, body, skip_reason as "skipReason", queued_at as "queuedAt", sent_at as "sentAt",
         delivered_at as "deliveredAt", read_at as "readAt", failed_at as "failedAt"
       from public.outbound_messages where org_id = ${orgId} and ${outboundMatch(db, t)}
       order by id`,
    db`select id, conversation_id as "conversationId", from_phone as "fromPhone", from_lid as "fromLid",
         push_name as "pushName", message_type as "messageType", body, is_opt_out as "isOptOut",
         received_at as "receivedAt"
       from public.inbound_messages where org_id = ${orgId} and ${inboundMatch(db, t, conversationIds)}
       order by id`,
    db`select e.import_id as "importId", e.line, e.column_name as column, e.raw, e.reason
       from public.contact_import_errors e where e.org_id = ${orgId} and ${importErrorMatch(db, t)}
       order by e.import_id, e.line`,
    db`select id, phone_e164 as phone, wa_lid as "waLid", source, reason, created_at as "createdAt"
       from public.blacklist where org_id = ${orgId}
         and (phone_e164 = any(${t.forms}::text[]) or (${t.waLid}::text is not null and wa_lid = ${t.waLid}))`,
  ]);
  return {
    lists,
    outboundMessages: outbound,
    inboundMessages: inbound,
    conversations,
    importErrors,
    blacklist,
  };
}

/**
 * Service: the person's edits and deletions still waiting for the message they change (an edit's new text is
 * theirs too), for the access request — the table is the service's only, so members' transactions cannot read it.
 */
export async function exportPendingChanges(
  db: Db,
  orgId: string,
  t: PrivacyTarget,
): Promise<Record<string, unknown>[]> {
  return db`
    select instance_id as "instanceId", wa_message_id as "waMessageId", change, body, at
    from public.inbound_pending_changes
    where org_id = ${orgId}
      and (from_phone = any(${t.forms}::text[]) or (${t.waLid}::text is not null and from_lid = ${t.waLid}))
    order by at, id`;
}

const outboundMatch = (db: Db, t: PrivacyTarget) => db`(contact_id = ${t.id}
  or recipient_phone = any(${t.forms}::text[]) or (${t.waLid}::text is not null and recipient_lid = ${t.waLid}))`;

// A conversation's messages are the person's even when they came from a LID Mirage had not tied to the contact.
const inboundMatch = (db: Db, t: PrivacyTarget, conversationIds: string[]) => db`(contact_id = ${t.id}
  or from_phone = any(${t.forms}::text[]) or (${t.waLid}::text is not null and from_lid = ${t.waLid})
  or conversation_id = any(${conversationIds}::uuid[]))`;

// The number as written in the file ("(11) 97600-0001", "+55 11 …"): its national digits inside the cell's digits.
// Eight digits at least, so that a short number cannot match inside unrelated cells.
const importErrorMatch = (db: Db, t: PrivacyTarget) => db`(e.raw is not null and exists (
  select 1 from unnest(${t.nationalNumbers}::text[]) n
  where length(n) >= 8 and position(n in regexp_replace(e.raw, '[^0-9]', '', 'g')) > 0))`;

/** Rows removed by {@link eraseContact}, per kind. */
export type ErasureCounts = {
  messages: number;
  conversations: number;
  notes: number;
  consentEvents: number;
  listMemberships: number;
  importErrors: number;
  webhookDeliveries: number;
  waIdLookups: number;
  /** Encryption keys the organization's numbers kept for the person (see `personKeyUsers`). */
  signalKeys: number;
  /** Saved segments whose filter or description quoted the person (kept, the quote replaced). */
  segments: number;
  /** Audit entries whose label or detail quoted the person (kept, the quote replaced). */
  auditEntries: number;
};

/**
 * Erases one contact (LGPD Art. 18): the contact (its consent history and list memberships cascade), its messages
 * both ways (and their edits still waiting for a message), its conversations and their internal notes, import errors quoting its number, webhook deliveries
 * carrying any of it, and the on-WhatsApp lookup of its number when no other organization holds that number.
 * Blacklist entries naming it become salted hashes (`hashBlacklistForErasure`), so an opt-out survives. Rows that
 * only quote it stay with the quote replaced: saved segments' filters and audit entries (see erasure-quotes.ts);
 * `eraseAuditId`, the erasure's own audit entry, lends its actor and request to the segments' change entries.
 *
 * Runs inside the caller's transaction, after the caller checked the user's role in this organization and wrote
 * the audit row: it switches the transaction to `service_role` for the rest of it, because most of these rows are
 * system-written and users cannot delete them. One transaction: the person is erased entirely or not at all.
 * Everything is scoped to `orgId` except the lookup cache, which is shared by every organization. `keyUsers` (not a
 * count): the user parts naming the person in Signal key ids, for the workers hosting the organization's numbers to
 * drop from memory once this commits.
 */
export async function eraseContact(
  db: Db,
  orgId: string,
  t: PrivacyTarget,
  reason: string,
  eraseAuditId: number | null = null,
): Promise<ErasureCounts & { keyUsers: string[] }> {
  await db`select set_config('request.jwt.claims', '{"role":"service_role"}', true),
    set_config('role', 'service_role', true)`;
  await hashBlacklistForErasure(db, orgId, { phones: t.phones, waLid: t.waLid, reason });
  const conversations = await db<{ id: string }[]>`
    select id from public.conversations where org_id = ${orgId} and (contact_id = ${t.id}
      or peer_phone = any(${t.forms}::text[]) or (${t.waLid}::text is not null and peer_lid = ${t.waLid}))`;
  const conversationIds = conversations.map((c) => c.id);
  const outbound = await db<{ id: number }[]>`
    delete from public.outbound_messages where org_id = ${orgId} and ${outboundMatch(db, t)} returning id`;
  const inbound = await db<{ id: number }[]>`
    delete from public.inbound_messages where org_id = ${orgId} and ${inboundMatch(db, t, conversationIds)}
    returning id`;
  // Their edits and deletions still waiting for a message (an edit's new text is theirs too): counted as messages.
  const pending = await db`
    delete from public.inbound_pending_changes where org_id = ${orgId}
      and (from_phone = any(${t.forms}::text[]) or (${t.waLid}::text is not null and from_lid = ${t.waLid}))`;
  const [owned] = await db<{ notes: number; consent: number; lists: number }[]>`
    select (select count(*) from public.conversation_notes
             where org_id = ${orgId} and conversation_id = any(${conversationIds}::uuid[]))::int as notes,
           (select count(*) from public.contact_consent_events where org_id = ${orgId} and contact_id = ${t.id})::int
             as consent,
           (select count(*) from public.contact_list_members where org_id = ${orgId} and contact_id = ${t.id})::int
             as lists`;
  // Notes cascade with their conversation; consent events and list memberships with the contact.
  await db`delete from public.conversations where org_id = ${orgId} and id = any(${conversationIds}::uuid[])`;
  await db`delete from public.contacts where org_id = ${orgId} and id = ${t.id}`;
  const importErrors = await db`
    delete from public.contact_import_errors e where e.org_id = ${orgId} and ${importErrorMatch(db, t)}`;
  // The Signal keys the organization's numbers keep for the person (`wa_auth_keys`): their values are encrypted, but
  // their ids name the number or LID in clear (`5511987650001.0`, `76100001_1.3`). The workers hosting the numbers
  // drop their in-memory copies afterwards (`keyUsers`, the caller's forget-person commands).
  const keyUsers = await personKeyUsers(db, t);
  const signalKeys = await deletePersonKeys(db, { orgId }, keyUsers);
  // A shared cache (not tenant data): kept while another organization holds the number as a contact, or blocks
  // the LID it maps to (its send-time check learns the LID from here); otherwise it goes with the person.
  const lookups = await db`
    delete from public.wa_id_lookups l where l.phone_e164 = any(${t.forms}::text[])
      and not exists (select 1 from public.contacts c where c.phone_e164 = any(private.phone_variants(l.phone_e164)))
      and not exists (select 1 from public.blacklist b where l.wa_lid is not null and b.wa_lid = l.wa_lid)`;
  const deliveries = await deleteWebhookDeliveries(db, orgId, t, {
    conversationIds,
    inbound: inbound.map((m) => String(m.id)),
    outbound: outbound.map((m) => String(m.id)),
  });
  const segments = await scrubSegments(db, orgId, t, eraseAuditId);
  // Last: the segments' change entries just written must not quote the person either (they carry no value).
  const auditEntries = await scrubAuditEntries(db, orgId, t);
  return {
    messages: outbound.length + inbound.length + pending.count,
    conversations: conversationIds.length,
    notes: owned?.notes ?? 0,
    consentEvents: owned?.consent ?? 0,
    listMemberships: owned?.lists ?? 0,
    importErrors: importErrors.count,
    webhookDeliveries: deliveries,
    waIdLookups: lookups.count,
    signalKeys,
    keyUsers,
    segments,
    auditEntries,
  };
}

/**
 * The user parts of every JID that names the person (see `signalKeyUser`): their numbers in every form and their
 * LID (the contact's, or the one the lookup cache learned). Must run before that cache is deleted.
 */
async function personKeyUsers(db: Db, t: PrivacyTarget): Promise<string[]> {
  const lookups = await db<{ lid: string }[]>`
    select wa_lid as lid from public.wa_id_lookups where phone_e164 = any(${t.forms}::text[]) and wa_lid is not null`;
  return [
    ...new Set([
      ...t.forms.map((f) => f.replace(/^\+/, "")),
      ...[t.waLid, ...lookups.map((l) => l.lid)].flatMap((lid) => (lid ? [lid.split("@")[0] ?? ""] : [])),
    ]),
  ].filter((u) => u.length > 0);
}

/**
 * Webhook deliveries carrying the person, whatever their status: undelivered ones would send the data out after
 * the erasure, delivered ones are copies of it kept for the delivery log. Recognised by any string in the payload
 * equal to one of the person's numbers, LID, contact or conversation ids, or by the id of a message just deleted
 * (a status event for a message sent by LID names no number). Run last: the blacklist change above wrote a
 * `blacklist:changed` delivery naming the number, which must not leave either.
 */
async function deleteWebhookDeliveries(
  db: Db,
  orgId: string,
  t: PrivacyTarget,
  ids: { conversationIds: string[]; inbound: string[]; outbound: string[] },
): Promise<number> {
  const needles = [...t.forms, ...(t.waLid ? [t.waLid] : []), t.id, ...ids.conversationIds];
  // Scans the organization's deliveries: erasure is rare, and a payload has no index to search it by.
  const r = await db`
    delete from public.webhook_deliveries d where d.org_id = ${orgId} and (
      (d.event_type = 'message:inbound' and d.payload ->> 'messageId' = any(${ids.inbound}::text[]))
      or (d.event_type = 'message:status' and d.payload ->> 'messageId' = any(${ids.outbound}::text[]))
      or jsonb_path_exists(d.payload, 'strict $.** ? (@.type() == "string" && @ == $n[*])',
                           jsonb_build_object('n', to_jsonb(${needles}::text[]))))`;
  return r.count;
}
