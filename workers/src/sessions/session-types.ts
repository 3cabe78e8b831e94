/** What a hosted socket reports and takes, in Mirage's own types (the edge `session.ts` maps Baileys to). */

import type { InboundMessage } from "./types.ts";

/** The message a reply quotes: its WhatsApp id, whether this account sent it, and its text. */
export type QuotedRef = { id: string; fromMe: boolean; text: string };

export type Account = { jid: string; lid: string | null; phoneE164: string | null };

export type MessageStatusUpdate = {
  waMessageId: string;
  status: "server_ack" | "delivered" | "read" | "error";
  remoteJid: string | null;
  errorCode?: string;
};

/** An inbound message as one socket reports it: the port adds the instance and organization it belongs to. */
export type InboundText = Omit<InboundMessage, "instanceId" | "orgId">;

/** What one socket reports to its host. Every callback is invoked at most once per fact. */
export type SessionEvents = {
  qr(qr: string): void;
  opened(account: Account): void;
  closed(info: { statusCode: number | undefined; message: string }): void;
  restriction(info: { active: boolean; until: Date | null }): void;
  messageStatus(update: MessageStatusUpdate): void;
  inbound(message: InboundText): void;
  /** The host lost the instance (fencing) or the creds could not be saved: stop without retrying. */
  fatal(error: Error): void;
};
