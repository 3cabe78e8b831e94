import { jidNormalizedUser, type proto } from "@whiskeysockets/baileys";
import type { Account, QuotedRef } from "./session-types.ts";

/** Longest quoted text kept: the quote is context for the reply, not a copy of the original. */
const QUOTE_MAX = 4_096;

/** A text message's text (plain or extended); undefined for any other kind of message. */
export function messageText(message: proto.IMessage | null | undefined): string | undefined {
  if (!message) return undefined;
  return message.conversation ?? message.extendedTextMessage?.text ?? undefined;
}

/** What a quoted message shows: its text, or a media caption; undefined when it has neither. */
function shownText(message: proto.IMessage | null | undefined): string | undefined {
  if (!message) return undefined;
  return (
    messageText(message) ??
    message.imageMessage?.caption ??
    message.videoMessage?.caption ??
    message.documentMessage?.caption ??
    undefined
  );
}

/**
 * What an inbound reply quotes, from its `contextInfo` (WhatsApp's: `stanzaId` the quoted message's id,
 * `participant` its author, `quotedMessage` a copy of it). `fromMe` when the author is `account` (by phone JID or
 * LID). The quoted text is its text or caption (cut to 4,096 characters), empty for media without one. Undefined
 * when the message quotes nothing.
 */
export function quotedOf(
  message: proto.IMessage | null | undefined,
  account: Account | undefined,
): QuotedRef | undefined {
  const context =
    message?.extendedTextMessage?.contextInfo ??
    message?.imageMessage?.contextInfo ??
    message?.videoMessage?.contextInfo ??
    message?.documentMessage?.contextInfo;
  const id = context?.stanzaId;
  if (!id) return undefined;
  const author = context.participant ? jidNormalizedUser(context.participant) : undefined;
  const fromMe = author !== undefined && (author === account?.jid || author === account?.lid);
  return { id, fromMe, text: (shownText(context.quotedMessage) ?? "").slice(0, QUOTE_MAX) };
}
