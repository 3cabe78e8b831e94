import type { VirtualContact } from "../contacts/contact.ts";
import type { AccountRegistry, ContactMedia } from "./accounts.ts";
import type { DroppedMessage, GroundTruth, ReceivedMessage, SentByContact } from "./ground-truth.ts";
import type { Messaging } from "./messaging.ts";

type ContactDeps = { messaging: Messaging; accounts: AccountRegistry; groundTruth: GroundTruth };

/** A virtual contact as tests drive it: send texts to an account, show typing, read what it received. */
export class ContactHandle {
  constructor(
    private readonly contact: VirtualContact,
    private readonly deps: ContactDeps,
  ) {}

  get phone(): string {
    return this.contact.phone;
  }

  /** The contact's LID user part, or undefined when it is configured without one. */
  get lid(): string | undefined {
    return this.contact.behaviour.hasLid ? this.contact.lid : undefined;
  }

  get jid(): string {
    return `${this.contact.phone}@s.whatsapp.net`;
  }

  get behaviour() {
    return this.contact.behaviour;
  }

  /**
   * Sends a text to the account `phone` (to every live companion; queued if none is online). Returns its id.
   * `opts.quote`: a reply quoting that message id of the chat (one the account sent, or one this contact sent).
   */
  sendText(toAccount: string, text: string, opts: { quote?: string } = {}): Promise<string> {
    return this.deps.messaging.sendText(
      this.contact,
      this.deps.accounts.ensure(toAccount),
      text,
      undefined,
      opts.quote,
    );
  }

  /**
   * Sends media to the account `phone` — a photo, a voice note… without a file (what arrives is its kind and
   * `caption`), as `sendText` does otherwise (`opts.quote` a reply). Returns its id.
   */
  sendMedia(toAccount: string, media: ContactMedia, opts: { caption?: string; quote?: string } = {}): Promise<string> {
    return this.deps.messaging.sendText(
      this.contact,
      this.deps.accounts.ensure(toAccount),
      opts.caption ?? "",
      undefined,
      opts.quote,
      media,
    );
  }

  /** Reacts to a message of the chat (the account's or its own) with `emoji` (empty: takes the reaction back). */
  react(toAccount: string, messageId: string, emoji: string): Promise<string> {
    return this.deps.messaging.sendAction(this.contact, this.deps.accounts.ensure(toAccount), {
      kind: "reaction",
      target: messageId,
      emoji,
    });
  }

  /** Edits one of its own messages of the chat to `text`. */
  edit(toAccount: string, messageId: string, text: string): Promise<string> {
    return this.deps.messaging.sendAction(this.contact, this.deps.accounts.ensure(toAccount), {
      kind: "edit",
      target: messageId,
      text,
    });
  }

  /** Deletes one of its own messages of the chat for everyone. */
  deleteForEveryone(toAccount: string, messageId: string): Promise<string> {
    return this.deps.messaging.sendAction(this.contact, this.deps.accounts.ensure(toAccount), {
      kind: "delete",
      target: messageId,
    });
  }

  /** Shows "typing…" (or stops it) in the account's chat with this contact. */
  typing(toAccount: string, state: "composing" | "paused" | "recording" = "composing"): void {
    this.deps.messaging.sendTyping(this.contact, this.deps.accounts.ensure(toAccount), state);
  }

  /** Every message this contact sent to accounts (with `readAt` once an account's companion read it), oldest first. */
  sent(toAccount?: string): SentByContact[] {
    return this.deps.groundTruth.sentByContacts({
      contact: this.contact.phone,
      ...(toAccount ? { account: toAccount } : {}),
    });
  }

  /**
   * Message stanzas addressed to this contact that it never received (acked, then not decryptable or carrying no
   * copy for it), oldest first: what a test reports when a message it waited for never came.
   */
  dropped(fromAccount?: string): DroppedMessage[] {
    return this.deps.groundTruth.dropped({
      contact: this.contact.phone,
      ...(fromAccount ? { account: fromAccount } : {}),
    });
  }

  /**
   * Sends the retry receipts this contact held (behaviour `retryDelayMs: null`: its phone asks for the messages it
   * could not decrypt only now). Returns how many it sent.
   */
  sendHeldRetries(): number {
    return this.deps.messaging.retries.sendHeld(this.contact.phone);
  }

  /** Every message this contact received, oldest first. */
  messages(fromAccount?: string): ReceivedMessage[] {
    return this.deps.groundTruth.messages({
      contact: this.contact.phone,
      ...(fromAccount ? { account: fromAccount } : {}),
    });
  }
}
