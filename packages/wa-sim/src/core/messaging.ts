import { getBinaryNodeChild, getBinaryNodeChildren, jidDecode, type proto } from "@whiskeysockets/baileys";
import type { VirtualContact } from "../contacts/contact.ts";
import { type BinaryNode, contentBuffer, node, unixNow, WA_SERVER } from "../protocol/nodes.ts";
import type { Connection } from "../transport/connection.ts";
import {
  type Account,
  type Companion,
  type ContactAction,
  type ContactMedia,
  type InboundRecord,
  MAX_DELIVERED_HISTORY,
  MAX_PENDING_RECEIPTS,
  type QuotedByContact,
} from "./accounts.ts";
import { addressingOf, contentOf, contentTypeOf, quotedOf, textOf } from "./contact-content.ts";
import { randomId, type SimContext } from "./context.ts";
import { isTimelocked } from "./faults.ts";
import { RetryRequests } from "./retry-requests.ts";

/** Ack error the real service uses when an account may not start new chats (reach-out timelock, cap). */
export const ACK_ERROR_RESTRICTED = "463";

/** Messages between companions and contacts: acks, decryption, ground truth, receipts, replies and typing. */
export class Messaging {
  readonly retries: RetryRequests;

  constructor(private readonly ctx: SimContext) {
    this.retries = new RetryRequests(ctx, (account, stanza) => this.sendToAccount(account, stanza));
  }

  /** A companion sent `<message>`: the server acks it (or refuses it), and the contact receives it. */
  async handleOutgoing(
    account: Account,
    companion: Companion,
    connection: Connection,
    stanza: BinaryNode,
  ): Promise<void> {
    const id = stanza.attrs.id ?? "";
    const to = stanza.attrs.to ?? "";
    const target = jidDecode(to);
    const contact =
      target?.user && target.server !== "g.us" ? this.ctx.contacts.findByUser(target.user, target.server) : undefined;
    if (!contact?.behaviour.onWhatsApp) {
      this.ack(account, connection, id, to);
      const addressee = contact?.phone ?? target?.user ?? to;
      this.ctx.groundTruth.recordDropped({ contact: addressee, account: account.phone, id, reason: "not_on_whatsapp" });
      return;
    }
    const isNewChat = !account.chatsStarted.has(contact.phone);
    const refusal = isNewChat ? this.refusal(account) : undefined;
    if (refusal) {
      this.ctx.send(connection, node("ack", { class: "message", id, from: to, t: unixNow(), error: refusal }));
      return;
    }
    if (isNewChat) {
      account.chatsStarted.add(contact.phone);
      this.ctx.changed();
      const cap = account.faults.newChatCap;
      if (cap) {
        cap.used++;
        if (cap.used >= cap.quota) this.notifyCap(account, connection);
      }
    }
    this.ack(account, connection, id, to);

    const enc = this.encFor(stanza, contact);
    if (!enc) {
      this.ctx.groundTruth.recordDropped({
        contact: contact.phone,
        account: account.phone,
        id,
        reason: "no_copy_for_contact",
      });
      return;
    }
    const undecrypted = { account, contact, to, id, t: stanza.attrs.t };
    if (contact.behaviour.decryptFailures > 0) {
      // Left encrypted, as a phone that lost the session would: the sender's resend starts the chain again.
      contact.behaviour.decryptFailures--;
      this.ctx.changed();
      this.retries.failed({ ...undecrypted, error: "simulated decryption failure (decryptFailures)" });
      return;
    }
    let message: proto.Message;
    try {
      message = await contact.decrypt(
        { user: account.phone, device: companion.deviceId },
        enc.attrs.type ?? "msg",
        contentBuffer(enc),
      );
    } catch (err) {
      this.ctx.logger.warn({ err, id, contact: contact.phone }, "contact could not decrypt a message");
      this.retries.failed({ ...undecrypted, error: err instanceof Error ? err.message : String(err) });
      return;
    }
    if (message.protocolMessage || message.senderKeyDistributionMessage) return;
    const text = textOf(message);
    const received = this.ctx.groundTruth.recordReceived({
      contact: contact.phone,
      account: account.phone,
      device: companion.deviceId,
      id,
      text,
      quoted: quotedOf(message),
      contentType: contentTypeOf(message),
      ...(message.reactionMessage?.key?.id
        ? { reaction: { id: message.reactionMessage.key.id, emoji: message.reactionMessage.text ?? "" } }
        : {}),
      receivedAt: new Date(),
    });
    const { deliveryDelayMs, readDelayMs } = contact.behaviour;
    if (deliveryDelayMs !== null) {
      this.ctx.timers.after(deliveryDelayMs, () => {
        received.deliveredAt = new Date();
        this.sendToAccount(account, node("receipt", { from: to, id, t: unixNow() }));
        if (readDelayMs === null) return;
        this.ctx.timers.after(readDelayMs, () => {
          received.readAt = new Date();
          this.sendToAccount(account, node("receipt", { from: to, id, t: unixNow(), type: "read" }));
        });
      });
    }
    const reply = text !== undefined ? contact.replyTo(text) : undefined;
    if (reply) {
      const typingMs = reply.typingMs ?? 300;
      this.ctx.timers.after(reply.delayMs ?? 200, () => {
        if (typingMs > 0) this.sendTyping(contact, account, "composing");
        this.ctx.timers.after(typingMs, () => {
          if (typingMs > 0) this.sendTyping(contact, account, "paused");
          this.sendText(contact, account, reply.text, undefined, undefined, reply.media).catch((err: unknown) =>
            this.ctx.logger.warn({ err, contact: contact.phone }, "scripted reply failed"),
          );
        });
      });
    }
  }

  /**
   * The contact sends a text to every live companion of `account` (queued until a login when none is online).
   * `quoteId`: a reply quoting that message — one the account sent this contact, or one the contact sent the
   * account —, carried as WhatsApp does (`extendedTextMessage.contextInfo`). An id neither side has throws.
   */
  async sendText(
    contact: VirtualContact,
    account: Account,
    text: string,
    id = randomId(this.ctx.random),
    quoteId?: string,
    media?: ContactMedia,
  ): Promise<string> {
    const quote = quoteId === undefined ? undefined : this.quotable(contact, account, quoteId);
    this.ctx.groundTruth.recordSent({ contact: contact.phone, account: account.phone, id, text, sentAt: new Date() });
    const record: InboundRecord = {
      contact: contact.phone,
      id,
      text,
      addressing: addressingOf(contact),
      ...(quote ? { quote } : {}),
      ...(media ? { media } : {}),
    };
    await this.deliverRecord(contact, account, record);
    return id;
  }

  /**
   * The contact acts on a message of its chat with `account`: reacts to one (either side's), or edits or deletes for
   * everyone one of its own — sent as its phone would (a reaction message; a protocol message naming the message),
   * delivered like a text. Returns the new message's id. A message the chat does not have (or, to edit or delete,
   * one the contact did not send) throws `UnknownQuoteError`.
   */
  async sendAction(
    contact: VirtualContact,
    account: Account,
    act:
      | { kind: "reaction"; target: string; emoji: string }
      | { kind: "edit"; target: string; text: string }
      | {
          kind: "delete";
          target: string;
        },
  ): Promise<string> {
    const chatJid = `${account.phone}@${WA_SERVER}`;
    const own = this.ctx.groundTruth
      .sentByContacts({ contact: contact.phone, account: account.phone })
      .some((m) => m.id === act.target);
    let action: ContactAction;
    if (act.kind === "reaction") {
      // Either side's message: `quotable` throws for one the chat does not have.
      this.quotable(contact, account, act.target);
      action = { kind: "reaction", target: act.target, chatJid, ownMessage: own, emoji: act.emoji };
    } else {
      if (!own) throw new UnknownQuoteError(`the contact sent no message ${act.target} in this chat`);
      action = act.kind === "edit" ? { ...act, chatJid } : { kind: "delete", target: act.target, chatJid };
    }
    const id = randomId(this.ctx.random);
    const text = act.kind === "reaction" ? act.emoji : act.kind === "edit" ? act.text : "";
    this.ctx.groundTruth.recordSent({ contact: contact.phone, account: account.phone, id, text, sentAt: new Date() });
    const record: InboundRecord = { contact: contact.phone, id, text: "", addressing: addressingOf(contact), action };
    await this.deliverRecord(contact, account, record);
    return id;
  }

  /** A contact's message to every live companion of `account`, or queued until a login when none is online. */
  private async deliverRecord(contact: VirtualContact, account: Account, record: InboundRecord): Promise<void> {
    const live = [...account.companions.values()].filter((c) => !c.removed && c.connection?.isOpen);
    if (live.length === 0) {
      account.pendingInbound.push(record);
      this.ctx.changed();
      return;
    }
    await Promise.all(live.map((c) => this.deliverText(contact, account, c, record)));
    this.remember(account, record);
  }

  /** The message `id` of this chat as a reply quotes it: its author's JID and its text. */
  private quotable(contact: VirtualContact, account: Account, id: string): QuotedByContact {
    const received = this.ctx.groundTruth
      .messages({ contact: contact.phone, account: account.phone })
      .find((m) => m.id === id);
    if (received) return { id, participant: `${account.phone}@${WA_SERVER}`, text: received.text ?? "" };
    const sent = this.ctx.groundTruth
      .sentByContacts({ contact: contact.phone, account: account.phone })
      .find((m) => m.id === id);
    if (sent) return { id, participant: `${contact.phone}@${WA_SERVER}`, text: sent.text };
    throw new UnknownQuoteError(`no message ${id} in this chat to quote`);
  }

  /**
   * What a companion gets when it logs in: receipts and messages that waited for it, then — when the
   * `replay-inbound` fault asked for it — the last messages it already had, again, with the same ids.
   */
  async flushOnLogin(account: Account, companion: Companion): Promise<void> {
    const receipts = account.pendingReceipts.splice(0);
    if (companion.connection) for (const receipt of receipts) this.ctx.send(companion.connection, receipt);
    const pending = account.pendingInbound.splice(0);
    const replay = account.replayOnLogin > 0 ? account.deliveredInbound.slice(-account.replayOnLogin) : [];
    account.replayOnLogin = 0;
    for (const item of replay) {
      const contact = this.ctx.contacts.get(item.contact);
      if (contact) await this.deliverText(contact, account, companion, item, true);
    }
    if (pending.length > 0) this.ctx.changed();
    for (const item of pending) {
      const contact = this.ctx.contacts.get(item.contact);
      if (!contact) continue;
      await this.deliverText(contact, account, companion, item, true);
      this.remember(account, item);
    }
  }

  private remember(account: Account, record: InboundRecord): void {
    account.deliveredInbound.push(record);
    if (account.deliveredInbound.length > MAX_DELIVERED_HISTORY) account.deliveredInbound.shift();
  }

  sendTyping(contact: VirtualContact, account: Account, state: "composing" | "paused" | "recording"): void {
    const child = state === "recording" ? node("composing", { media: "audio" }) : node(state);
    this.sendToAccount(account, node("chatstate", { from: `${contact.phone}@${WA_SERVER}` }, [child]));
  }

  /**
   * A companion sent a `<receipt>` to a contact (for messages it received): `read` ones are the blue ticks the
   * contact sees. The ids are the `id` attribute and any `<list><item id>` children.
   */
  async handleReceipt(account: Account, companion: Companion, stanza: BinaryNode): Promise<void> {
    const to = jidDecode(stanza.attrs.to ?? "");
    const contact = to?.user ? this.ctx.contacts.findByUser(to.user, to.server) : undefined;
    if (!contact || !stanza.attrs.id) return;
    if (stanza.attrs.type === "retry") {
      const resend = (r: InboundRecord) => this.deliverText(contact, account, companion, r);
      return this.retries.answer({ account, companion, contact, id: stanza.attrs.id }, resend);
    }
    const items = getBinaryNodeChildren(getBinaryNodeChild(stanza, "list"), "item");
    const ids = [stanza.attrs.id, ...items.flatMap((i) => (i.attrs.id ? [i.attrs.id] : []))];
    this.ctx.groundTruth.noteReceiptFromAccount(account.phone, contact.phone, ids, stanza.attrs.type ?? "delivery");
  }

  /** A companion announced an account-wide `<presence>` (online or not). */
  handlePresence(account: Account, stanza: BinaryNode): void {
    const type = stanza.attrs.type;
    if (type === "available" || type === "unavailable") {
      this.ctx.groundTruth.noteAccountPresence(account.phone, type, stanza.attrs.name);
    }
  }

  /** A companion sent `<chatstate>`: remembered as the presence seen before its next message. */
  handleChatState(account: Account, stanza: BinaryNode): void {
    const to = jidDecode(stanza.attrs.to ?? "");
    const contact = to?.user ? this.ctx.contacts.findByUser(to.user, to.server) : undefined;
    const [state] = Array.isArray(stanza.content) ? stanza.content : [];
    if (!contact || !state) return;
    const name = state.tag === "composing" && state.attrs.media === "audio" ? "recording" : state.tag;
    this.ctx.groundTruth.notePresence(account.phone, contact.phone, name);
  }

  private async deliverText(
    contact: VirtualContact,
    account: Account,
    companion: Companion,
    record: InboundRecord,
    offline = false,
  ): Promise<void> {
    const connection = companion.connection;
    if (!connection?.isOpen) return;
    const byLid = record.addressing === "lid" || record.addressing === "lid-with-pn";
    const { type, body } = await contact.encrypt(
      { user: account.phone, device: companion.deviceId },
      contentOf(record),
      () => {
        const [first] = companion.preKeys.entries();
        if (first) {
          companion.preKeys.delete(first[0]);
          this.ctx.changed();
        }
        return {
          registrationId: companion.keys.registrationId,
          identityKey: companion.keys.identityKey,
          signedPreKey: companion.keys.signedPreKey,
          preKey: first ? { keyId: first[0], publicKey: first[1] } : undefined,
        };
      },
      byLid ? "lid" : "pn",
    );
    const attrs: Record<string, string> = {
      from: byLid ? `${contact.lid}@lid` : `${contact.phone}@${WA_SERVER}`,
      id: record.id,
      t: unixNow(),
      type: "text",
      notify: contact.behaviour.name,
    };
    if (byLid) attrs.addressing_mode = "lid";
    if (record.addressing === "lid-with-pn") attrs.sender_pn = `${contact.phone}@${WA_SERVER}`;
    if (offline) attrs.offline = "1";
    this.ctx.send(connection, node("message", attrs, [node("enc", { v: "2", type }, body)]));
  }

  private encFor(stanza: BinaryNode, contact: VirtualContact): BinaryNode | undefined {
    const participants = getBinaryNodeChildren(getBinaryNodeChild(stanza, "participants"), "to");
    const mine = participants.find((p) => {
      const jid = jidDecode(p.attrs.jid ?? "");
      return jid?.user !== undefined && contact.isUser(jid.user) && !jid.device;
    });
    return getBinaryNodeChild(mine ?? stanza, "enc");
  }

  private refusal(account: Account): string | undefined {
    if (isTimelocked(account.faults)) return ACK_ERROR_RESTRICTED;
    const cap = account.faults.newChatCap;
    if (cap && cap.used >= cap.quota) return ACK_ERROR_RESTRICTED;
    return undefined;
  }

  private ack(account: Account, connection: Connection, id: string, to: string): void {
    const ack = node("ack", { class: "message", id, from: to, t: unixNow() });
    const mode = account.faults.ack;
    if (mode?.mode === "missing") return;
    if (mode?.mode === "slow") this.ctx.timers.after(mode.ms, () => this.ctx.send(connection, ack));
    else this.ctx.send(connection, ack);
  }

  private notifyCap(account: Account, connection: Connection): void {
    const cap = account.faults.newChatCap;
    if (!cap) return;
    const payload = {
      data: {
        xwa2_notify_new_chat_messages_capping_info_update: {
          total_quota: cap.quota,
          used_quota: cap.used,
          capping_status: "CAPPED",
          server_sent_timestamp: unixNow(),
        },
      },
    };
    this.ctx.send(
      connection,
      node("notification", { from: WA_SERVER, type: "mex", id: randomId(this.ctx.random, "", 8), t: unixNow() }, [
        node("update", { op_name: "MessageCappingInfoNotification" }, Buffer.from(JSON.stringify(payload))),
      ]),
    );
  }

  private sendToAccount(account: Account, stanza: BinaryNode): void {
    let sent = false;
    for (const companion of account.companions.values()) {
      if (!companion.removed && companion.connection?.isOpen) {
        this.ctx.send(companion.connection, stanza);
        sent = true;
      }
    }
    // The real service keeps receipts for a device that is offline and hands them over at its next login.
    if (!sent && stanza.tag === "receipt" && account.pendingReceipts.length < MAX_PENDING_RECEIPTS) {
      account.pendingReceipts.push(stanza);
    }
  }
}

/** A reply asked to quote a message its chat does not have. */
export class UnknownQuoteError extends Error {}
