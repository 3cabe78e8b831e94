import { encodeBigEndian } from "@whiskeysockets/baileys";
import type { VirtualContact } from "../contacts/contact.ts";
import { type BinaryNode, node, unixNow } from "../protocol/nodes.ts";
import type { Account, Companion, InboundRecord } from "./accounts.ts";
import type { SimContext } from "./context.ts";

/** A phone asks for the same message at most this many times, then gives up (WhatsApp's clients stop near 5). */
export const MAX_RETRY_REQUESTS = 3;
/** Retry counts remembered (by account, contact and message): the oldest are forgotten past this. */
const MAX_TRACKED = 10_000;

/** The copy a contact failed to decrypt, as `handleOutgoing` saw it. */
export type Undecrypted = {
  account: Account;
  contact: VirtualContact;
  /** The JID the stanza was addressed to (phone or LID): the receipt comes from it, as delivery receipts do. */
  to: string;
  id: string;
  /** The stanza's `t` attribute (seconds), echoed in the retry node. */
  t: string | undefined;
  error: string;
};

/**
 * What a contact's phone does with a message it could not decrypt: WhatsApp's retry receipt
 * (`<receipt type="retry"><retry count id t v/><registration/></receipt>`) to the sender's devices, which write the
 * message again under the same id. Recorded as dropped meanwhile; a resend that decrypts is received as usual.
 * Held receipts (`retryDelayMs: null`) wait for `sendHeld`. The other way round, `answer` is the contact's phone
 * receiving a companion's retry receipt.
 */
export class RetryRequests {
  private readonly counts = new Map<string, number>();
  private readonly held = new Map<string, (() => void)[]>();

  constructor(
    private readonly ctx: SimContext,
    /** Sends to every live companion of the account, or keeps the receipt for its next login. */
    private readonly toAccount: (account: Account, stanza: BinaryNode) => void,
  ) {}

  failed(u: Undecrypted): void {
    const { account, contact, id } = u;
    this.ctx.groundTruth.recordDropped({
      contact: contact.phone,
      account: account.phone,
      id,
      reason: "undecryptable",
      error: u.error,
    });
    const count = this.next(`ask>${account.phone}>${contact.phone}>${id}`);
    if (count > MAX_RETRY_REQUESTS) return;
    const send = () =>
      this.toAccount(
        account,
        node("receipt", { from: u.to, id, t: unixNow(), type: "retry" }, [
          node("retry", { count: String(count), id, t: u.t ?? unixNow(), v: "1" }),
          node("registration", {}, encodeBigEndian(contact.identity.registrationId)),
        ]),
      );
    const delay = contact.behaviour.retryDelayMs;
    if (delay !== null) {
      this.ctx.timers.after(delay, send);
      return;
    }
    const list = this.held.get(contact.phone) ?? [];
    list.push(send);
    this.held.set(contact.phone, list);
  }

  /**
   * A companion could not decrypt the contact's message `id` and sent a retry receipt: the contact's phone drops its
   * session with that device and sends the message again (`resend`), which starts a new session (a `pkmsg`), as
   * WhatsApp's clients do — at most `MAX_RETRY_REQUESTS` times per message. Messages it no longer remembers (the
   * account's last 500) are not sent again.
   */
  async answer(
    asked: { account: Account; companion: Companion; contact: VirtualContact; id: string },
    resend: (record: InboundRecord) => Promise<void>,
  ): Promise<void> {
    const { account, companion, contact, id } = asked;
    const record = account.deliveredInbound.find((r) => r.id === id && r.contact === contact.phone);
    if (!record || this.next(`answer>${account.phone}>${contact.phone}>${id}`) > MAX_RETRY_REQUESTS) return;
    await contact.forgetSession({ user: account.phone, device: companion.deviceId });
    await resend(record);
  }

  private next(key: string): number {
    const count = (this.counts.get(key) ?? 0) + 1;
    this.counts.delete(key);
    this.counts.set(key, count);
    if (this.counts.size > MAX_TRACKED) this.counts.delete(this.counts.keys().next().value ?? "");
    return count;
  }

  /** Sends the retry receipts `contact` held (`retryDelayMs: null`); returns how many. */
  sendHeld(contact: string): number {
    const list = this.held.get(contact) ?? [];
    this.held.delete(contact);
    for (const send of list) send();
    return list.length;
  }
}
