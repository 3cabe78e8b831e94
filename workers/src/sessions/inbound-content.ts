import {
  isLidUser,
  jidNormalizedUser,
  normalizeMessageContent,
  type proto,
  type WAMessage,
} from "@whiskeysockets/baileys";
import type { Account, InboundText, QuotedRef } from "./session-types.ts";
import type { InboundMessage } from "./types.ts";

/** Longest quoted text kept: the quote is context for the reply, not a copy of the original. */
const QUOTE_MAX = 4_096;

/** What kind of message arrived: a text, or media Mirage records without downloading it. */
export type InboundMessageType = InboundMessage["messageType"];

/**
 * What an inbound message says: its type and its text — a text message's text, a media message's caption (empty
 * without one), a location's name or address, a shared contact's name, a reaction's emoji (empty: taken back).
 * Undefined for what is not a message to a person (edits and deletions — see `changeOf` —, protocol and
 * key-distribution messages, polls): those are not stored as messages. Wrappers (disappearing, view-once, a document
 * with a caption) are unwrapped first.
 */
export function inboundContent(
  message: proto.IMessage | null | undefined,
): { messageType: InboundMessageType; text: string } | undefined {
  const m = normalizeMessageContent(message);
  if (!m) return undefined;
  const text = m.conversation ?? m.extendedTextMessage?.text;
  if (typeof text === "string") return { messageType: "text", text };
  if (m.imageMessage) return { messageType: "image", text: m.imageMessage.caption ?? "" };
  if (m.videoMessage) return { messageType: "video", text: m.videoMessage.caption ?? "" };
  if (m.audioMessage) return { messageType: m.audioMessage.ptt ? "voice" : "audio", text: "" };
  if (m.documentMessage) return { messageType: "document", text: m.documentMessage.caption ?? "" };
  if (m.stickerMessage) return { messageType: "sticker", text: "" };
  const place = m.locationMessage ?? m.liveLocationMessage;
  if (place) {
    const named = "name" in place ? [place.name, place.address] : [];
    return { messageType: "location", text: named.filter(Boolean).join(" — ") };
  }
  if (m.contactMessage) return { messageType: "contact", text: m.contactMessage.displayName ?? "" };
  if (m.contactsArrayMessage) return { messageType: "contact", text: m.contactsArrayMessage.displayName ?? "" };
  if (m.reactionMessage?.key?.id) return { messageType: "reaction", text: m.reactionMessage.text ?? "" };
  return undefined;
}

/** WhatsApp's protocol message types for a deletion for everyone and an edit. */
const REVOKE = 0;
const MESSAGE_EDIT = 14;

/**
 * The sender changing a message of theirs: an edit (its new text: the edited message's text or caption) or a
 * deletion for everyone, naming the message changed (`id`). Undefined for anything else.
 */
export function changeOf(
  message: proto.IMessage | null | undefined,
): { id: string; change: "edited" | "deleted"; text: string } | undefined {
  const p = normalizeMessageContent(message)?.protocolMessage;
  const id = p?.key?.id;
  if (!p || !id) return undefined;
  if (p.type === REVOKE) return { id, change: "deleted", text: "" };
  if (p.type === MESSAGE_EDIT) {
    const edited = normalizeMessageContent(p.editedMessage);
    return { id, change: "edited", text: shownText(edited) ?? "" };
  }
  return undefined;
}

/** What a quoted message shows: its text, or a media caption; undefined when it has neither. */
function shownText(message: proto.IMessage | null | undefined): string | undefined {
  if (!message) return undefined;
  return (
    message.conversation ??
    message.extendedTextMessage?.text ??
    message.imageMessage?.caption ??
    message.videoMessage?.caption ??
    message.documentMessage?.caption ??
    undefined
  );
}

/**
 * What an inbound reply quotes, from its `contextInfo` (WhatsApp's: `stanzaId` the quoted message's id,
 * `participant` its author, `quotedMessage` a copy of it). `fromMe` when the author is `account` (by phone JID or
 * LID). The quoted text is its text or caption (cut to 4,096 characters), empty for media without one. A reaction
 * names the message it reacts to the same way (its key, which Baileys turned to this account's side; no text).
 * Undefined when the message quotes nothing.
 */
export function quotedOf(
  message: proto.IMessage | null | undefined,
  account: Account | undefined,
): QuotedRef | undefined {
  const m = normalizeMessageContent(message);
  const reacted = m?.reactionMessage?.key;
  if (reacted?.id) return { id: reacted.id, fromMe: reacted.fromMe === true, text: "" };
  const context =
    m?.extendedTextMessage?.contextInfo ??
    m?.imageMessage?.contextInfo ??
    m?.videoMessage?.contextInfo ??
    m?.audioMessage?.contextInfo ??
    m?.documentMessage?.contextInfo ??
    m?.stickerMessage?.contextInfo;
  const id = context?.stanzaId;
  if (!id) return undefined;
  const author = context.participant ? jidNormalizedUser(context.participant) : undefined;
  const fromMe = author !== undefined && (author === account?.jid || author === account?.lid);
  return { id, fromMe, text: (shownText(context.quotedMessage) ?? "").slice(0, QUOTE_MAX) };
}

/**
 * What a message someone sent this account becomes for the inbound pipeline: a message (text, media, reaction) or
 * the sender changing one of theirs (an edit, a deletion), with the sender by phone JID and LID as far as the
 * envelope says. Undefined for anything else: groups and broadcasts (not conversations Mirage runs), and what is
 * not a message to a person. `live`: delivered as a notification, not replayed after a reconnect or from history.
 */
export function inboundOf(msg: WAMessage, live: boolean, account: Account | undefined): InboundText | undefined {
  const id = msg.key.id;
  const from = msg.key.remoteJid;
  if (!id || !from || !/@(s\.whatsapp\.net|lid)$/.test(from)) return undefined;
  const content = inboundContent(msg.message);
  const change = content === undefined ? changeOf(msg.message) : undefined;
  if (!content && !change) return undefined;
  const alt = msg.key.remoteJidAlt ?? null;
  const fromIsLid = isLidUser(from) === true;
  const base = {
    fromJid: from,
    fromPhoneJid: fromIsLid ? (alt ? jidNormalizedUser(alt) : null) : jidNormalizedUser(from),
    fromLid: fromIsLid ? jidNormalizedUser(from) : alt && isLidUser(alt) ? jidNormalizedUser(alt) : null,
    pushName: msg.pushName ?? null,
    at: new Date(Number(msg.messageTimestamp ?? Math.floor(Date.now() / 1000)) * 1000),
    replay: !live,
  };
  if (change) {
    return {
      ...base,
      messageId: change.id,
      messageType: "text",
      text: change.text,
      quoted: null,
      change: change.change,
    };
  }
  const { messageType, text } = content as NonNullable<typeof content>;
  return { ...base, messageId: id, messageType, text, quoted: quotedOf(msg.message, account) ?? null };
}
