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
  /** A reply's quoted message (`contextInfo.stanzaId`), its author (`participant`) and quoted text; else undefined. */
  quoted: { id: string; participant: string | undefined; text: string | undefined } | undefined;
  /** The decrypted message's top-level content type, e.g. "conversation". */
  contentType: string;
  /** A reaction: the id of the message it reacts to and its emoji (empty: taken back); else undefined. */
  reaction?: { id: string; emoji: string } | undefined;
  receivedAt: Date;
  /** Chat states this account sent to this contact since its previous message to it, oldest first. */
  presenceBefore: PresenceSeen[];
  deliveredAt: Date | undefined;
  readAt: Date | undefined;
};

/**
 * A message a contact sent to an account; `readAt` is when a companion of the account sent a `read` receipt for it
 * (the blue ticks the contact sees), undefined until then.
 */
export type SentByContact = {
  contact: string;
  account: string;
  id: string;
  text: string;
  sentAt: Date;
  readAt?: Date | undefined;
};

/** An account-wide presence a companion announced (`available`, `unavailable`) with the name it carried. */
export type AccountPresence = { account: string; type: string; name: string | undefined; at: Date };

export type MessageFilter = { contact?: string; account?: string };

/**
 * A message stanza a companion sent that reached no contact's message list: acked (as WhatsApp acks before the
 * phone sees it) but addressed to no one on WhatsApp, carrying no copy for the contact, or not decryptable by it.
 * What a test names when it waited for a message that never came.
 */
export type DroppedMessage = {
  /** The addressee's phone number or JID user as the stanza named it. */
  contact: string;
  account: string;
  id: string;
  reason: "not_on_whatsapp" | "no_copy_for_contact" | "undecryptable";
  /** The decryption error's message, for `undecryptable`. */
  error?: string;
  at: Date;
};

export class GroundTruth {
  private readonly received: ReceivedMessage[] = [];
  private readonly sent: SentByContact[] = [];
  private readonly presences: AccountPresence[] = [];
  private readonly chatStateLog: (PresenceSeen & { account: string; contact: string })[] = [];
  private readonly pendingPresence = new Map<string, PresenceSeen[]>();
  private readonly listeners = new Set<(message: ReceivedMessage) => void>();
  private readonly droppedLog: DroppedMessage[] = [];

  recordDropped(entry: Omit<DroppedMessage, "at">): void {
    this.droppedLog.push({ ...entry, at: new Date() });
  }

  /** Every dropped message stanza (see DroppedMessage), oldest first. */
  dropped(filter: MessageFilter = {}): DroppedMessage[] {
    return this.droppedLog.filter(
      (d) =>
        (filter.contact === undefined || d.contact === filter.contact) &&
        (filter.account === undefined || d.account === filter.account),
    );
  }

  notePresence(account: string, contact: string, state: string): void {
    this.chatStateLog.push({ account, contact, state, at: new Date() });
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

  /**
   * A companion of `account` sent a receipt to `contact` for `ids`: a `read` one marks the contact's messages read
   * (the first time only). Returns how many were newly marked.
   */
  noteReceiptFromAccount(account: string, contact: string, ids: readonly string[], type: string): number {
    if (type !== "read") return 0;
    let marked = 0;
    for (const m of this.sent) {
      if (m.account === account && m.contact === contact && ids.includes(m.id) && !m.readAt) {
        m.readAt = new Date();
        marked++;
      }
    }
    return marked;
  }

  noteAccountPresence(account: string, type: string, name: string | undefined): void {
    this.presences.push({ account, type, name, at: new Date() });
  }

  /** Every chat state companions sent to contacts ("typing…", "recording…", "paused"), oldest first. */
  chatStates(filter: MessageFilter = {}): (PresenceSeen & { account: string; contact: string })[] {
    return this.chatStateLog.filter(
      (p) => (!filter.contact || p.contact === filter.contact) && (!filter.account || p.account === filter.account),
    );
  }

  /** Account-wide presences companions announced, oldest first. */
  accountPresences(account?: string): AccountPresence[] {
    return this.presences.filter((p) => !account || p.account === account);
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
