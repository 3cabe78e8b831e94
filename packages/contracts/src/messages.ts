import { z } from "zod";
import { pageQuery, UPDATED_AT, ZTimestamp, ZUuid } from "./common.ts";
import { ZMessageState } from "./enums.ts";

/** REST DTOs of messaging: sending a text, reading a message with its history, listing messages. */

/** WhatsApp's own limit on a text is 65,536 characters; longer (or empty) texts are refused with 422. */
export const MAX_TEXT_LENGTH = 65_536;

/** A WhatsApp LID as Mirage stores it: digits `@lid`. */
export const ZWaLid = z.string().regex(/^[0-9]{5,20}@lid$/, "must be a LID like 123456789012345@lid");

export const ZSendMessageParams = z.strictObject({ orgId: ZUuid, instanceId: ZUuid });

/** "typing…" before a text: `true` (a time proportional to its length) or milliseconds. */
export const ZTyping = z.union([z.boolean(), z.number().int().min(0).max(20_000)]);

export const ZSendMessageRequest = z
  .strictObject({
    to: z
      .string()
      .trim()
      .min(1)
      .max(64)
      .describe(
        "The recipient: a phone number in any common written form with its country code (`+55 11 99999-0001`, " +
          "`5511999990001`), or national in the organization's defaultCountry (`(11) 99999-0001` in a BR " +
          "organization); or a LID (`…@lid`). A national number with no default country is a 400, never read as " +
          "another country's.",
      ),
    text: z
      .string()
      .max(MAX_TEXT_LENGTH * 4)
      .describe("The text, sent as written: not blank and at most 65,536 characters, else a 422 invalid_message."),
    clientId: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .describe(
        "Makes retries safe like the Idempotency-Key header (either one, or both with the same value): a second " +
          "request with the same id creates nothing and answers the first message, with another body it is a 409.",
      ),
    typing: ZTyping.optional().describe(
      '"typing…" before the text: `true` for a time proportional to its length (50 ms per character, 0.6 to 8 s), ' +
        "or a number of milliseconds (at most 20,000); absent or `false`: none.",
    ),
    replyTo: z
      .string()
      .trim()
      .min(1)
      .max(128)
      .optional()
      .describe(
        "Replies to a message of the same instance (WhatsApp shows it quoted): its WhatsApp id, of a message " +
          "received (as in the inbox and the `message:inbound` webhook) or sent by the instance; an unknown id is 422.",
      ),
    expiresAt: ZTimestamp.optional().describe(
      "A deadline (in the future, else 400): if the message has not gone out by then (the instance disconnected, a " +
        "long queue), it is cancelled with errorCode `expired` instead of being sent late.",
    ),
  })
  .meta({
    id: "SendMessageRequest",
    example: { to: "+5511999990001", text: "Olá! Seu pedido saiu para entrega.", clientId: "order-1234", typing: true },
  });
export type TSendMessageRequest = z.infer<typeof ZSendMessageRequest>;

export const ZMessageStep = z.object({
  state: ZMessageState.describe("A state the message went through."),
  at: ZTimestamp.describe("When it entered that state (ISO 8601 with offset)."),
});

/** The message a reply quotes, as WhatsApp shows it above the reply. */
export const ZQuotedMessage = z
  .object({
    waMessageId: z.string().describe("The quoted message's WhatsApp id."),
    fromMe: z.boolean().describe("Whether this instance sent the quoted message (else the contact did)."),
    text: z.string().describe("The quoted text (what the recipient's phone shows, even without the original)."),
  })
  .meta({
    id: "QuotedMessage",
    example: { waMessageId: "3EB0C767D26A1D8E", fromMe: false, text: "Meu pedido já saiu?" },
  });
export type TQuotedMessage = z.infer<typeof ZQuotedMessage>;

export const ZOutboundMessage = z
  .object({
    id: z.number().int().describe("The message's id (increasing)."),
    orgId: ZUuid.describe("The organization it belongs to."),
    instanceId: ZUuid.nullable().describe("The instance (number) it is sent from; null: no number assigned (yet)."),
    campaignId: ZUuid.nullable().describe("The campaign it belongs to; null for a direct send."),
    conversationId: ZUuid.nullable().optional().describe("The inbox conversation it belongs to; null or absent: none."),
    contactId: ZUuid.nullable().describe("The recipient's contact; null: not a contact."),
    to: z.string().nullable().describe("The recipient's number (E.164); null when the person is known only by LID."),
    toLid: z.string().nullable().describe("The recipient's WhatsApp LID (`…@lid`); null: not known."),
    toJid: z
      .string()
      .nullable()
      .describe("The WhatsApp id the on-WhatsApp check resolved; null until the message is being sent."),
    text: z.string().describe("The text sent (for campaigns, as rendered for this recipient)."),
    state: ZMessageState.describe("The delivery state now."),
    waMessageId: z.string().nullable().describe("WhatsApp's id of the message; null until it is sent."),
    clientId: z.string().nullable().describe("The idempotency key it was sent with (clientId or header); null: none."),
    source: z
      .enum(["api", "inbox"])
      .nullable()
      .describe("Where a direct send came from: the API or the inbox; null for campaign messages."),
    errorCode: z
      .string()
      .nullable()
      .describe("Why it failed, was skipped or cancelled (WhatsApp's code or Mirage's reason); null: none."),
    errorMessage: z.string().nullable().describe("The failure explained in words; null: none."),
    expiresAt: ZTimestamp.nullable().describe(
      "The deadline given at send time (cancelled with errorCode `expired` if not sent by then); null: none.",
    ),
    replyTo: ZQuotedMessage.nullable().describe(
      "The message this one replies to (sent with `replyTo`, or Evolution's `quoted`); null: not a reply.",
    ),
    createdAt: ZTimestamp.describe("When it was accepted (queued), ISO 8601 with offset."),
    updatedAt: ZTimestamp.describe(UPDATED_AT),
    history: z.array(ZMessageStep).describe("Every state the message went through, oldest first, with when."),
  })
  .meta({
    id: "OutboundMessage",
    example: {
      id: 4211,
      orgId: "0b7e1a52-8d0e-4a57-a1f4-5c2f8e6b9d10",
      instanceId: "6f1c2b8e-4d5a-4e1b-9c3d-2a7e8f0b1c2d",
      campaignId: null,
      conversationId: "1f5e8a3c-2b4d-4c6e-8f0a-1b2c3d4e5f60",
      contactId: null,
      to: "+5511999990001",
      toLid: null,
      toJid: "5511999990001@s.whatsapp.net",
      text: "Olá! Seu pedido saiu para entrega.",
      state: "delivered",
      waMessageId: "3EB0A1B2C3D4E5F6A7B8C9",
      clientId: "order-1234",
      source: "api",
      errorCode: null,
      errorMessage: null,
      expiresAt: null,
      replyTo: { waMessageId: "3EB0C767D26A1D8E", fromMe: false, text: "Meu pedido já saiu?" },
      createdAt: "2026-11-30T10:00:00.000Z",
      updatedAt: "2026-11-30T10:00:01.200Z",
      history: [
        { state: "queued", at: "2026-11-30T10:00:00.000Z" },
        { state: "claimed", at: "2026-11-30T10:00:00.020Z" },
        { state: "sending", at: "2026-11-30T10:00:00.650Z" },
        { state: "sent", at: "2026-11-30T10:00:00.700Z" },
        { state: "delivered", at: "2026-11-30T10:00:01.200Z" },
      ],
    },
  });
export type TOutboundMessage = z.infer<typeof ZOutboundMessage>;

export const ZMessageParams = z.strictObject({ orgId: ZUuid, messageId: z.coerce.number().int().positive() });

export const ZListMessagesQuery = pageQuery({ defaultLimit: 50, maxLimit: 200 }).extend({
  instanceId: ZUuid.optional(),
  /** The chat: a phone number (any written form with country code) or a LID. */
  to: z.string().trim().min(1).max(64).optional(),
  state: ZMessageState.optional(),
  campaignId: ZUuid.optional(),
});
export type TListMessagesQuery = z.infer<typeof ZListMessagesQuery>;

/** A campaign's most recent sends (`GET …/campaigns/{campaignId}/recent-sends`). */
export const ZRecentSendsQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(100).default(15) });

export const ZOptOutSettings = z
  .object({
    words: z
      .array(z.string())
      .describe("The organization's own words and phrases that opt a person out (any language)."),
    useDefaults: z.boolean().describe("Whether the built-in Portuguese, Spanish and English list applies too."),
    defaults: z.array(z.string()).describe("The built-in list, for reference."),
  })
  .meta({
    id: "OptOutSettings",
    example: { words: ["chega", "não me mande mais"], useDefaults: true, defaults: ["sair", "parar", "stop"] },
  });

export const ZUpdateOptOutSettings = z
  .strictObject({
    words: z
      .array(z.string().trim().min(1).max(100))
      .max(200)
      .optional()
      .describe(
        "The organization's own opt-out words and phrases (any language; up to 200, each 1–100 characters), " +
          "replacing its list; absent: unchanged.",
      ),
    useDefaults: z
      .boolean()
      .optional()
      .describe("Whether the built-in Portuguese, Spanish and English list applies too; absent: unchanged."),
  })
  .meta({ id: "UpdateOptOutSettings", example: { words: ["chega"], useDefaults: true } });

export const ZOptOutCheckRequest = z
  .strictObject({
    text: z
      .string()
      .max(4096)
      .describe(
        "A reply's text (up to 4,096 characters), checked against the organization's opt-out words as an " +
          "incoming message would be; nothing is sent or stored.",
      ),
  })
  .meta({ id: "OptOutCheckRequest", example: { text: "Por favor, PARAR!" } });

export const ZOptOutCheckResponse = z
  .object({
    optOut: z.boolean().describe("Whether the text would opt its sender out."),
    phrase: z.string().nullable().describe("The configured or built-in phrase that matched; null: none."),
    distance: z
      .number()
      .int()
      .nullable()
      .describe("Typos between the text and the phrase (0: exact after normalization); null: no match."),
  })
  .meta({ id: "OptOutCheckResponse", example: { optOut: true, phrase: "parar", distance: 0 } });

/** The send route's request headers (documented in OpenAPI; the route reads them itself). */
export const ZSendMessageHeaders = z.object({
  "Idempotency-Key": z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe(
      "Makes retries safe: the same key answers the first message (200, `Idempotent-Replayed: true`); with another " +
        "body it is a 409 idempotency_conflict. Same role as the body's clientId.",
    ),
});
