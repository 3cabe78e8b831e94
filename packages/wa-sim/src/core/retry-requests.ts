import { encodeBigEndian } from "@whiskeysockets/baileys";
import type { VirtualContact } from "../contacts/contact.ts";
import { type BinaryNode, node, unixNow } from "../protocol/nodes.ts";
import type { Account } from "./accounts.ts";
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
 * Held receipts (`retryDelayMs: null`) wait for `sendHeld`.
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
    const key = `${account.phone}>${contact.phone}>${id}`;
    const count = (this.counts.get(key) ?? 0) + 1;
    if (count > MAX_RETRY_REQUESTS) return;
    this.counts.delete(key);
    this.counts.set(key, count);
    if (this.counts.size > MAX_TRACKED) this.counts.delete(this.counts.keys().next().value ?? "");
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

  /** Sends the retry receipts `contact` held (`retryDelayMs: null`); returns how many. */
  sendHeld(contact: string): number {
    const list = this.held.get(contact) ?? [];
    this.held.delete(contact);
    for (const send of list) send();
    return list.length;
  }
}
