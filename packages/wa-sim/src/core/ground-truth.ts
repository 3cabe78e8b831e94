/** A chat state a companion sent to a contact ("typing…", "paused", "recording"). */
export type PresenceSeen = { state: string; at: Date };

/** One message as the contact received it: the record later tests assert pacing and "exactly once" against. */
export type ReceivedMessage = {
  /** The contact's phone number (digits). */
  contact: string;
  /** The sending account's phone number. */
  account: string;
  /** The companion device that sent it. */
  device: number;
  /** WhatsApp message id (`key.id` in Baileys). */
  id: string;
  /** Decrypted text (conversation or extended text); undefined for other message types. */
  text: string | undefined;
  /** The decrypted message's top-level content type, e.g. "conversation". */
  contentType: string;
  receivedAt: Date;
  /** Chat states this account sent to this contact since its previous message to it, oldest first. */
  presenceBefore: PresenceSeen[];
  deliveredAt: Date | undefined;
  readAt: Date | undefined;
};

/** A message a contact sent to an account. */
export type SentByContact = { contact: string; account: string; id: string; text: string; sentAt: Date };

export type MessageFilter = { contact?: string; account?: string };

export class GroundTruth {
  private readonly received: ReceivedMessage[] = [];
  private readonly sent: SentByContact[] = [];
  private readonly pendingPresence = new Map<string, PresenceSeen[]>();
  private readonly listeners = new Set<(message: ReceivedMessage) => void>();

  notePresence(account: string, contact: string, state: string): void {
    const key = `${account}>${contact}`;
    const list = this.pendingPresence.get(key) ?? [];
    list.push({ state, at: new Date() });
    this.pendingPresence.set(key, list);
  }

  recordReceived(entry: Omit<ReceivedMessage, "presenceBefore" | "deliveredAt" | "readAt">): ReceivedMessage {
    const key = `${entry.account}>${entry.contact}`;
    const message: ReceivedMessage = {
      ...entry,
      presenceBefore: this.pendingPresence.get(key) ?? [],
      deliveredAt: undefined,
      readAt: undefined,
    };
    this.pendingPresence.delete(key);
    this.received.push(message);
    for (const listener of this.listeners) listener(message);
    return message;
  }

  recordSent(entry: SentByContact): void {
    this.sent.push(entry);
  }

  /** Messages contacts received, in arrival order. */
  messages(filter: MessageFilter = {}): ReceivedMessage[] {
    return this.received.filter(
      (m) => (!filter.contact || m.contact === filter.contact) && (!filter.account || m.account === filter.account),
    );
  }

  /** Messages contacts sent to accounts, in order. */
  sentByContacts(filter: MessageFilter = {}): SentByContact[] {
    return this.sent.filter(
      (m) => (!filter.contact || m.contact === filter.contact) && (!filter.account || m.account === filter.account),
    );
  }

  /** Resolves with the first received message (already recorded or future) that matches. */
  waitFor(predicate: (message: ReceivedMessage) => boolean, timeoutMs = 10_000): Promise<ReceivedMessage> {
    const found = this.received.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error(`no matching message reached a contact within ${timeoutMs} ms`));
      }, timeoutMs);
      const listener = (message: ReceivedMessage) => {
        if (!predicate(message)) return;
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve(message);
      };
      this.listeners.add(listener);
    });
  }
}
