import type { TConversationStatus, TInboundMessageType, TMessageState } from "@mirage/contracts/enums";
import type { Db } from "./client.ts";
import type { QuotedMessage } from "./message-views.ts";

/** The inbox: conversations, their timeline (messages both ways and notes), and what operators change on them. */

export type ConversationView = {
  id: string;
  orgId: string;
  instanceId: string;
  contactId: string | null;
  peerPhone: string | null;
  peerLid: string | null;
  peerName: string | null;
  status: TConversationStatus;
  assignedTo: string | null;
  tags: string[];
  unreadCount: number;
  lastMessageAt: Date;
  lastMessageDirection: "in" | "out" | null;
  lastMessagePreview: string | null;
  createdAt: Date;
  /** When the person withdrew consent (an opt-out reply, or by hand), else null. */
  optedOutAt: Date | null;
  /** The person's phone or LID is on the organization's blacklist. */
  blacklisted: boolean;
};

const columns = (db: Db) => db`
  c.id, c.org_id as "orgId", c.instance_id as "instanceId", c.contact_id as "contactId", c.peer_phone as "peerPhone",
  c.peer_lid as "peerLid", coalesce(ct.name, c.peer_name) as "peerName", c.status, c.assigned_to as "assignedTo",
  c.tags, c.unread_count as "unreadCount", c.last_message_at as "lastMessageAt",
  c.last_message_direction as "lastMessageDirection", c.last_message_preview as "lastMessagePreview",
  c.created_at as "createdAt", ct.opted_out_at as "optedOutAt",
  exists (select 1 from public.blacklist b where b.org_id = c.org_id
    and (b.phone_e164 = c.peer_phone or b.wa_lid = c.peer_lid)) as blacklisted`;

export type ListConversationsInput = {
  orgId: string;
  status?: TConversationStatus;
  instanceId?: string;
  /** A user id, or null for unassigned only. */
  assignedTo?: string | null;
  tag?: string;
  unread?: boolean;
  /** Only conversations with a reply linked to this campaign (inbound `campaign_id`). */
  campaignId?: string;
  q?: string;
  /** Keyset: conversations that moved before this one. */
  after?: { at: Date; id: string };
  limit: number;
};

// Names compare without case or accents (pt/es names), without needing the unaccent extension.
const FOLD_FROM = "áàâãäåéèêëíìîïóòôõöúùûüçñ";
const FOLD_TO = "aaaaaaeeeeiiiiooooouuuucn";

/** Most recently active first. */
export async function listConversations(db: Db, input: ListConversationsInput): Promise<ConversationView[]> {
  const q = input.q?.trim();
  const digits = q?.replace(/\D/g, "") ?? "";
  const search = q
    ? db`and (
        translate(lower(coalesce(c.peer_name, '')), ${FOLD_FROM}, ${FOLD_TO})
          like '%' || translate(lower(${q}), ${FOLD_FROM}, ${FOLD_TO}) || '%'
        or translate(lower(coalesce(ct.name, '')), ${FOLD_FROM}, ${FOLD_TO})
          like '%' || translate(lower(${q}), ${FOLD_FROM}, ${FOLD_TO}) || '%'
        ${digits.length >= 3 ? db`or c.peer_phone like ${`%${digits}%`} or c.peer_lid like ${`%${digits}%`}` : db``})`
    : db``;
  return db<ConversationView[]>`
    select ${columns(db)} from public.conversations c
    left join public.contacts ct on ct.id = c.contact_id
    where c.org_id = ${input.orgId}
      ${input.status ? db`and c.status = ${input.status}` : db``}
      ${input.instanceId ? db`and c.instance_id = ${input.instanceId}` : db``}
      ${input.assignedTo === null ? db`and c.assigned_to is null` : input.assignedTo ? db`and c.assigned_to = ${input.assignedTo}` : db``}
      ${input.tag ? db`and c.tags @> array[${input.tag}]::text[]` : db``}
      ${input.campaignId ? db`and c.id in (select i.conversation_id from public.inbound_messages i where i.campaign_id = ${input.campaignId})` : db``}
      ${input.unread === true ? db`and c.unread_count > 0` : input.unread === false ? db`and c.unread_count = 0` : db``}
      ${search}
      ${input.after ? db`and (c.last_message_at, c.id) < (${input.after.at}, ${input.after.id}::uuid)` : db``}
    order by c.last_message_at desc, c.id desc
    limit ${input.limit}`;
}

export async function findConversation(db: Db, orgId: string, id: string): Promise<ConversationView | undefined> {
  const [row] = await db<ConversationView[]>`
    select ${columns(db)} from public.conversations c left join public.contacts ct on ct.id = c.contact_id
    where c.org_id = ${orgId} and c.id = ${id}`;
  return row;
}

/** Under asUser (operators and above; column grants keep the system's fields out of reach). */
export async function updateConversation(
  db: Db,
  input: {
    orgId: string;
    id: string;
    status?: TConversationStatus;
    assignedTo?: string | null;
    tags?: string[];
    read?: boolean;
  },
): Promise<boolean> {
  const sets = [
    input.status ? db`status = ${input.status}` : undefined,
    input.assignedTo !== undefined ? db`assigned_to = ${input.assignedTo}` : undefined,
    input.tags ? db`tags = ${[...new Set(input.tags)]}::text[]` : undefined,
    input.read ? db`unread_count = 0` : undefined,
  ].filter((s) => s !== undefined);
  if (sets.length === 0) return (await findConversation(db, input.orgId, input.id)) !== undefined;
  let assignments = sets[0] as NonNullable<(typeof sets)[number]>;
  for (const s of sets.slice(1)) assignments = db`${assignments}, ${s}`;
  const result = await db`
    update public.conversations set ${assignments} where org_id = ${input.orgId} and id = ${input.id}`;
  return result.count === 1;
}

export type NoteView = { id: number; authorId: string | null; body: string; createdAt: Date };

/** Under asUser: the author is the caller (a trigger sets it). */
export async function addConversationNote(
  db: Db,
  input: { orgId: string; conversationId: string; body: string },
): Promise<NoteView> {
  const [row] = await db<NoteView[]>`
    insert into public.conversation_notes (org_id, conversation_id, body)
    values (${input.orgId}, ${input.conversationId}, ${input.body})
    returning id, author_id as "authorId", body, created_at as "createdAt"`;
  if (!row) throw new Error("note not written");
  return row;
}

export async function deleteConversationNote(
  db: Db,
  input: { orgId: string; conversationId: string; id: number },
): Promise<boolean> {
  const result = await db`
    delete from public.conversation_notes
    where org_id = ${input.orgId} and conversation_id = ${input.conversationId} and id = ${input.id}`;
  return result.count === 1;
}

export type TimelineItem = {
  kind: "inbound" | "outbound" | "note";
  id: number;
  at: Date;
  text: string | null;
  /** Inbound: text or the kind of media; outbound: text; notes: null. */
  messageType: TInboundMessageType | null;
  state: TMessageState | null;
  waMessageId: string | null;
  optOut: boolean | null;
  campaignId: string | null;
  inReplyTo: number | null;
  /** A reply (either way): the message it quotes, as WhatsApp shows it above the reply; else null. */
  replyTo: QuotedMessage | null;
  authorId: string | null;
  /** Outbound: why it failed or was skipped or cancelled (WhatsApp's code, or Mirage's reason), else null. */
  errorCode: string | null;
  errorMessage: string | null;
  /** Inbound: when the sender edited it, or deleted it for everyone; else null. */
  editedAt: Date | null;
  deletedAt: Date | null;
  /** Inbound: this number's own reaction to it, else null. */
  myReaction: string | null;
  /** Tie-breaker of the keyset (inbound 1, outbound 2, note 3). */
  k: number;
};

/**
 * A conversation's timeline, newest first: its inbound messages, every outbound message from its instance to the
 * same person (by phone or LID — campaign messages included), and its notes. Keyset-paginated on (at, kind, id).
 */
export async function listConversationTimeline(
  db: Db,
  input: {
    conversation: Pick<ConversationView, "id" | "instanceId" | "peerPhone" | "peerLid">;
    before?: { at: Date; k: number; id: number };
    notes: boolean;
    limit: number;
  },
): Promise<TimelineItem[]> {
  const c = input.conversation;
  const b = input.before;
  const cut = (at: ReturnType<Db>, k: number, id: ReturnType<Db>) =>
    b ? db`and (${at}, ${k}, ${id}) < (${b.at}, ${b.k}, ${b.id})` : db``;
  const peer =
    c.peerPhone && c.peerLid
      ? db`(o.recipient_phone = ${c.peerPhone} or o.recipient_lid = ${c.peerLid})`
      : c.peerPhone
        ? db`o.recipient_phone = ${c.peerPhone}`
        : db`o.recipient_lid = ${c.peerLid}`;
  return db<TimelineItem[]>`
    (select 'inbound' as kind, i.id, i.received_at as at, i.body as text, i.message_type as "messageType",
        null::public.message_state as state,
        i.wa_message_id as "waMessageId", i.is_opt_out as "optOut", i.campaign_id as "campaignId",
        i.in_reply_to_id as "inReplyTo",
        case when i.reply_to_wa_id is not null then jsonb_build_object(
          -- A reaction's quote text was filled in when it was stored (ingestInbound), from the reacted message.
          'waMessageId', i.reply_to_wa_id, 'fromMe', i.reply_to_from_me, 'text', i.reply_to_text) end as "replyTo",
        null::uuid as "authorId", null::text as "errorCode",
        null::text as "errorMessage", i.edited_at as "editedAt", i.deleted_at as "deletedAt",
        i.my_reaction as "myReaction", 1 as k
      from public.inbound_messages i
      where i.conversation_id = ${c.id} ${cut(db`i.received_at`, 1, db`i.id`)}
      order by i.received_at desc, i.id desc limit ${input.limit})
    union all
    (select 'outbound', o.id, o.created_at, o.body, 'text', o.state, o.wa_message_id, null, o.campaign_id, null,
        case when o.reply_to_wa_id is not null then jsonb_build_object(
          'waMessageId', o.reply_to_wa_id, 'fromMe', o.reply_to_from_me, 'text', o.reply_to_text) end,
        o.created_by, coalesce(o.error_code, o.skip_reason), o.error_message, null::timestamptz, null::timestamptz,
        null::text, 2
      from public.outbound_messages o
      where o.instance_id = ${c.instanceId} and ${peer} ${cut(db`o.created_at`, 2, db`o.id`)}
      order by o.created_at desc, o.id desc limit ${input.limit})
    ${
      input.notes
        ? db`union all
    (select 'note', n.id, n.created_at, n.body, null, null, null, null, null, null, null, n.author_id, null, null, null,
        null, null, 3
      from public.conversation_notes n
      where n.conversation_id = ${c.id} ${cut(db`n.created_at`, 3, db`n.id`)}
      order by n.created_at desc, n.id desc limit ${input.limit})`
        : db``
    }
    order by at desc, k desc, id desc
    limit ${input.limit}`;
}

/** Service: what the realtime relay says about a changed conversation. */
export async function findConversationEvent(
  db: Db,
  id: string,
): Promise<
  | { orgId: string; instanceId: string; status: TConversationStatus; unreadCount: number; assignedTo: string | null }
  | undefined
> {
  const [row] = await db<
    { orgId: string; instanceId: string; status: TConversationStatus; unreadCount: number; assignedTo: string | null }[]
  >`
    select org_id as "orgId", instance_id as "instanceId", status, unread_count as "unreadCount",
      assigned_to as "assignedTo"
    from public.conversations where id = ${id}`;
  return row;
}
