import type { TEvolutionEvent } from "@mirage/contracts/evolution";

/** The Mirage event types each Evolution event is made from (the outbox filters endpoints on these). */
export const MIRAGE_SOURCES: Record<TEvolutionEvent, string> = {
  QRCODE_UPDATED: "instance:qr",
  CONNECTION_UPDATE: "instance:status",
  MESSAGES_UPSERT: "message:inbound",
  MESSAGES_EDITED: "message:updated",
  MESSAGES_UPDATE: "message:status",
  MESSAGES_DELETE: "message:updated",
  SEND_MESSAGE: "message:status",
};

/** Evolution's per-message status names for Mirage's states. */
const STATUS: Record<string, string> = {
  queued: "PENDING",
  claimed: "PENDING",
  sending: "PENDING",
  sent: "SERVER_ACK",
  delivered: "DELIVERY_ACK",
  read: "READ",
  failed: "ERROR",
};

/** Mirage's instance status as Evolution's connection state (its `connectionState`, `fetchInstances`, webhooks). */
export function evolutionState(status: unknown): "open" | "connecting" | "close" {
  // A restricted number's socket is open (WhatsApp only holds back its new chats): Evolution, which knows no
  // restriction, says "open" for it, and an integration that read "close" would ask for a QR nobody can scan.
  if (status === "connected" || status === "degraded" || status === "restricted") return "open";
  if (status === "connecting" || status === "pending_pairing") return "connecting";
  return "close";
}

const jidOf = (phone: unknown, lid: unknown): string | null => {
  if (typeof phone === "string" && phone.length > 1) return `${phone.replace(/^\+/, "")}@s.whatsapp.net`;
  if (typeof lid === "string" && lid.length > 0) return lid.includes("@") ? lid : `${lid}@lid`;
  return null;
};

export type EvolutionDelivery = { event: TEvolutionEvent; url: string; body: Record<string, unknown> };

/**
 * Turns one Mirage outbox event into the body Evolution's webhook would have POSTed, or undefined when the endpoint
 * did not ask for that Evolution event (or it has none, e.g. a message queued). With `byEvents`, the URL gets
 * `/<event-name>` (e.g. `/messages-upsert`) as Evolution's webhookByEvents does.
 */
type EvolutionQuote = { waMessageId: string; fromMe: boolean; text: string };

/** Media as Baileys (and so Evolution) names them in a message; what carries the caption. */
const MEDIA: Record<string, { key: string; fields?: Record<string, unknown>; caption?: string }> = {
  image: { key: "imageMessage", caption: "caption" },
  video: { key: "videoMessage", caption: "caption" },
  audio: { key: "audioMessage", fields: { ptt: false } },
  voice: { key: "audioMessage", fields: { ptt: true } },
  document: { key: "documentMessage", caption: "caption" },
  sticker: { key: "stickerMessage" },
  location: { key: "locationMessage", caption: "name" },
  contact: { key: "contactMessage", caption: "displayName" },
};

/**
 * A message record's content as Evolution shows it: `message.conversation` for a text; for a reply an extended text
 * carrying its `contextInfo` (as WhatsApp shapes it), which Evolution also lifts to the record's top level; for media
 * received, `message.<kind>Message` with its caption (`ptt` marks a voice note) and `messageType` naming it — without
 * the file's URL and keys, which Mirage does not keep. `chatJid`: the chat's JID, the author of a quote the instance
 * did not write; the instance's own JID is not at hand here, so its quotes name no participant.
 */
export function evolutionContent(
  text: string,
  quote: EvolutionQuote | null,
  chatJid: string | null,
  messageType: string | null = "text",
) {
  const contextInfo = quote
    ? {
        stanzaId: quote.waMessageId,
        participant: quote.fromMe ? null : chatJid,
        quotedMessage: { conversation: quote.text },
      }
    : undefined;
  if (messageType === "reaction" && quote) {
    // Baileys' shape: the reacted message's key, from the instance's side.
    const key = { remoteJid: chatJid, fromMe: quote.fromMe, id: quote.waMessageId };
    return { message: { reactionMessage: { key, text } }, messageType: "reactionMessage" };
  }
  const media = messageType ? MEDIA[messageType] : undefined;
  if (media) {
    const caption = media.caption && text ? { [media.caption]: text } : {};
    return {
      message: { [media.key]: { ...media.fields, ...caption, ...(contextInfo ? { contextInfo } : {}) } },
      ...(contextInfo ? { contextInfo } : {}),
      messageType: media.key,
    };
  }
  if (!contextInfo) return { message: { conversation: text }, messageType: "conversation" };
  return { message: { extendedTextMessage: { text, contextInfo } }, contextInfo, messageType: "extendedTextMessage" };
}

export function toEvolutionDelivery(work: {
  eventType: string;
  payload: Record<string, unknown>;
  url: string;
  byEvents: boolean;
  instanceName: string | null;
  endpointEvents: string[];
  createdAt: Date;
  serverUrl?: string;
}): EvolutionDelivery | undefined {
  const p = work.payload;
  const instance = work.instanceName ?? "";
  let event: TEvolutionEvent;
  let data: Record<string, unknown>;
  switch (work.eventType) {
    case "instance:qr":
      event = "QRCODE_UPDATED";
      data = { qrcode: { instance, pairingCode: null, code: p.qr ?? null, base64: p.dataUrl ?? null } };
      break;
    case "instance:status":
      event = "CONNECTION_UPDATE";
      data = { instance, state: evolutionState(p.status), statusReason: p.reason ?? null };
      break;
    case "message:inbound": {
      event = "MESSAGES_UPSERT";
      const sentAt = typeof p.sentAt === "string" ? Date.parse(p.sentAt) : Date.now();
      const remoteJid = jidOf(p.fromPhone, p.fromLid);
      data = {
        key: { remoteJid, fromMe: false, id: p.waMessageId },
        pushName: p.pushName ?? null,
        status: "DELIVERY_ACK",
        ...evolutionContent(
          String(p.text ?? ""),
          (p.replyTo as EvolutionQuote | null | undefined) ?? null,
          remoteJid,
          typeof p.messageType === "string" ? p.messageType : "text",
        ),
        messageTimestamp: Math.floor(sentAt / 1000),
        instanceId: p.instanceId,
        source: "unknown",
      };
      break;
    }
    case "message:updated": {
      // The sender's own message, named from the instance's side as MESSAGES_UPSERT named it (WhatsApp's edit
      // names it from the sender's side; the instance's own JID is not at hand here).
      const remoteJid = jidOf(p.fromPhone, p.fromLid);
      const key = { remoteJid, fromMe: false, id: p.waMessageId };
      if (p.change === "deleted") {
        // Evolution forwards the deleted message's key as Baileys gives it, and nothing of its content.
        event = "MESSAGES_DELETE";
        data = key;
        break;
      }
      // Evolution forwards the edit's protocol message: its type, the edited content, when (ms, a string).
      event = "MESSAGES_EDITED";
      const editedAt = typeof p.editedAt === "string" ? Date.parse(p.editedAt) : work.createdAt.getTime();
      const kind = typeof p.messageType === "string" ? p.messageType : "text";
      data = {
        key,
        type: "MESSAGE_EDIT",
        editedMessage: evolutionContent(String(p.text ?? ""), null, remoteJid, kind).message,
        timestampMs: String(editedAt),
      };
      break;
    }
    case "message:status": {
      const st = String(p.state);
      const status = STATUS[st];
      if (!status || st === "queued" || st === "claimed" || st === "sending") return undefined;
      const remoteJid = jidOf(p.recipientPhone, null);
      if (st === "sent") {
        event = "SEND_MESSAGE";
        data = {
          key: { remoteJid, fromMe: true, id: p.waMessageId },
          status,
          messageType: "conversation",
          messageTimestamp: Math.floor(work.createdAt.getTime() / 1000),
          instanceId: p.instanceId,
          source: "mirage",
        };
      } else {
        event = "MESSAGES_UPDATE";
        data = {
          messageId: String(p.messageId),
          keyId: p.waMessageId,
          remoteJid,
          fromMe: true,
          participant: null,
          status,
          instanceId: p.instanceId,
          ...(st === "failed" ? { error: p.errorCode ?? null } : {}),
        };
      }
      break;
    }
    default:
      return undefined;
  }
  if (!work.endpointEvents.includes(event)) return undefined;
  const name = event.toLowerCase().replace(/_/g, "-");
  return {
    event,
    url: work.byEvents ? `${work.url.replace(/\/+$/, "")}/${name}` : work.url,
    body: {
      event: event.toLowerCase().replace(/_/g, "."),
      instance,
      data,
      destination: work.url,
      date_time: work.createdAt.toISOString(),
      sender: null,
      server_url: work.serverUrl ?? null,
      apikey: null,
    },
  };
}
