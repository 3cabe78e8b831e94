import type { Tx } from "@mirage/db";
import type { Logger } from "@mirage/logger";
import {
  type ConnectionState,
  generateMessageIDV2,
  isLidUser,
  jidNormalizedUser,
  type WAMessage,
} from "@whiskeysockets/baileys";
import { FencedError, type PostgresAuthState } from "./auth-state.ts";
import type { HealthTracker } from "./health.ts";
import type { SocketTuning } from "./host-options.ts";
import { inboundOf } from "./inbound-content.ts";
import { getMessageForResend, type ResendLookup } from "./resend.ts";
import type { Account, MessageStatusUpdate, QuotedRef, SessionEvents } from "./session-types.ts";
import type { WaTarget } from "./types.ts";
import { createWaSocket, toAccount, type WASocket } from "./wa-socket.ts";

export type { Account, InboundText, MessageStatusUpdate, QuotedRef, SessionEvents } from "./session-types.ts";

/** How long a write waits for its chat's preparation (then it asks WhatsApp itself, as without it). */
const WARM_WAIT_MS = 3_000;

const STATUS_NAMES: Record<number, MessageStatusUpdate["status"] | undefined> = {
  0: "error",
  2: "server_ack",
  3: "delivered",
  4: "read",
  5: "read",
};

/**
 * One Baileys socket and nothing more: Baileys never reuses a socket, so neither do we — the host makes a new
 * Session (same auth state) to reconnect. Maps Baileys events to Mirage's own types at this edge.
 */
export class Session {
  readonly health: HealthTracker;
  private sock: WASocket | undefined;
  private ended = false;
  private closeSeen = false;
  private credsChain: Promise<void> = Promise.resolve();
  private firstQr: Promise<void>;
  private resolveFirstQr: (() => void) | undefined;
  /** Chats showing "typing…" whose encryption sessions are being prepared for the message that follows (by jid). */
  private readonly warming = new Map<string, Promise<void>>();
  /** Sends waiting for WhatsApp's ack, by message id: told the ack's error code (none: taken), or "lost". */
  private readonly ackWaiters = new Map<string, (outcome: { error?: string } | "lost") => void>();

  constructor(
    private readonly opts: {
      instanceId: string;
      auth: PostgresAuthState;
      target: WaTarget;
      logger: Logger;
      events: SessionEvents;
      health: HealthTracker;
      tuning?: SocketTuning;
      /** The stored content of a message this instance wrote, for recipients' retry receipts (none: not resent). */
      resendable?: ResendLookup;
    },
  ) {
    this.health = opts.health;
    this.firstQr = new Promise((resolve) => {
      this.resolveFirstQr = resolve;
    });
  }

  get user(): Account | undefined {
    const me = this.sock?.user;
    return me ? toAccount(me.id, (me as { lid?: string }).lid) : undefined;
  }

  start(): void {
    const { auth, events, logger, resendable } = this.opts;
    const getMessage = resendable && getMessageForResend(resendable, () => this.sock?.user?.id, logger);
    const sock = createWaSocket(this.opts.target, auth.state, logger, this.opts.tuning, getMessage);
    this.sock = sock;

    sock.ev.on("creds.update", () => {
      // Serialized: Baileys mutates creds in place, and two saves must not land out of order.
      this.credsChain = this.credsChain
        .then(() => auth.saveCreds())
        .catch((err: unknown) => {
          if (err instanceof FencedError) events.fatal(err);
          else logger.error({ err }, "saving credentials failed");
        });
    });

    sock.ev.on("connection.update", (update: Partial<ConnectionState>) => this.onConnectionUpdate(update));

    sock.ev.on("messages.update", (updates) => {
      for (const { key, update } of updates) {
        if (!key.fromMe || !key.id || update.status === undefined || update.status === null) continue;
        this.reportStatus(key.id, key.remoteJid ?? null, update.status, update.messageStubParameters ?? undefined);
      }
    });

    sock.ev.on("messages.upsert", ({ messages, type }) => {
      for (const msg of messages) this.onUpsert(msg, type);
    });

    // Baileys emits nothing for a successful server ack; the raw frame is the only way to time it.
    sock.ws.on("CB:ack,class:message", (node: { attrs: Record<string, string> }) => {
      const id = node.attrs.id;
      if (id) this.ackWaiters.get(id)?.(node.attrs.error ? { error: node.attrs.error } : {});
      if (!id || node.attrs.error) return;
      this.health.serverAck(id, Date.now());
      events.messageStatus({ waMessageId: id, status: "server_ack", remoteJid: node.attrs.from ?? null });
    });
  }

  private onConnectionUpdate(update: Partial<ConnectionState>): void {
    const { events } = this.opts;
    if (update.qr) {
      this.resolveFirstQr?.();
      events.qr(update.qr);
    }
    if (update.connection === "open") {
      this.health.connected = true;
      const account = this.user;
      if (account) events.opened(account);
    }
    if (update.reachoutTimeLock) {
      const lock = update.reachoutTimeLock;
      const until = lock.isActive ? (lock.timeEnforcementEnds ?? null) : null;
      this.health.restrictedUntil = until ? until.getTime() : null;
      events.restriction({ active: Boolean(lock.isActive), until });
    }
    if (update.connection === "close" && !this.closeSeen) {
      this.closeSeen = true;
      this.health.disconnected(Date.now());
      const error = update.lastDisconnect?.error as { output?: { statusCode?: number }; message?: string } | undefined;
      this.detach();
      events.closed({ statusCode: error?.output?.statusCode, message: error?.message ?? "" });
    }
  }

  private onUpsert(msg: WAMessage, type: string): void {
    const id = msg.key.id;
    if (!id) return;
    if (msg.key.fromMe) {
      // Receipts landing in the same event-buffer window are folded into the append's status — an ack error too
      // (status ERROR, 0, with its code in the stub parameters: a 463 must restrict the instance however it comes).
      // PENDING (1) is the append itself.
      if (type === "append" && typeof msg.status === "number" && msg.status !== 1) {
        this.reportStatus(id, msg.key.remoteJid ?? null, msg.status, msg.messageStubParameters ?? undefined);
      }
      return;
    }
    if (msg.messageStubType === 2 /* CIPHERTEXT: could not decrypt */) {
      this.health.decryptError(id, Date.now());
      return;
    }
    this.health.decrypted(id);
    const inbound = inboundOf(msg, type === "notify", this.user);
    if (!inbound) return;
    this.health.inbound(Date.now());
    this.opts.events.inbound(inbound);
  }

  private reportStatus(id: string, remoteJid: string | null, status: number, params?: string[]): void {
    const name = STATUS_NAMES[status];
    if (!name) return;
    const now = Date.now();
    if (name === "error") {
      this.health.ackError(id, now);
      if (params?.[0] === "463" && this.health.restrictedUntil === null) this.health.newChatCapHit(now);
    } else if (name === "server_ack") {
      this.health.serverAck(id, now);
    } else {
      this.health.delivered(id, now);
    }
    this.opts.events.messageStatus({
      waMessageId: id,
      status: name,
      remoteJid,
      ...(params?.[0] ? { errorCode: params[0] } : {}),
    });
  }

  /** WhatsApp's "link with phone number": valid only before the account is paired, once the first QR arrived. */
  async requestPairingCode(phoneDigits: string, timeoutMs = 20_000): Promise<string> {
    const sock = this.requireSocket();
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error("the connection did not become ready for pairing")), timeoutMs).unref(),
    );
    await Promise.race([this.firstQr, timeout]);
    return sock.requestPairingCode(phoneDigits);
  }

  /**
   * Sends a text with a caller-chosen message id: the id is stored before the write, so after a crash the row
   * is reconciled from receipts instead of being sent again.
   */
  async sendText(jid: string, text: string, messageId: string, quoted?: QuotedRef): Promise<string> {
    const sock = this.requireSocket();
    // The write waits for a preparation still under way for this chat (bounded): two at once would both fetch keys.
    const warming = this.warming.get(jid);
    if (warming) await Promise.race([warming, new Promise((r) => setTimeout(r, WARM_WAIT_MS).unref())]);
    this.health.messageSent(messageId, jid, Date.now());
    // A reply carries the quoted message's id, author and text in its contextInfo (Baileys builds it from `quoted`).
    const options = quoted
      ? {
          messageId,
          quoted: {
            key: { remoteJid: jid, id: quoted.id, fromMe: quoted.fromMe },
            message: { conversation: quoted.text },
          },
        }
      : { messageId };
    const sent = await sock.sendMessage(jid, { text }, options);
    return sent?.key.id ?? messageId;
  }

  /**
   * Shows "typing…" (or "recording…", or clears it) in the chat with `jid`. Typing announces a message: meanwhile the
   * recipient's device list and encryption sessions are fetched (in the background, into Baileys' own caches), so
   * the write itself is only encrypt + send — the two queries a first message to a person needs are off its path.
   */
  async sendTyping(jid: string, state: "composing" | "recording" | "paused"): Promise<void> {
    const sock = this.requireSocket();
    await sock.sendPresenceUpdate(state, jid);
    if (state !== "paused") this.prepareChat(sock, jid);
  }

  /** What `sendMessage` asks before its first write to a person (devices, then sessions), asked ahead of it. */
  private prepareChat(sock: WASocket, jid: string): void {
    const me = sock.user?.id;
    if (!me || this.warming.has(jid) || jid.endsWith("@g.us")) return;
    const meLid = (sock.user as { lid?: string } | undefined)?.lid;
    // The same identities Baileys' relay uses for a one-to-one chat, so its own lookups then hit the caches.
    const self = isLidUser(jid) && meLid ? jidNormalizedUser(meLid) : jidNormalizedUser(me);
    const prepared = (async () => {
      const devices = await sock.getUSyncDevices([self, jid], true, false);
      await sock.assertSessions(devices.map((d) => d.jid).filter((d) => d !== me && d !== meLid));
    })()
      .catch((err: unknown) => this.opts.logger.debug({ err, jid }, "preparing the chat failed; the write asks itself"))
      .finally(() => this.warming.delete(jid));
    this.warming.set(jid, prepared);
  }

  /**
   * Account-wide presence (online or not). WhatsApp names the account in it with its push name, which a companion
   * normally learns from the phone's app state; an account that has none yet uses `fallbackName`.
   */
  async setAccountPresence(state: "available" | "unavailable", fallbackName: string): Promise<void> {
    const sock = this.requireSocket();
    const creds = sock.authState.creds;
    if (creds.me && !creds.me.name) creds.me = { ...creds.me, name: fallbackName };
    await sock.sendPresenceUpdate(state);
  }

  /**
   * A reaction to a message this account received in `remoteJid`'s chat (WhatsApp's reaction message), sent under
   * `messageId`. Resolves true once WhatsApp acknowledged it; false when no ack came within `ackTimeoutMs` or the
   * socket closed first (the frame may be lost: the caller writes it again under the same id). Rejects when WhatsApp
   * refused it (the ack's error code in the message).
   */
  async react(remoteJid: string, id: string, emoji: string, messageId: string, ackTimeoutMs: number): Promise<boolean> {
    const sock = this.requireSocket();
    const acked = new Promise<boolean>((resolve, reject) => {
      const timer = setTimeout(() => done("lost"), ackTimeoutMs);
      const done = (outcome: { error?: string } | "lost") => {
        clearTimeout(timer);
        this.ackWaiters.delete(messageId);
        if (outcome === "lost") resolve(false);
        else if (outcome.error) reject(new Error(`WhatsApp refused the reaction (ack error ${outcome.error})`));
        else resolve(true);
      };
      this.ackWaiters.set(messageId, done);
    });
    try {
      await sock.sendMessage(
        remoteJid,
        { react: { text: emoji, key: { remoteJid, id, fromMe: false } } },
        { messageId },
      );
    } catch (err) {
      this.ackWaiters.get(messageId)?.("lost");
      throw err;
    }
    return acked;
  }

  /** Read receipts (blue ticks) for messages this account received in one-to-one chats. */
  async readMessages(keys: readonly { remoteJid: string; id: string }[]): Promise<void> {
    await this.requireSocket().readMessages(keys.map((k) => ({ remoteJid: k.remoteJid, id: k.id, fromMe: false })));
  }

  /** See `SessionsPort.prefetchPeerKeys`: the ids are Baileys' own (main device's session, privacy token). */
  async prefetchPeerKeys(lid: string, tx?: Tx): Promise<void> {
    const user = jidNormalizedUser(lid);
    const address = this.sock?.signalRepository.jidToSignalProtocolAddress(user);
    if (!address) return;
    await this.opts.auth
      .prefetchKeys(
        [
          { type: "session", ids: [address] },
          { type: "tctoken", ids: [user] },
        ],
        tx,
      )
      .catch((err: unknown) => this.opts.logger.debug({ err }, "could not prefetch a peer's keys"));
  }

  /** Erasure: Baileys' memory of the person's phone ↔ LID mapping goes too (a private cache; Baileys is pinned). */
  forgetPeople(users: readonly string[]): void {
    const cache = (this.sock?.signalRepository.lidMapping as unknown as { mappingCache?: Map<string, string> })
      ?.mappingCache;
    for (const u of users) for (const k of [`pn:${u}`, `lid:${u}`]) cache?.delete(k);
  }

  /** A message id in WhatsApp Web's own form, bound to this account (as WhatsApp Web generates them). */
  newMessageId(): string {
    return generateMessageIDV2(this.sock?.user?.id);
  }

  /**
   * Which of the candidate numbers (E.164) WhatsApp has an account for, in the candidates' order: the first
   * registered one wins. LIDs come from a second query only when the first found the number.
   */
  async onWhatsApp(
    candidatesE164: readonly string[],
  ): Promise<{ jid: string; e164: string; lid: string | null } | undefined> {
    const sock = this.requireSocket();
    const found = (await sock.onWhatsApp(...candidatesE164.map((n) => n.replace(/^\+/, "")))) ?? [];
    for (const candidate of candidatesE164) {
      const digits = candidate.replace(/^\+/, "");
      const hit = found.find((r) => r.exists && jidNormalizedUser(r.jid).split("@")[0] === digits);
      if (!hit) continue;
      const jid = jidNormalizedUser(hit.jid);
      const lid = (await sock.signalRepository.lidMapping.getLIDForPN(jid).catch(() => null)) ?? null;
      return { jid, e164: `+${digits}`, lid: lid ? jidNormalizedUser(lid) : null };
    }
    return undefined;
  }

  /** Ends the socket without logging out (the credentials stay valid). Idempotent. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    const sock = this.sock;
    if (!sock) return;
    if (!this.closeSeen) {
      // Our own close must not trigger the host's reconnect policy.
      this.closeSeen = true;
      this.detach();
    }
    sock.end(undefined);
    // Baileys may still finish work it started (a pre-key upload, the own LID session); what it saves after this
    // is not ours to persist any more.
    sock.ev.removeAllListeners("creds.update");
  }

  /**
   * Unlinks this device from the account (the phone shows it removed). Resolves true when WhatsApp confirmed the
   * unlink, false when the socket was not logged in (nothing could be unlinked remotely).
   */
  async logout(): Promise<boolean> {
    const sock = this.sock;
    if (!sock) return false;
    this.closeSeen = true;
    this.detach();
    sock.ev.removeAllListeners("creds.update");
    let unlinked = false;
    try {
      if (this.health.connected) {
        await sock.logout("logged out by Mirage");
        unlinked = true;
      }
    } catch (err) {
      this.opts.logger.warn({ err }, "logout was not confirmed by WhatsApp");
    }
    this.ended = true;
    sock.end(undefined);
    return unlinked;
  }

  async flushCreds(): Promise<void> {
    await this.credsChain;
  }

  private detach(): void {
    const sock = this.sock;
    if (!sock) return;
    sock.ev.removeAllListeners("connection.update");
    sock.ev.removeAllListeners("messages.update");
    sock.ev.removeAllListeners("messages.upsert");
    sock.ws.removeAllListeners("CB:ack,class:message");
    for (const waiter of [...this.ackWaiters.values()]) waiter("lost");
  }

  private requireSocket(): WASocket {
    if (!this.sock || this.ended) throw new Error("session is not running");
    return this.sock;
  }
}
