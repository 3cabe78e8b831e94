import type { TMessageState } from "@mirage/contracts/enums";
import type { Db } from "./client.ts";

/**
 * Outbound messages as the API shows and creates them (under asUser: RLS decides). The send lane's side — claims,
 * transitions, receipts — is in outbound-messages.ts.
 */

export type MessageStep = { state: TMessageState; at: Date };

/** The message a reply quotes: its WhatsApp id, whether this instance sent it, and the quoted text. */
export type QuotedMessage = { waMessageId: string; fromMe: boolean; text: string };

export type MessageView = {
  id: number;
  orgId: string;
  instanceId: string | null;
  campaignId: string | null;
  contactId: string | null;
  to: string | null;
  toLid: string | null;
  toJid: string | null;
  text: string;
  state: TMessageState;
  waMessageId: string | null;
  clientId: string | null;
  source: "api" | "inbox" | null;
  errorCode: string | null;
  errorMessage: string | null;
  expiresAt: Date | null;
  /** What this message replies to (WhatsApp shows it quoted); null for a message that quotes nothing. */
  replyTo: QuotedMessage | null;
  createdAt: Date;
  updatedAt: Date;
  history: MessageStep[];
};

// The history is what the state trigger stamped: one timestamp per state reached (a message passes each at most
// once), so no separate event table is written on the hot path.
const columns = (db: Db) => db`
  m.id, m.org_id as "orgId", m.instance_id as "instanceId", m.campaign_id as "campaignId", m.contact_id as "contactId",
  m.recipient_phone as "to", m.recipient_lid as "toLid", m.recipient_jid as "toJid", m.body as "text", m.state,
  m.wa_message_id as "waMessageId", m.client_ref as "clientId", m.source, m.error_code as "errorCode",
  m.error_message as "errorMessage", m.expires_at as "expiresAt", m.created_at as "createdAt",
  m.updated_at as "updatedAt",
  case when m.reply_to_wa_id is not null then jsonb_build_object(
    'waMessageId', m.reply_to_wa_id, 'fromMe', m.reply_to_from_me, 'text', m.reply_to_text) end as "replyTo",
  array_remove(array[
    case when m.queued_at is not null then jsonb_build_object('state', 'queued', 'at', m.queued_at) end,
    case when m.claimed_at is not null then jsonb_build_object('state', 'claimed', 'at', m.claimed_at) end,
    case when m.sending_at is not null then jsonb_build_object('state', 'sending', 'at', m.sending_at) end,
    case when m.unknown_at is not null then jsonb_build_object('state', 'unknown', 'at', m.unknown_at) end,
    case when m.sent_at is not null then jsonb_build_object('state', 'sent', 'at', m.sent_at) end,
    case when m.delivered_at is not null then jsonb_build_object('state', 'delivered', 'at', m.delivered_at) end,
    case when m.read_at is not null then jsonb_build_object('state', 'read', 'at', m.read_at) end,
    case when m.failed_at is not null then jsonb_build_object('state', 'failed', 'at', m.failed_at) end,
    case when m.cancelled_at is not null then jsonb_build_object('state', 'cancelled', 'at', m.cancelled_at) end,
    case when m.state = 'skipped' then jsonb_build_object('state', 'skipped', 'at', m.finished_at) end
  ], null) as history`;

type Row = Omit<MessageView, "history"> & { history: { state: TMessageState; at: string }[] };

function toView(row: Row): MessageView {
  const history = row.history
    .map((s) => ({ state: s.state, at: new Date(s.at) }))
    .sort((a, b) => a.at.getTime() - b.at.getTime());
  return { ...row, history };
}

export async function findMessageView(db: Db, orgId: string, id: number): Promise<MessageView | undefined> {
  const [row] = await db<Row[]>`
    select ${columns(db)} from public.outbound_messages m where m.org_id = ${orgId} and m.id = ${id}`;
  return row ? toView(row) : undefined;
}

export type ListMessageViewsInput = {
  orgId: string;
  instanceId?: string;
  campaignId?: string;
  state?: TMessageState;
  /** The chat: E.164 and/or LID (either matches). */
  phone?: string;
  lid?: string;
  beforeId?: number;
  limit: number;
};

/** Newest first, keyset-paginated by id. */
export async function listMessageViews(db: Db, input: ListMessageViewsInput): Promise<MessageView[]> {
  const chat =
    input.phone && input.lid
      ? db`and (m.recipient_phone = ${input.phone} or m.recipient_lid = ${input.lid})`
      : input.phone
        ? db`and m.recipient_phone = ${input.phone}`
        : input.lid
          ? db`and m.recipient_lid = ${input.lid}`
          : db``;
  const rows = await db<Row[]>`
    select ${columns(db)} from public.outbound_messages m
    where m.org_id = ${input.orgId}
      ${input.instanceId ? db`and m.instance_id = ${input.instanceId}` : db``}
      ${input.campaignId ? db`and m.campaign_id = ${input.campaignId}` : db``}
      ${input.state ? db`and m.state = ${input.state}` : db``}
      ${chat}
      ${input.beforeId ? db`and m.id < ${input.beforeId}` : db``}
    order by m.id desc
    limit ${input.limit}`;
  return rows.map(toView);
}

/**
 * A campaign's most recent sends: its messages that reached the `sending` commit, newest first by that instant (ids
 * follow the planning order, not the order messages go out). At most `limit`.
 */
export async function listRecentSends(
  db: Db,
  input: { orgId: string; campaignId: string; limit: number },
): Promise<MessageView[]> {
  const rows = await db<Row[]>`
    select ${columns(db)} from public.outbound_messages m
    where m.org_id = ${input.orgId} and m.campaign_id = ${input.campaignId} and m.sending_at is not null
    order by m.sending_at desc, m.id desc
    limit ${input.limit}`;
  return rows.map(toView);
}

/**
 * Under asUser (operators and up, checked by the function too): cancels a message that has not reached WhatsApp
 * (queued, or claimed before its `sending` commit) with error_code `reason`. Answers the message's state afterwards
 * (`cancelled`, or the state that made it impossible), undefined when the organization has no such message.
 */
export async function cancelMessage(
  db: Db,
  input: { orgId: string; id: number; reason: string },
): Promise<TMessageState | undefined> {
  const [row] = await db<{ state: TMessageState | null }[]>`
    select private.cancel_outbound_message(${input.orgId}, ${input.id}, ${input.reason}) as state`;
  return row?.state ?? undefined;
}
