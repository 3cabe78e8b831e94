import { z } from "zod";
import { CREATED_AT, cursorPageOf, cursorPageQuery, ZTimestamp, ZUuid } from "./common.ts";
import { ZConversationStatus, ZInboundMessageType, ZMessageState } from "./enums.ts";
import { ZQuotedMessage, ZTyping } from "./messages.ts";

/** REST DTOs of the inbox: conversations, their messages and notes. */

export const ZConversationParams = z.strictObject({ orgId: ZUuid, conversationId: ZUuid });

export const ZConversation = z
  .object({
    id: ZUuid.describe("The conversation's id."),
    instanceId: ZUuid.describe("The instance (number) the conversation is on."),
    contactId: ZUuid.nullable().describe("The person's contact in the organization; null: not a contact."),
    peerPhone: z.string().nullable().describe("The person's number (E.164); null: known only by LID."),
    peerLid: z.string().nullable().describe("The person's WhatsApp LID (`…@lid`); null: not known."),
    peerName: z
      .string()
      .nullable()
      .describe("The person's name: the contact's name, else their WhatsApp push name; null: none."),
    status: ZConversationStatus.describe("`open` or `closed`; a new message from the person reopens it."),
    assignedTo: ZUuid.nullable().describe("The member (user id) working the conversation; null: unassigned."),
    tags: z.array(z.string()).describe("The conversation's tags."),
    unreadCount: z.number().int().describe("Received messages not yet read in the inbox."),
    lastMessageAt: ZTimestamp.describe("When its last message was sent or received (ISO 8601 with offset)."),
    lastMessageDirection: z
      .enum(["in", "out"])
      .nullable()
      .describe("Whether the last message was received (`in`) or sent (`out`); null: no message yet."),
    lastMessagePreview: z
      .string()
      .nullable()
      .describe("A preview of the last message (up to 160 characters of its text, or its kind); null: none yet."),
    createdAt: ZTimestamp.describe(CREATED_AT),
    optedOutAt: ZTimestamp.nullable().describe(
      'When the person withdrew consent (an opt-out reply such as "PARAR", or by hand); null while they have not.',
    ),
    blacklisted: z
      .boolean()
      .describe("True when the person's phone or LID is on the blacklist: nothing more will be sent to them."),
  })
  .meta({
    id: "Conversation",
    example: {
      id: "1f5e8a3c-2b4d-4c6e-8f0a-1b2c3d4e5f60",
      instanceId: "6f1c2b8e-4d5a-4e1b-9c3d-2a7e8f0b1c2d",
      contactId: "3a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
      peerPhone: "+5511999990001",
      peerLid: "123456789012345@lid",
      peerName: "Ana",
      status: "open",
      assignedTo: null,
      tags: ["lead"],
      unreadCount: 2,
      lastMessageAt: "2026-11-30T10:02:00.000Z",
      lastMessageDirection: "in",
      lastMessagePreview: "Quero saber mais",
      createdAt: "2026-11-30T09:00:00.000Z",
      optedOutAt: null,
      blacklisted: false,
    },
  });
export type TConversation = z.infer<typeof ZConversation>;

export const ZListConversationsQuery = z.strictObject({
  status: ZConversationStatus.optional(),
  instanceId: ZUuid.optional(),
  /** A member's user id, or `none` for unassigned conversations. */
  assignedTo: z
    .union([ZUuid, z.literal("none")])
    .optional()
    .describe("a member's user id, or `none` for unassigned conversations"),
  /** Conversations where the person replied to this campaign (a reply linked to one of its messages). */
  campaignId: ZUuid.optional().describe("only conversations with a reply to this campaign"),
  /** Conversations carrying this tag. */
  tag: z.string().trim().min(1).max(50).optional().describe("only conversations carrying this tag"),
  unread: z
    .enum(["true", "false"])
    .optional()
    .describe("only conversations with (true) or without (false) unread messages"),
  /** Matches the person's number, LID, push name or contact name (names case- and accent-insensitively). */
  q: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .describe(
      "search: the person's number (any digits of it), LID, push name or contact name (case- and accent-insensitive); " +
        "not the messages' text",
    ),
  ...cursorPageQuery({ defaultLimit: 30, maxLimit: 100 }).shape,
});
export type TListConversationsQuery = z.infer<typeof ZListConversationsQuery>;

export const ZConversationList = cursorPageOf(ZConversation).meta({ id: "ConversationList" });

/** One entry of a conversation's timeline: a message in either direction, or an internal note. */
export const ZConversationItem = z
  .object({
    kind: z.enum(["inbound", "outbound", "note"]).describe("A received message, a sent message, or an internal note."),
    id: z.number().int().describe("The message's or note's id (each kind numbers its own)."),
    at: ZTimestamp.describe(
      "When it was received (inbound), created (outbound) or written (note), ISO 8601 with offset.",
    ),
    text: z.string().nullable().describe("The text; for media received, its caption (empty without one)."),
    messageType: ZInboundMessageType.nullable().describe(
      "Inbound: `text` or the kind of media (recorded, not downloaded). Outbound: `text`. Notes: null.",
    ),
    state: ZMessageState.nullable().describe("Outbound: the delivery state; else null."),
    waMessageId: z.string().nullable().describe("WhatsApp's id of the message; null for notes and unsent messages."),
    optOut: z.boolean().nullable().describe("Inbound: whether it matched the opt-out words; else null."),
    campaignId: ZUuid.nullable().describe(
      "Outbound: the campaign it belongs to; inbound: the campaign of the message it answers; else null.",
    ),
    inReplyTo: z
      .number()
      .int()
      .nullable()
      .describe(
        "Inbound: the outbound message it answers (the one it quotes when it quotes one this instance sent, else " +
          "the latest one sent to the person); else null.",
      ),
    replyTo: ZQuotedMessage.nullable().describe(
      "A reply, either way: the message it quotes; a reaction: the message it reacts to; else null.",
    ),
    editedAt: ZTimestamp.nullable()
      .optional()
      .describe("Inbound: when the sender edited it (`text` is the edited text); else null or absent."),
    deletedAt: ZTimestamp.nullable()
      .optional()
      .describe("Inbound: when the sender deleted it for everyone (`text` is then empty); else null or absent."),
    myReaction: z
      .string()
      .nullable()
      .optional()
      .describe("Inbound: this number's own reaction to it (an emoji); else null or absent."),
    authorId: ZUuid.nullable().describe(
      "Note: who wrote it. Outbound: who sent it from the inbox or API (null for campaigns). Inbound: null.",
    ),
    errorCode: z
      .string()
      .nullable()
      .describe(
        "Outbound: why it failed, was skipped or cancelled (WhatsApp's code or Mirage's reason, e.g. `opted_out`); " +
          "else null.",
      ),
    errorMessage: z.string().nullable().describe("Outbound: the failure explained in words; else null."),
  })
  .meta({ id: "ConversationItem" });
export type TConversationItem = z.infer<typeof ZConversationItem>;

export const ZConversationMessagesQuery = z.strictObject({
  /** Pages go from newest to oldest. */
  ...cursorPageQuery({ defaultLimit: 50, maxLimit: 200 }).shape,
  /** Leave out internal notes. */
  notes: z.enum(["true", "false"]).default("true"),
});

export const ZConversationMessages = cursorPageOf(ZConversationItem).meta({
  id: "ConversationMessages",
  example: {
    items: [
      {
        kind: "inbound",
        id: 981,
        at: "2026-11-30T10:02:00.000Z",
        text: "Quero saber mais",
        messageType: "text",
        state: null,
        waMessageId: "3A8F21C0D9E4B7A61234",
        optOut: false,
        campaignId: "5c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
        inReplyTo: 4211,
        replyTo: { waMessageId: "3EB0C767D26A1D8E", fromMe: true, text: "Quer receber nosso catálogo?" },
        authorId: null,
        errorCode: null,
        errorMessage: null,
      },
    ],
    nextCursor: null,
  },
});

export const ZUpdateConversationRequest = z
  .strictObject({
    status: ZConversationStatus.optional().describe(
      "`closed` or `open` again; a new message from the person reopens a closed conversation.",
    ),
    assignedTo: ZUuid.nullable()
      .optional()
      .describe(
        "The user id of a member who works the inbox (not a viewer: 400), or null to unassign; absent: unchanged.",
      ),
    tags: z
      .array(z.string().trim().min(1).max(50))
      .max(50)
      .optional()
      .describe("Replaces the conversation's tags (up to 50, each 1–50 characters)."),
    read: z
      .literal(true)
      .optional()
      .describe(
        "`true` (the only value accepted) marks every message read in the inbox (unread count 0); the person gets no " +
          "read receipt (POST …/instances/{instanceId}/read-receipts sends those).",
      ),
  })
  .meta({ id: "UpdateConversationRequest", example: { status: "closed", tags: ["resolvido"], read: true } });

const REACTION_MAX_LENGTH = 32;
const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/**
 * One emoji (a single character as people see it, skin tones and joiners included), or empty to take it back.
 * Zod runs this refinement even after `.max()` failed, and V8's grapheme segmenter takes time quadratic in the
 * input (about 1.6 s for 20,000 characters), so the length is checked here first and segmentation stops at the
 * second grapheme: an oversized body must not hold the event loop.
 */
const isReaction = (s: string) => {
  if (s === "") return true;
  if (s.length > REACTION_MAX_LENGTH) return false;
  const it = graphemes.segment(s)[Symbol.iterator]();
  it.next();
  return it.next().done === true && /\p{Extended_Pictographic}/u.test(s);
};

export const ZReactionRequest = z
  .strictObject({
    emoji: z
      .string()
      .max(REACTION_MAX_LENGTH)
      .refine(isReaction, "an emoji is one emoji (👍, ❤️, 🙏…), or empty to take the reaction back")
      .describe("the reaction: one emoji, or an empty string to take the instance's reaction back"),
  })
  .meta({ id: "ReactionRequest", example: { emoji: "👍" } });

export const ZReactionResponse = z
  .object({
    waMessageId: z.string().describe("WhatsApp's id of the message reacted to."),
    emoji: z.string().nullable().describe("The reaction sent; null when it was taken back."),
  })
  .meta({ id: "Reaction", example: { waMessageId: "3A8F21C0D9E4B7A61234", emoji: "👍" } });

export const ZReactionParams = z.strictObject({
  orgId: ZUuid,
  conversationId: ZUuid,
  waMessageId: z.string().trim().min(1).max(128),
});

export const ZReplyRequest = z
  .strictObject({
    text: z
      .string()
      .max(65_536 * 4)
      .describe("The reply, sent as written: not blank and at most 65,536 characters, else a 422 invalid_message."),
    clientId: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .describe(
        "Makes retries safe, as the Idempotency-Key header does (either one, or both with the same value, else a 400 " +
          "idempotency_key_mismatch): a second request with the same id creates nothing and answers the first " +
          "message; with another body it is a 409.",
      ),
    typing: ZTyping.optional().describe(
      '"typing…" before the reply: `true` for a time proportional to its length (50 ms per character, 0.6 to 8 s), ' +
        "or a number of milliseconds (at most 20,000); absent or `false`: none.",
    ),
    replyTo: z
      .string()
      .trim()
      .min(1)
      .max(128)
      .optional()
      .describe(
        "Quotes a message of this conversation (WhatsApp shows it above the reply): its WhatsApp id (`waMessageId` " +
          "of a timeline item, either way); an id the instance has no message for is 422.",
      ),
  })
  .meta({ id: "ReplyRequest", example: { text: "Claro! Te envio o catálogo agora.", typing: true } });

export const ZNoteRequest = z
  .strictObject({
    text: z
      .string()
      .trim()
      .min(1)
      .max(10_000)
      .describe("The note (1–10,000 characters): seen by the organization's members, never sent to the person."),
  })
  .meta({ id: "NoteRequest", example: { text: "Cliente pediu retorno amanhã às 10h." } });

export const ZNote = z
  .object({
    id: z.number().int().describe("The note's id."),
    authorId: ZUuid.nullable().describe("The member who wrote it; null once that account is gone."),
    text: z.string().describe("The note, seen by the organization's members only."),
    createdAt: ZTimestamp.describe(CREATED_AT),
  })
  .meta({
    id: "ConversationNote",
    example: {
      id: 17,
      authorId: "3d1f8a2b-6c4e-4b9a-8f7d-2e1c0b9a8d7f",
      text: "Cliente pediu retorno amanhã às 10h.",
      createdAt: "2026-11-30T10:05:00.000Z",
    },
  });

export const ZNoteParams = z.strictObject({
  orgId: ZUuid,
  conversationId: ZUuid,
  noteId: z.coerce.number().int().positive(),
});
