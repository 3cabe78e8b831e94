import type { TMessageState } from "@mirage/contracts/enums";
import type { Db } from "./client.ts";

// The send path's claims: a queued message taken for sending (one, or a batch for a direct lane) with everything the
// send module checks at send time read in the same statement, and claims handed back untouched.

export type SendWork = {
  id: number;
  orgId: string;
  instanceId: string;
  campaignId: string | null;
  contactId: string | null;
  recipientPhone: string | null;
  recipientLid: string | null;
  body: string;
  typingMs: number;
  state: TMessageState;
  /** The message this one quotes (a reply), or null: its WhatsApp id, whether the instance sent it, its text. */
  replyTo?: { id: string; fromMe: boolean; text: string } | null;
  /**
   * The recipient's stored on-WhatsApp answer (`wa_id_lookups`, any age; `checkedAt` an ISO time), or null when none
   * is stored, read with the claim so the send module need not read it in a transaction of its own. Absent when the
   * work was not read by a claim.
   */
  waLookup?: { onWhatsApp: boolean; jid: string | null; lid: string | null; checkedAt: string } | null;
  /**
   * The instance's stored Signal key mapping the recipient's number to its LID (`wa_auth_keys`, type `lid-mapping`,
   * id the number's digits), as stored — encrypted, `ciphertext` base64 — or null when there is none: read with the
   * claim, so a first message's on-WhatsApp check (where Baileys looks it up) needs no read of its own. Absent when
   * the work was not read by a claim.
   */
  lidMappingKey?: { keyId: string; ciphertext: string } | null;
};

const workColumns = (db: Db) => db`
  id, org_id as "orgId", instance_id as "instanceId", campaign_id as "campaignId", contact_id as "contactId",
  recipient_phone as "recipientPhone", recipient_lid as "recipientLid", body, typing_ms as "typingMs", state,
  case when reply_to_wa_id is null then null
       else json_build_object('id', reply_to_wa_id, 'fromMe', reply_to_from_me, 'text', reply_to_text) end
    as "replyTo",
  (select json_build_object('onWhatsApp', l.on_whatsapp, 'jid', l.wa_jid, 'lid', l.wa_lid, 'checkedAt', l.checked_at)
     from public.wa_id_lookups l where l.phone_e164 = recipient_phone) as "waLookup",
  (select json_build_object('keyId', k.key_id, 'ciphertext', encode(k.ciphertext, 'base64'))
     from public.wa_auth_keys k
     where k.instance_id = m.instance_id and k.type = 'lid-mapping' and k.id = ltrim(m.recipient_phone, '+'))
    as "lidMappingKey"`;

/**
 * Service work: claims one message for sending — a given one (`messageId`, the campaign engine's chain) or the next
 * due direct message (API and inbox, `campaign_id is null`) of the instance, oldest first. SKIP LOCKED: two claimers
 * never take the same row nor wait for each other. Undefined when nothing is due. `block` is the blacklist/consent
 * verdict read in the same statement (null: may be sent).
 */
export async function claimForSend(
  db: Db,
  input: { instanceId: string; messageId?: number; now?: Date },
): Promise<(SendWork & { block: SendBlock | null }) | undefined> {
  const pick = input.messageId
    ? db`select id from public.outbound_messages
         where id = ${input.messageId} and instance_id = ${input.instanceId} and state = 'queued'
         for update skip locked`
    : db`select id from public.outbound_messages
         where instance_id = ${input.instanceId} and state = 'queued' and campaign_id is null
           and scheduled_at <= ${input.now ?? new Date()}
         order by scheduled_at, id limit 1
         for update skip locked`;
  const [row] = await db<(SendWork & { block: SendBlock | null })[]>`
    update public.outbound_messages m set state = 'claimed' where id = (${pick})
    returning ${workColumns(db)}, (${blockOfRow(db)}) as block`;
  return row;
}

/**
 * Service work, the direct lane's claim: up to `limit` due direct messages (API and inbox, `campaign_id is null`) of
 * the instance in one statement, oldest first, each with its blacklist/consent `block` verdict (as `claimForSend`).
 * SKIP LOCKED as there. The caller sends them in order and must hand back (`releaseClaims`) the ones it does not
 * send; a crash leaves them `claimed`, which recovery requeues — nothing of them was written.
 */
export async function claimDirectBatch(
  db: Db,
  input: { instanceId: string; limit: number; now?: Date },
): Promise<(SendWork & { block: SendBlock | null })[]> {
  const rows = await db<(SendWork & { block: SendBlock | null })[]>`
    update public.outbound_messages m set state = 'claimed'
    where m.id in (
      select id from public.outbound_messages
      where instance_id = ${input.instanceId} and state = 'queued' and campaign_id is null
        and scheduled_at <= ${input.now ?? new Date()}
      order by scheduled_at, id limit ${input.limit}
      for update skip locked)
    returning ${workColumns(db)}, (${blockOfRow(db)}) as block, scheduled_at as "scheduledAt"`;
  // UPDATE … RETURNING does not keep the subquery's order: sort back to queue order (messages leave as queued).
  const ordered = (rows as (SendWork & { block: SendBlock | null; scheduledAt?: Date })[]).sort(
    (a, b) => (a.scheduledAt?.getTime() ?? 0) - (b.scheduledAt?.getTime() ?? 0) || a.id - b.id,
  );
  for (const row of ordered) delete row.scheduledAt;
  return ordered;
}

/** Service work: claimed messages go back to the queue untouched (a lane stopping with part of its batch unsent). */
export async function releaseClaims(db: Db, ids: number[]): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await db`
    update public.outbound_messages set state = 'queued' where id = any(${ids}::bigint[]) and state = 'claimed'`;
  return result.count;
}

/** Why a recipient must not be messaged now: blacklisted (phone or LID), or consent withdrawn on the contact. */
export type SendBlock = "blacklisted" | "opted_out";

/**
 * The blacklist and consent verdict for the claimed row `m`, read in the claim's own statement: the send module
 * checks at send time without a second round trip. The same function as `findSendBlock`
 * (@mirage/db/messaging-settings): any form of the number (Brazil's ninth digit), its LID, an erased person's hash.
 */
const blockOfRow = (db: Db) => db`
  select private.send_block(m.org_id, m.recipient_phone, m.recipient_lid, m.contact_id)`;

/** Service work: a claimed message goes back to the queue untouched (the instance cannot send right now). */
export async function releaseClaim(db: Db, id: number): Promise<boolean> {
  const result = await db`update public.outbound_messages set state = 'queued' where id = ${id} and state = 'claimed'`;
  return result.count === 1;
}
