import { z } from "zod";
import { MAX_TEXT_LENGTH } from "./messages.ts";

/**
 * The Evolution API v2 compatibility surface: request and response shapes as Evolution's clients (n8n, Typebot,
 * Chatwoot, scripts) send and read them. Requests are loose objects: clients send fields Mirage ignores (Evolution
 * settings with no meaning here), and refusing them would break the drop-in.
 */

/** Evolution's instance names: what clients put in the URL. */
export const ZEvolutionInstanceName = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9 ._-]+$/, "letters, digits, spaces, dots, underscores and dashes");

export const ZEvolutionInstanceParams = z.strictObject({ instanceName: ZEvolutionInstanceName });

/** Evolution's event names, as webhooks deliver them in `event` (lowercase with dots) and accept in `events`. */
export const EVOLUTION_EVENTS = [
  "QRCODE_UPDATED",
  "CONNECTION_UPDATE",
  "MESSAGES_UPSERT",
  "MESSAGES_EDITED",
  "MESSAGES_UPDATE",
  "MESSAGES_DELETE",
  "SEND_MESSAGE",
] as const;
export const ZEvolutionEvent = z.enum(EVOLUTION_EVENTS);
export type TEvolutionEvent = z.infer<typeof ZEvolutionEvent>;

export const ZEvolutionWebhookConfig = z.looseObject({
  enabled: z.boolean().default(true),
  url: z.url({ protocol: /^https?$/ }).max(2048),
  /** Evolution's `webhookByEvents`: each event goes to `<url>/<event-name>`, e.g. `/messages-upsert`. */
  byEvents: z.boolean().default(false),
  base64: z.boolean().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  /** Empty: every event Mirage delivers. Names Evolution has but Mirage does not deliver are refused by name. */
  events: z.array(z.string()).default([]),
});

export const ZEvolutionCreateInstanceRequest = z
  .looseObject({
    instanceName: ZEvolutionInstanceName,
    /** With a number, connecting answers a pairing code for it as well as the QR. */
    number: z.string().trim().min(1).max(32).optional(),
    qrcode: z.boolean().optional(),
    integration: z.string().optional(),
    /** A token chosen by the client; otherwise Mirage issues one (answered once, as `hash`). */
    token: z.string().trim().min(16).max(200).optional(),
    webhook: ZEvolutionWebhookConfig.optional(),
  })
  .meta({
    id: "EvolutionCreateInstanceRequest",
    example: { instanceName: "vendas", number: "5511999990001", qrcode: true, integration: "WHATSAPP-BAILEYS" },
  });

export const ZEvolutionQrCode = z.object({
  pairingCode: z.string().nullable(),
  code: z.string().nullable(),
  base64: z.string().nullable(),
  count: z.number().int(),
});

export const ZEvolutionInstanceSummary = z
  .object({
    instance: z.object({
      instanceName: z.string(),
      instanceId: z.string(),
      integration: z.string(),
      status: z.enum(["open", "connecting", "close"]),
    }),
    hash: z.string().nullable(),
    webhook: z.record(z.string(), z.unknown()),
    settings: z.record(z.string(), z.unknown()),
    qrcode: ZEvolutionQrCode.optional(),
  })
  .meta({
    id: "EvolutionCreateInstanceResponse",
    example: {
      instance: {
        instanceName: "vendas",
        instanceId: "6b1c4a77-3e2f-4f5e-9a55-2f4d8a0c9e11",
        integration: "WHATSAPP-BAILEYS",
        status: "connecting",
      },
      hash: "E6F1C0B2-7D9A-4C55-8E3B-1A2B3C4D5E6F",
      webhook: {},
      settings: {},
      qrcode: {
        pairingCode: "WZYEH1YY",
        code: "2@y8eK+bjtEjUWy9/FOM...",
        base64: "data:image/png;base64,iVBOR...",
        count: 1,
      },
    },
  });

export const ZEvolutionConnectionState = z
  .object({ instance: z.object({ instanceName: z.string(), state: z.enum(["open", "connecting", "close"]) }) })
  .meta({ id: "EvolutionConnectionState", example: { instance: { instanceName: "vendas", state: "open" } } });

export const ZEvolutionFetchInstancesQuery = z.looseObject({
  instanceName: z.string().optional(),
  instanceId: z.string().optional(),
});

export const ZEvolutionStatusResponse = z
  .object({ status: z.literal("SUCCESS"), error: z.literal(false), response: z.object({ message: z.string() }) })
  .meta({
    id: "EvolutionStatusResponse",
    example: { status: "SUCCESS", error: false, response: { message: "Instance logged out" } },
  });

export const ZEvolutionPresence = z.enum(["available", "unavailable", "composing", "recording", "paused"]);

export const ZEvolutionSetPresenceRequest = z
  .looseObject({ presence: z.enum(["available", "unavailable"]) })
  .meta({ id: "EvolutionSetPresenceRequest", example: { presence: "available" } });

/** What Evolution answers to sendPresence and setPresence: the presence it showed. */
export const ZEvolutionPresenceResponse = z
  .object({ presence: ZEvolutionPresence })
  .meta({ id: "EvolutionPresenceResponse", example: { presence: "composing" } });

/** Evolution v2 takes `number`, `presence` and `delay` at the top level; v1 clients nest the last two in `options`. */
export const ZEvolutionSendPresenceRequest = z
  .looseObject({
    number: z.string().trim().min(1).max(64),
    presence: ZEvolutionPresence.optional(),
    /** How long the chat state shows before `paused`, in ms (at most 60,000 here). */
    delay: z.number().int().min(0).max(60_000).optional(),
    options: z
      .looseObject({
        presence: ZEvolutionPresence.optional(),
        delay: z.number().int().min(0).max(60_000).optional(),
      })
      .optional(),
  })
  .meta({
    id: "EvolutionSendPresenceRequest",
    example: { number: "5511999990001", presence: "composing", delay: 1200 },
  });

export const ZEvolutionWhatsAppNumbersRequest = z
  .looseObject({ numbers: z.array(z.string().trim().min(1).max(64)).min(1).max(50) })
  .meta({ id: "EvolutionWhatsAppNumbersRequest", example: { numbers: ["5511999990001", "+55 11 99999-0002"] } });

/** One answer per asked number, in order: `number` as asked, `jid` the account's id (or the JID it would have). */
export const ZEvolutionWhatsAppNumbers = z
  .array(z.object({ exists: z.boolean(), jid: z.string(), number: z.string(), lid: z.string().optional() }))
  .meta({
    id: "EvolutionWhatsAppNumbers",
    example: [
      { exists: true, jid: "5511999990001@s.whatsapp.net", number: "5511999990001" },
      { exists: false, jid: "5511999990002@s.whatsapp.net", number: "+55 11 99999-0002" },
    ],
  });

/** Evolution's `sendReaction`: the message reacted to (`key`) and the emoji (empty: the reaction taken back). */
export const ZEvolutionSendReactionRequest = z
  .looseObject({
    key: z.looseObject({
      remoteJid: z.string().trim().min(3).max(128),
      fromMe: z.boolean().optional(),
      id: z.string().trim().min(1).max(128),
    }),
    reaction: z.string().max(32),
  })
  .meta({
    id: "EvolutionSendReactionRequest",
    example: {
      key: { remoteJid: "5511999990001@s.whatsapp.net", fromMe: false, id: "3EB0C767D26A1D8E" },
      reaction: "👍",
    },
  });

export const ZEvolutionReadMessagesRequest = z
  .looseObject({
    readMessages: z
      .array(z.looseObject({ remoteJid: z.string(), id: z.string(), fromMe: z.boolean().optional() }))
      .min(1)
      .max(200),
  })
  .meta({
    id: "EvolutionReadMessagesRequest",
    example: {
      readMessages: [{ remoteJid: "5511999990001@s.whatsapp.net", fromMe: false, id: "3EB0C767D26A1D8E" }],
    },
  });

/** Evolution's message key: the id WhatsApp knows, whether it was sent by this instance, and the chat. */
export const ZEvolutionMessageKey = z.looseObject({
  id: z.string(),
  fromMe: z.boolean().optional(),
  remoteJid: z.string().optional(),
});

export const ZEvolutionSendTextRequest = z
  .looseObject({
    /** A number in any written form with its country code, a JID (`5511…@s.whatsapp.net`) or a LID (`…@lid`). */
    number: z.string().trim().min(1).max(64),
    text: z.string().max(MAX_TEXT_LENGTH * 4),
    /** Milliseconds of "typing…" before the text (Mirage's typing presence; at most 20,000). */
    delay: z.number().int().min(0).max(20_000).optional(),
    quoted: z.looseObject({ key: ZEvolutionMessageKey, message: z.unknown().optional() }).optional(),
    linkPreview: z.boolean().optional(),
    mentionsEveryOne: z.boolean().optional(),
    mentioned: z.array(z.string()).optional(),
  })
  .meta({
    id: "EvolutionSendTextRequest",
    example: { number: "5511999990001", text: "Olá! Seu pedido saiu para entrega.", delay: 1200, linkPreview: false },
  });

/**
 * Evolution's `contextInfo` of a reply: the quoted message's WhatsApp id (`stanzaId`), who wrote it (`participant`:
 * the instance's own JID when it sent it, else the chat's), and its text.
 */
export const ZEvolutionContextInfo = z.object({
  stanzaId: z.string(),
  participant: z.string().nullable(),
  quotedMessage: z.object({ conversation: z.string() }),
});

export const ZEvolutionSentMessage = z
  .object({
    key: z.object({ remoteJid: z.string(), fromMe: z.literal(true), id: z.string() }),
    pushName: z.string().nullable(),
    status: z.string(),
    message: z.object({ conversation: z.string() }),
    /** Only for a reply (`quoted` was given and the quote is kept): what it quotes, as Evolution shapes it. */
    contextInfo: ZEvolutionContextInfo.optional(),
    messageType: z.literal("conversation"),
    messageTimestamp: z.number().int(),
    instanceId: z.string(),
    source: z.string(),
  })
  .meta({
    id: "EvolutionSentMessage",
    example: {
      key: { remoteJid: "5511999990001@s.whatsapp.net", fromMe: true, id: "mirage-4815" },
      pushName: null,
      status: "PENDING",
      message: { conversation: "Olá! Seu pedido saiu para entrega." },
      contextInfo: {
        stanzaId: "3EB0C767D26A1D8E",
        participant: "5511999990001@s.whatsapp.net",
        quotedMessage: { conversation: "Meu pedido já saiu?" },
      },
      messageType: "conversation",
      messageTimestamp: 1764470000,
      instanceId: "6b1c4a77-3e2f-4f5e-9a55-2f4d8a0c9e11",
      source: "mirage",
    },
  });

export const ZEvolutionFindRequest = z.looseObject({
  where: z.looseObject({ key: z.looseObject({ remoteJid: z.string().optional() }).optional() }).optional(),
  page: z.number().int().min(1).optional(),
  offset: z.number().int().min(1).max(500).optional(),
});

export const ZEvolutionWebhookSetRequest = z.looseObject({ webhook: ZEvolutionWebhookConfig }).meta({
  id: "EvolutionWebhookSetRequest",
  example: {
    webhook: {
      enabled: true,
      url: "https://n8n.example.com/webhook/evolution",
      byEvents: false,
      base64: false,
      events: ["MESSAGES_UPSERT", "MESSAGES_UPDATE", "CONNECTION_UPDATE"],
    },
  },
});

export const ZEvolutionWebhook = z
  .object({
    id: z.string(),
    url: z.string(),
    enabled: z.boolean(),
    events: z.array(z.string()),
    webhookByEvents: z.boolean(),
    webhookBase64: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
    instanceId: z.string(),
  })
  .meta({
    id: "EvolutionWebhook",
    example: {
      id: "2b7d3c6e-2a0b-4bb2-9d53-6f7b8e1f2a3c",
      url: "https://n8n.example.com/webhook/evolution",
      enabled: true,
      events: ["MESSAGES_UPSERT", "MESSAGES_UPDATE"],
      webhookByEvents: false,
      webhookBase64: false,
      createdAt: "2026-11-30T12:00:00.000Z",
      updatedAt: "2026-11-30T12:00:00.000Z",
      instanceId: "6b1c4a77-3e2f-4f5e-9a55-2f4d8a0c9e11",
    },
  });
