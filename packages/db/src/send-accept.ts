import type { TConversationStatus, TInstanceStatus, TMessageState, TOrgRole } from "@mirage/contracts/enums";
import type { Pool } from "./client.ts";
import type { MessageView } from "./message-views.ts";

/**
 * The send API's accept in one statement and one round trip (private.accept_direct_message): the caller's role,
 * the instance's state, the idempotent insert (with its quote and deadline) and the conversation's update. Called
 * on the pool itself, as the app role, for a user whose credential the orchestrator has verified: the function
 * applies the same membership rule RLS does, for that user only, and only within the organization it names.
 */

export type AcceptDirectInput = {
  /** The verified caller (a user, or an API key's principal user). */
  userId: string;
  orgId: string;
  instanceId: string;
  phone: string | null;
  lid: string | null;
  body: string;
  clientRef: string | null;
  requestHash: string;
  typingMs: number;
  source: "api" | "inbox";
  expiresAt: Date | null;
  /** True when the caller appends the realtime events itself (the transaction then notifies nothing). */
  eventsPublished: boolean;
  replyTo: { waMessageId: string; required: boolean; fromMe?: boolean | undefined; text?: string | undefined } | null;
};

export type AcceptRefusal =
  | { outcome: "no_org" }
  | { outcome: "forbidden"; role: TOrgRole }
  | { outcome: "no_instance" }
  | { outcome: "unavailable"; instance: { name: string; status: TInstanceStatus; statusReason: string | null } }
  | { outcome: "conflict" }
  | { outcome: "reply_not_found" }
  /** The recipient is a person erased at their request (a salted hash of the number or LID is blacklisted). */
  | { outcome: "erased" };

export type AcceptedMessage = {
  outcome: "ok";
  created: boolean;
  message: MessageView;
  instance: { workerId: string | null; waJid: string | null; linkedPhone: string | null; phone: string | null };
  /** The message's conversation as it is after the insert; null for a replayed key. */
  conversation: {
    id: string;
    status: TConversationStatus;
    unreadCount: number;
    assignedTo: string | null;
  } | null;
};

type Row = {
  outcome: AcceptRefusal["outcome"] | "ok";
  member_role: TOrgRole | null;
  instance_name: string | null;
  instance_status: TInstanceStatus | null;
  instance_reason: string | null;
  worker_id: string | null;
  instance_wa_jid: string | null;
  instance_linked_phone: string | null;
  instance_phone: string | null;
  created: boolean | null;
  id: number | null;
  campaign_id: string | null;
  contact_id: string | null;
  recipient_phone: string | null;
  recipient_lid: string | null;
  recipient_jid: string | null;
  state: TMessageState | null;
  wa_message_id: string | null;
  client_ref: string | null;
  source: "api" | "inbox" | null;
  error_code: string | null;
  error_message: string | null;
  expires_at: Date | null;
  reply_to: MessageView["replyTo"];
  created_at: Date | null;
  updated_at: Date | null;
  history: { state: TMessageState; at: string }[] | null;
  conversation_id: string | null;
  conversation_status: TConversationStatus | null;
  conversation_unread: number | null;
  conversation_assigned: string | null;
};

/**
 * Accepts a direct message, or answers why not (nothing written then). The message's text is the one given: a
 * replayed key answers a message with the same request hash, hence the same text, so it does not travel back.
 */
export async function acceptDirectMessage(
  sql: Pool,
  input: AcceptDirectInput,
): Promise<AcceptedMessage | AcceptRefusal> {
  const r = input.replyTo;
  const [row] = await sql<Row[]>`
    select * from private.accept_direct_message(${input.userId}, ${input.orgId}, ${input.instanceId},
      ${input.phone}, ${input.lid}, ${input.body}, ${input.clientRef}, ${input.requestHash}, ${input.typingMs},
      ${input.source}, ${input.expiresAt}::timestamptz, ${input.eventsPublished}, ${r?.waMessageId ?? null},
      ${r?.required ?? false}, ${r?.fromMe ?? null}::boolean, ${r?.text ?? null})`;
  if (!row) throw new Error("accept_direct_message returned nothing");
  switch (row.outcome) {
    case "ok":
      break;
    case "forbidden":
      return { outcome: "forbidden", role: row.member_role as TOrgRole };
    case "unavailable":
      return {
        outcome: "unavailable",
        instance: {
          name: row.instance_name ?? "",
          status: row.instance_status as TInstanceStatus,
          statusReason: row.instance_reason,
        },
      };
    default:
      return { outcome: row.outcome };
  }
  const history = (row.history ?? [])
    .map((s) => ({ state: s.state, at: new Date(s.at) }))
    .sort((a, b) => a.at.getTime() - b.at.getTime());
  return {
    outcome: "ok",
    created: row.created === true,
    message: {
      id: row.id as number,
      orgId: input.orgId,
      instanceId: input.instanceId,
      campaignId: row.campaign_id,
      contactId: row.contact_id,
      to: row.recipient_phone,
      toLid: row.recipient_lid,
      toJid: row.recipient_jid,
      text: input.body,
      state: row.state as TMessageState,
      waMessageId: row.wa_message_id,
      clientId: row.client_ref,
      source: row.source,
      errorCode: row.error_code,
      errorMessage: row.error_message,
      expiresAt: row.expires_at,
      replyTo: row.reply_to,
      createdAt: row.created_at as Date,
      updatedAt: row.updated_at as Date,
      history,
    },
    instance: {
      workerId: row.worker_id,
      waJid: row.instance_wa_jid,
      linkedPhone: row.instance_linked_phone,
      phone: row.instance_phone,
    },
    conversation: row.conversation_id
      ? {
          id: row.conversation_id,
          status: row.conversation_status as TConversationStatus,
          unreadCount: row.conversation_unread ?? 0,
          assignedTo: row.conversation_assigned,
        }
      : null,
  };
}
