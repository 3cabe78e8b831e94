import type { TInboundMessageType } from "@mirage/contracts/enums";
import type { Db } from "./client.ts";
import type { QuotedMessage } from "./message-views.ts";

/** One inbound message (a text, or media with its caption) as the session host saw it, ready to store. */
export type InboundInput = {
  orgId: string;
  instanceId: string;
  waMessageId: string;
  /** The chat JID as WhatsApp addressed it (phone JID or LID). */
  fromJid: string;
  /** E.164 when the sender's number is known (phone JID, or the LID envelope's phone). */
  fromPhone: string | null;
  /** `<digits>@lid` when known. */
  fromLid: string | null;
  pushName: string | null;
  /** `text`, or the kind of media it is (recorded without its file). */
  messageType: TInboundMessageType;
  /** The text, or a media message's caption (empty without one). */
  body: string;
  /** A reply: the message it quotes (its WhatsApp id, whether the instance wrote it, its text); else null. */
  replyTo: QuotedMessage | null;
  receivedAt: Date;
  /** The opt-out word or phrase the text matched, when it did. */
  optOutPhrase: string | null;
};

/** A newly stored message (duplicates are left out) with what it was linked to. */
export type IngestedInbound = {
  inboundId: number;
  waMessageId: string;
  orgId: string;
  instanceId: string;
  conversationId: string | null;
  contactId: string | null;
  fromPhone: string | null;
  fromLid: string | null;
  inReplyToId: number | null;
  campaignId: string | null;
  optedOut: boolean;
  /** Waiting messages to this person cancelled by the opt-out. */
  cancelled: number;
};

/**
 * Service work: stores a batch of inbound messages in one round trip (see private.ingest_inbound): each WhatsApp id
 * once per instance, threaded into its conversation, linked to its contact and to the message it answers, opt-outs
 * applied, the message:inbound webhook written. Returns only the messages that were new.
 */
export async function ingestInbound(db: Db, messages: InboundInput[]): Promise<IngestedInbound[]> {
  if (messages.length === 0) return [];
  const payload = messages.map((m) => ({
    org_id: m.orgId,
    instance_id: m.instanceId,
    wa_message_id: m.waMessageId,
    from_jid: m.fromJid,
    from_phone: m.fromPhone,
    from_lid: m.fromLid,
    push_name: m.pushName,
    message_type: m.messageType,
    body: m.body,
    reply_to_wa_id: m.replyTo?.waMessageId ?? null,
    reply_to_from_me: m.replyTo?.fromMe ?? null,
    reply_to_text: m.replyTo?.text ?? null,
    received_at: m.receivedAt.toISOString(),
    opt_out_phrase: m.optOutPhrase,
  }));
  await reactedTexts(db, payload);
  return db<IngestedInbound[]>`
    select inbound_id as "inboundId", wa_message_id as "waMessageId", org_id as "orgId", instance_id as "instanceId",
      conversation_id as "conversationId", contact_id as "contactId", from_phone as "fromPhone", from_lid as "fromLid",
      in_reply_to_id as "inReplyToId", campaign_id as "campaignId", opted_out as "optedOut", cancelled
    from private.ingest_inbound(${db.json(payload)})`;
}

/**
 * A reaction carries no copy of the message it reacts to (a reply carries one): its `reply_to_text` is that
 * message's text as stored, so the timeline, the message:inbound webhook and Evolution's event say what was reacted
 * to (they said "" — "media without text" in the inbox — of a 👍 to a text). Fills `payload` in place.
 */
async function reactedTexts(
  db: Db,
  payload: {
    instance_id: string;
    message_type: string;
    reply_to_wa_id: string | null;
    reply_to_from_me: boolean | null;
    reply_to_text: string | null;
  }[],
): Promise<void> {
  const reactions = payload.flatMap((m, i) =>
    m.message_type === "reaction" && m.reply_to_wa_id && !m.reply_to_text
      ? [{ i, instance_id: m.instance_id, wa_id: m.reply_to_wa_id, from_me: m.reply_to_from_me === true }]
      : [],
  );
  if (reactions.length === 0) return;
  const rows = await db<{ i: number; text: string | null }[]>`
    select x.i, case when x.from_me
        then (select o.body from public.outbound_messages o
               where o.instance_id = x.instance_id and o.wa_message_id = x.wa_id limit 1)
        else (select m.body from public.inbound_messages m
               where m.instance_id = x.instance_id and m.wa_message_id = x.wa_id limit 1) end as text
      from jsonb_to_recordset(${db.json(reactions)}) as x(i int, instance_id uuid, wa_id text, from_me boolean)`;
  for (const r of rows) {
    const m = payload[r.i];
    if (m && r.text) m.reply_to_text = r.text.slice(0, 4096);
  }
}

/** Service work: the org of each instance, for tagging inbound messages (the session port knows only the id). */
export async function instanceOrgs(db: Db, instanceIds: string[]): Promise<Map<string, string>> {
  if (instanceIds.length === 0) return new Map();
  const rows = await db<{ id: string; orgId: string }[]>`
    select id, org_id as "orgId" from public.instances where id = any(${instanceIds}::uuid[])`;
  return new Map(rows.map((r) => [r.id, r.orgId]));
}

/** Replies to a campaign since a moment (the campaign engine's stop-on-reply). */
export async function countCampaignReplies(
  db: Db,
  input: { campaignId: string; since?: Date; phone?: string },
): Promise<number> {
  const [row] = await db<{ n: number }[]>`
    select count(*)::int as n from public.inbound_messages
    where campaign_id = ${input.campaignId}
      ${input.since ? db`and received_at >= ${input.since}` : db``}
      ${input.phone ? db`and from_phone = ${input.phone}` : db``}`;
  return row?.n ?? 0;
}

/** Service: what the realtime relay says about a new inbound message (ids only; clients re-read through RLS). */
export async function findInboundEvent(
  db: Db,
  id: number,
): Promise<
  | {
      orgId: string;
      instanceId: string;
      conversationId: string | null;
      contactId: string | null;
      campaignId: string | null;
      optOut: boolean;
    }
  | undefined
> {
  const [row] = await db<
    {
      orgId: string;
      instanceId: string;
      conversationId: string | null;
      contactId: string | null;
      campaignId: string | null;
      optOut: boolean;
    }[]
  >`
    select org_id as "orgId", instance_id as "instanceId", conversation_id as "conversationId",
      contact_id as "contactId", campaign_id as "campaignId", is_opt_out as "optOut"
    from public.inbound_messages where id = ${id}`;
  return row;
}

/** A received message as read receipts need it: the chat WhatsApp addressed it from, and its conversation. */
export type InboundRef = { id: number; waMessageId: string; fromJid: string; conversationId: string | null };

/**
 * The received messages of one instance with these WhatsApp ids (under the caller's RLS: another organization's are
 * never found). At most 200 ids.
 */
export async function findInboundByWaIds(
  db: Db,
  input: { orgId: string; instanceId: string; waMessageIds: string[] },
): Promise<InboundRef[]> {
  if (input.waMessageIds.length === 0) return [];
  return db<InboundRef[]>`
    select id, wa_message_id as "waMessageId", from_jid as "fromJid", conversation_id as "conversationId"
    from public.inbound_messages
    where org_id = ${input.orgId} and instance_id = ${input.instanceId}
      and wa_message_id = any(${input.waMessageIds.slice(0, 200)}::text[])`;
}

/** A sender's edit of a message they sent, or its deletion for everyone, as the session host saw it. */
export type InboundChange = {
  instanceId: string;
  /** The WhatsApp id of the message changed. */
  waMessageId: string;
  /** Who asks (E.164 / `<digits>@lid`): only their own message in their own chat is changed. */
  fromPhone: string | null;
  fromLid: string | null;
  change: "edited" | "deleted";
  /** An edit's new text. */
  body?: string;
  at: Date;
  /** The opt-out word or phrase an edit's new text matched, when it did: the person is opted out as by a reply. */
  optOutPhrase?: string | null;
};

/**
 * Service work: applies edits and deletions in one round trip (see private.apply_inbound_changes): an edit replaces
 * the text, a deletion empties it; the thread's preview follows, and `message:updated` webhooks are written. Answers
 * the messages changed (a replay or a forged id changes nothing). A change naming a message not stored yet (a
 * history replay delivered it first) waits for it, bounded, and {@link ingestInbound} applies it when it arrives.
 */
export async function applyInboundChanges(
  db: Db,
  changes: InboundChange[],
): Promise<{ inboundId: number; orgId: string; instanceId: string; conversationId: string | null; change: string }[]> {
  if (changes.length === 0) return [];
  const payload = changes.map((c) => ({
    instance_id: c.instanceId,
    wa_message_id: c.waMessageId,
    from_phone: c.fromPhone,
    from_lid: c.fromLid,
    change: c.change,
    body: c.body ?? null,
    at: c.at.toISOString(),
    opt_out_phrase: c.optOutPhrase ?? null,
  }));
  return db`
    select inbound_id as "inboundId", org_id as "orgId", instance_id as "instanceId",
           conversation_id as "conversationId", change
    from private.apply_inbound_changes(${db.json(payload)})`;
}

/** A message of a conversation as a reaction needs it: the chat JID WhatsApp addressed it from, and its id. */
export async function findConversationInbound(
  db: Db,
  input: { orgId: string; conversationId: string; waMessageId: string },
): Promise<{ id: number; instanceId: string; fromJid: string; deleted: boolean } | undefined> {
  const [row] = await db<{ id: string; instanceId: string; fromJid: string; deleted: boolean }[]>`
    select id, instance_id as "instanceId", from_jid as "fromJid", deleted_at is not null as deleted
    from public.inbound_messages
    where org_id = ${input.orgId} and conversation_id = ${input.conversationId} and wa_message_id = ${input.waMessageId}
      and message_type <> 'reaction'`;
  return row ? { ...row, id: Number(row.id) } : undefined;
}

/**
 * Service work: records the instance's own reaction to a received message once WhatsApp took it (null: taken back)
 * with the reaction message's WhatsApp id (`waMessageId`, for a retry receipt asking for it again; null when not
 * known), and touches its conversation so open inboxes re-read it (conversation:changed).
 */
export async function setOwnReaction(
  db: Db,
  input: { id: number; emoji: string | null; waMessageId: string | null },
): Promise<void> {
  await db`
    with m as (
      update public.inbound_messages set my_reaction = ${input.emoji}, my_reaction_wa_id = ${input.waMessageId}
      where id = ${input.id} returning conversation_id
    )
    update public.conversations c set updated_at = now() from m where c.id = m.conversation_id`;
}
