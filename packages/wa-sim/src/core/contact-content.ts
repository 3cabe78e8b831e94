import { proto } from "@whiskeysockets/baileys";
import type { VirtualContact } from "../contacts/contact.ts";
import type { ContactAddressing, InboundRecord } from "./accounts.ts";
import type { ReceivedMessage } from "./ground-truth.ts";

/** What a message's text is: a plain or extended text's; undefined for anything else. */
export function textOf(message: proto.IMessage): string | undefined {
  return message.conversation ?? message.extendedTextMessage?.text ?? undefined;
}

/** A reply's quote as the contact's phone received it: the quoted id, its author and text. */
export function quotedOf(message: proto.IMessage): ReceivedMessage["quoted"] {
  const context = message.extendedTextMessage?.contextInfo;
  if (!context?.stanzaId) return undefined;
  return {
    id: context.stanzaId,
    participant: context.participant ?? undefined,
    text: context.quotedMessage ? textOf(context.quotedMessage) : undefined,
  };
}

/** A message's top-level content type (`conversation`, `reactionMessage`…). */
export function contentTypeOf(message: proto.IMessage): string {
  const key = Object.keys(message).find(
    (k) => k !== "messageContextInfo" && message[k as keyof proto.IMessage] != null,
  );
  return key ?? "unknown";
}

/**
 * The message a contact's record becomes: a text (an extended one when it quotes), or media without a file — its
 * kind, caption and, for a reply, the quote — as the phone would send it.
 */
export function contentOf(record: InboundRecord): proto.IMessage {
  const action = record.action;
  if (action?.kind === "reaction") {
    const key = { remoteJid: action.chatJid, fromMe: action.ownMessage, id: action.target };
    return { reactionMessage: { key, text: action.emoji, senderTimestampMs: Date.now() } };
  }
  if (action) {
    // The protocol message's key names the changed message from the contact's side: its own.
    const key = { remoteJid: action.chatJid, fromMe: true, id: action.target };
    return action.kind === "edit"
      ? {
          protocolMessage: {
            type: proto.Message.ProtocolMessage.Type.MESSAGE_EDIT,
            key,
            editedMessage: { conversation: action.text },
            timestampMs: Date.now(),
          },
        }
      : { protocolMessage: { type: proto.Message.ProtocolMessage.Type.REVOKE, key } };
  }
  const contextInfo = record.quote
    ? {
        stanzaId: record.quote.id,
        participant: record.quote.participant,
        quotedMessage: { conversation: record.quote.text },
      }
    : undefined;
  const caption = record.text || undefined;
  switch (record.media) {
    case undefined:
      return contextInfo ? { extendedTextMessage: { text: record.text, contextInfo } } : { conversation: record.text };
    case "image":
      return { imageMessage: { mimetype: "image/jpeg", caption, contextInfo } };
    case "video":
      return { videoMessage: { mimetype: "video/mp4", caption, contextInfo } };
    case "audio":
    case "voice":
      return {
        audioMessage: { mimetype: "audio/ogg; codecs=opus", ptt: record.media === "voice", seconds: 7, contextInfo },
      };
    case "document":
      return { documentMessage: { mimetype: "application/pdf", fileName: "arquivo.pdf", caption, contextInfo } };
    case "sticker":
      return { stickerMessage: { mimetype: "image/webp", contextInfo } };
    case "location":
      return { locationMessage: { degreesLatitude: -23.55, degreesLongitude: -46.63, name: caption, contextInfo } };
    case "contact":
      return {
        contactMessage: {
          displayName: caption ?? "Contato",
          vcard: "BEGIN:VCARD\nVERSION:3.0\nEND:VCARD",
          contextInfo,
        },
      };
  }
}

/** How a contact's messages name their sender (a contact without a LID always by phone). */
export const addressingOf = (contact: VirtualContact): ContactAddressing =>
  contact.behaviour.hasLid ? contact.behaviour.addressing : "pn";
