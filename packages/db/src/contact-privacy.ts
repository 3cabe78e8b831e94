import type { Db } from "./client.ts";

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
 * Everything held about one contact, for a data-subject access request: the row, consent history, lists, messages
 * both ways (matched by contact id or by any of its numbers), blacklist entries naming its numbers or LID.
 */
export async function exportContactData(
  db: Db,
  orgId: string,
  contact: { id: string; phones: string[]; waLid: string | null },
): Promise<Record<string, unknown>> {
  const phones = contact.phones;
  const [lists, outbound, inbound, blacklist] = await Promise.all([
    db`select l.id, l.name, m.added_at as "addedAt" from public.contact_list_members m
       join public.contact_lists l on l.id = m.list_id where m.org_id = ${orgId} and m.contact_id = ${contact.id}
       order by l.name`,
    db`select id, campaign_id as "campaignId", recipient_phone as "recipientPhone", state, body,
         skip_reason as "skipReason", queued_at as "queuedAt", sent_at as "sentAt", delivered_at as "deliveredAt",
         read_at as "readAt", failed_at as "failedAt"
       from public.outbound_messages
       where org_id = ${orgId} and (contact_id = ${contact.id} or recipient_phone = any(${phones}::text[]))
       order by id`,
    db`select id, from_phone as "fromPhone", from_lid as "fromLid", message_type as "messageType", body,
         is_opt_out as "isOptOut", received_at as "receivedAt"
       from public.inbound_messages
       where org_id = ${orgId} and (contact_id = ${contact.id} or from_phone = any(${phones}::text[])
         or (${contact.waLid}::text is not null and from_lid = ${contact.waLid}))
       order by id`,
    db`select id, phone_e164 as phone, wa_lid as "waLid", source, reason, created_at as "createdAt"
       from public.blacklist where org_id = ${orgId}
         and (phone_e164 = any(${phones}::text[]) or (${contact.waLid}::text is not null and wa_lid = ${contact.waLid}))`,
  ]);
  return { lists, outboundMessages: outbound, inboundMessages: inbound, blacklist };
}

/**
 * Deletes the person's messages (service: users cannot delete message rows), matched as in the export.
 * @returns how many message rows were deleted.
 */
export async function deleteContactMessages(
  db: Db,
  orgId: string,
  contact: { id: string; phones: string[]; waLid: string | null },
): Promise<number> {
  const out = await db`
    delete from public.outbound_messages
    where org_id = ${orgId} and (contact_id = ${contact.id} or recipient_phone = any(${contact.phones}::text[]))`;
  const inb = await db`
    delete from public.inbound_messages
    where org_id = ${orgId} and (contact_id = ${contact.id} or from_phone = any(${contact.phones}::text[])
      or (${contact.waLid}::text is not null and from_lid = ${contact.waLid}))`;
  return out.count + inb.count;
}
