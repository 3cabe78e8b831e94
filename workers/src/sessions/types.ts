/** The sessions port's types (re-exported by `index.ts`, which is what the rest of the worker imports). */
import type { TInboundMessageType, TInstanceStatus } from "@mirage/contracts/enums";
import type { TInstanceQr, TWorkerCommand, TWorkerCommandResult, TWorkerEvent } from "@mirage/contracts/worker-bus";
import type { Database, Tx } from "@mirage/db";
import type { Logger } from "@mirage/logger";
import type { KeyRing } from "@mirage/secrets";
import type { SessionHostOptions } from "./host-options.ts";

// ── what consumers ask ─────────────────────────────────────────────────────────────────────────────────────────

/** Why an instance cannot send right now. */
export type NotReadyReason =
  /** This worker does not host the instance (never placed here, moved away, or stopped). */
  | "not_hosted"
  /** Hosted, but its socket is not logged in (pairing, connecting, reconnecting after a drop). */
  | "not_connected"
  /** Connected, but what it sends is not being delivered (status `degraded`). */
  | "not_delivering"
  /** WhatsApp restricts it (reach-out timelock or new-chat cap) until `until`. */
  | "restricted";

/** `canSend` answer. `status` is the instance's current status on this worker (null when not hosted). */
export type SendReadiness =
  | { ok: true }
  | { ok: false; reason: NotReadyReason; status: TInstanceStatus | null; until?: Date };

/** A text to send. `messageId` is chosen by the caller (see `newMessageId`) and stored before the send. */
export type SendTextInput = {
  instanceId: string;
  /** Recipient JID as `resolveNumber` returned it (`…@s.whatsapp.net`, or a `…@lid`). */
  to: string;
  text: string;
  messageId: string;
  /** The message this one replies to (WhatsApp shows it quoted): its WhatsApp id, whether this account sent it, its text. */
  quoted?: { id: string; fromMe: boolean; text: string } | undefined;
};

/** What WhatsApp answered for one number (tried as each of its candidate forms, in order). */
export type ResolvedNumber =
  | {
      onWhatsApp: true;
      /** The JID WhatsApp has for the number — for Brazil, with or without the ninth digit, as registered. */
      jid: string;
      /** The E.164 form matching `jid` (one of the candidates). */
      e164: string;
      /** The account's LID when WhatsApp disclosed it. */
      lid: string | null;
    }
  | { onWhatsApp: false };

/**
 * A receipt for a message this instance sent: the server took it (`server_ack`), the recipient's phone got it
 * (`delivered`), they opened it (`read`), or the server refused it (`error`, with WhatsApp's code, e.g. "463").
 * `at` is when this worker observed it (ms precision).
 */
export type Receipt = {
  instanceId: string;
  orgId: string;
  messageId: string;
  kind: "server_ack" | "delivered" | "read" | "error";
  /** The chat the message belongs to, when WhatsApp names it. */
  remoteJid: string | null;
  errorCode?: string;
  at: Date;
};

/** A message someone sent to a hosted instance: a text, or media (recorded, not downloaded). */
export type InboundMessage = {
  instanceId: string;
  orgId: string;
  messageId: string;
  /** The chat JID WhatsApp addressed it from: `…@s.whatsapp.net` or `…@lid`. */
  fromJid: string;
  /** The sender's phone-number JID when known (WhatsApp may address a chat by LID only). */
  fromPhoneJid: string | null;
  /** The sender's LID when known. */
  fromLid: string | null;
  pushName: string | null;
  /** `text`, or the media it is (a voice note, a photo…): Mirage records it without downloading it. */
  messageType: TInboundMessageType;
  /** The text; for media its caption (empty without one), a location's name, a shared contact's name. */
  text: string;
  /**
   * A reply: the message it quotes — its WhatsApp id, whether this instance wrote it (else the sender did), and its
   * text as the reply carries it (empty for media without a caption). Null when it quotes nothing.
   */
  quoted: { id: string; fromMe: boolean; text: string } | null;
  /** When the sender sent it (WhatsApp's timestamp, second precision). */
  at: Date;
  /** Delivered again after a reconnect or from history (`append`), not as a live notification. */
  replay: boolean;
  /**
   * Not a new message but the sender changing one of theirs: `edited` (`text` is its new text) or `deleted` for
   * everyone (`text` empty). `messageId` is then the id of the message changed. Absent for a new message.
   */
  change?: "edited" | "deleted";
};

export type Unsubscribe = () => void;

/** A Signal key as a statement read it from `wa_auth_keys` (ciphertext base64), or `stored` null when there is none. */
export type StoredKey = { type: string; id: string; stored: { keyId: string; ciphertext: string } | null };

/** Pending Signal key writes carried by the caller's transaction (see `SessionsPort.takeSignalKeyWrites`). */
export type SignalKeyWrites = {
  fence: { instanceId: string; epoch: number };
  write(tx: Tx): Promise<boolean>;
  /** How the carrying transaction ended: committed, refused because another worker holds the instance, or failed. */
  settle(outcome: "committed" | "fenced" | { failed: unknown }): void;
};

/** The narrow port. Every method is cheap to call and never touches Baileys types. */
export type SessionsPort = {
  /** Whether `instanceId` can send now: hosted here, logged in, delivering, not restricted. Synchronous. */
  canSend(instanceId: string): SendReadiness;
  /** A fresh WhatsApp message id (the `3EB0…` form WhatsApp Web uses), bound to the instance's account if hosted. */
  newMessageId(instanceId?: string): string;
  /**
   * Sends a text under the caller's message id. Resolves when the server has the frame (not its ack: that comes as
   * a `server_ack` receipt). Rejects with `SessionNotReadyError` when `canSend` would not allow it (`restricted`
   * excepted: a message to an existing chat may still go through); any other rejection is a transport error.
   */
  sendText(input: SendTextInput): Promise<{ messageId: string }>;
  /** Shows "typing…" (`composing`), "recording audio…" (`recording`) or clears it (`paused`) in the chat with `to`. Rejects like `sendText`. */
  setPresence(instanceId: string, to: string, state: "composing" | "recording" | "paused"): Promise<void>;
  /**
   * Account-wide presence: online (`available`) or not (`unavailable`). `pushName` names the account when WhatsApp
   * has not told the companion its push name yet. Rejects with `SessionNotReadyError` when not connected.
   */
  setAccountPresence(instanceId: string, state: "available" | "unavailable", pushName: string): Promise<void>;
  /**
   * Sends read receipts (blue ticks) for received messages: `remoteJid` is the chat as WhatsApp addressed it
   * (`…@s.whatsapp.net` or `…@lid`), `id` the message's WhatsApp id. Rejects with `SessionNotReadyError` when not
   * connected.
   */
  sendReadReceipts(instanceId: string, keys: readonly { remoteJid: string; id: string }[]): Promise<void>;
  /**
   * Reacts with `emoji` to a message the instance received from `remoteJid` (empty: takes the reaction back);
   * answers the reaction message's id once WhatsApp acknowledged it (written again, same id, when no ack came within
   * 5 s). Rejects with `SessionNotReadyError` when the instance cannot send or no ack came after two writes.
   */
  sendReaction(instanceId: string, remoteJid: string, id: string, emoji: string): Promise<string>;
  /**
   * Asks WhatsApp which of the candidate forms of one number is registered (`whatsAppCandidates` from
   * `@mirage/phone`: E.164 strings, the typed form first). Rejects with `SessionNotReadyError` when the instance is
   * not connected.
   */
  resolveNumber(instanceId: string, candidatesE164: readonly string[]): Promise<ResolvedNumber>;
  /**
   * The instance's Signal key writes not yet committed (the ratchet steps of the messages written last), for the
   * send module to carry in its next `sending` commit: `write` starts their statement in that transaction (answers
   * whether this worker still holds the instance; the `sending` mark must then be conditioned on `fence` too),
   * `settle` reports how the commit ended. Undefined when nothing is pending or the instance is not hosted here.
   */
  takeSignalKeyWrites(instanceId: string): Promise<SignalKeyWrites | undefined>;
  /**
   * The Signal key writes other hosted instances have pending and can hand over without waiting (their ratchet steps
   * wait a few ms for a transaction to carry them): the send module's `sending` commit for `instanceId` carries them
   * too, one fenced statement each, settling each with its own outcome (`fenced` only for the instance whose fence
   * failed). Empty when none.
   */
  takeOtherSignalKeyWrites(instanceId: string): SignalKeyWrites[];
  /**
   * Before a message to `lid` (a LID JID): reads the Signal keys the send will ask for into memory in one
   * transaction (a first message to someone) — its own, or `tx` (the `sending` commit: its statement starts at once,
   * so it rides that transaction's round trip). Resolves when done; never rejects on its own transaction; nothing
   * when not hosted here or already in memory.
   */
  prefetchPeerKeys(instanceId: string, lid: string, tx?: Tx): Promise<void>;
  /**
   * Keys of the instance another statement already read (the claim reads the recipient's LID mapping): taken into
   * memory, decrypted, so Baileys' lookup of them needs no read; `stored` null remembers the key as absent. Keys
   * already in memory are left as they are (newer). Nothing when not hosted here.
   */
  absorbStoredKeys(instanceId: string, keys: StoredKey[]): Promise<void>;
  /** Every receipt of every hosted instance; listeners must not throw (errors are logged and swallowed). */
  onReceipt(listener: (receipt: Receipt) => void): Unsubscribe;
  /** Every inbound message (text or media) of every hosted instance; same rule for listeners. */
  onInbound(listener: (message: InboundMessage) => void): Unsubscribe;
};

/** Thrown by the port when the instance cannot do what was asked right now (not hosted, not connected, …). */
export class SessionNotReadyError extends Error {
  override readonly name = "SessionNotReadyError";
  constructor(
    readonly instanceId: string,
    readonly reason: NotReadyReason,
    readonly status: TInstanceStatus | null,
  ) {
    super(`instance ${instanceId} cannot send: ${reason}`);
  }
}

// ── what the composition root wires ────────────────────────────────────────────────────────────────────────────

/** Where the host publishes instance events (the orchestrator relays them to socket.io rooms). */
export type EventSink = { publish(event: TWorkerEvent): Promise<void> };
/** The latest QR per instance, for `GET /instances/:id/qr`, expiring with the QR itself. */
export type QrStore = { set(qr: TInstanceQr, ttlMs: number): Promise<void>; delete(instanceId: string): Promise<void> };

/** Where sockets connect: WhatsApp itself, or wa-sim (whose certificate root this process then trusts). */
export type WaTarget =
  | { kind: "real"; version?: [number, number, number] }
  | { kind: "simulator"; url: string; rootPublicKeyHex: string; version?: [number, number, number] };

export type SessionHostDeps = {
  workerId: string;
  db: Database;
  ring: KeyRing;
  target: WaTarget;
  logger: Logger;
  events: EventSink;
  qrStore: QrStore;
  options?: Partial<SessionHostOptions>;
  /** The logger handed to Baileys (noisy at info); defaults to a child at warn. */
  baileysLogger?: Logger;
};

/** One hosted instance as the worker's health/metrics endpoints show it. */
export type HostedSnapshot = { id: string; status: TInstanceStatus; epoch: number; hasSocket: boolean };

/** The host's lifecycle, for the composition root (and tests). Features use `port` only. */
export type SessionHost = {
  readonly port: SessionsPort;
  readonly size: number;
  snapshot(): HostedSnapshot[];
  /** Runs one orchestrator command (start, stop, restart, logout, delete, pairing code) and answers its outcome. */
  command(command: TWorkerCommand): Promise<TWorkerCommandResult>;
  /** Brings the hosted set in line with Postgres (starts assigned instances staggered, drops moved ones). */
  reconcile(): Promise<{ toStart: number; dropped: number }>;
  /** Resolves once every instance queued by `reconcile` had its socket opened. */
  restored(): Promise<void>;
  startHealthLoop(): void;
  /** One health sampling pass now (tests, and before answering /metrics). */
  sampleHealthNow(): Promise<void>;
  /** Ends every socket without logging out (the next host resumes with the same credentials). Idempotent. */
  close(): Promise<void>;
};
