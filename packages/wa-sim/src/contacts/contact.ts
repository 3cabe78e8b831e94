import { encodeWAMessage, generateSignalPubKey, proto, unpadRandomMax16 } from "@whiskeysockets/baileys";
import { ProtocolAddress, SessionBuilder, SessionCipher, SessionRecord, type SignalStorage } from "libsignal";
import type { ContactAddressing, ContactMedia } from "../core/accounts.ts";
import { deriveDigits, deriveSignalIdentity, type SignalIdentity, toLibsignalKeyPair } from "../crypto/keys.ts";

/** A message the contact answers automatically, e.g. an opt-out word. */
export type ScriptedReply = {
  /** Case-insensitive substring of the received text; omitted = any message. */
  match?: string;
  /** The reply's text, or with `media` its caption (may be empty). */
  text: string;
  /** Answer with media of this kind (no file: its kind and the caption arrive), e.g. a voice note. */
  media?: ContactMedia;
  /** Wait before starting to type, in ms (default 200). */
  delayMs?: number;
  /** How long "typing…" shows before the reply is sent, in ms (default 300; 0 = no typing presence). */
  typingMs?: number;
  /** Reply only the first time it matches (default true). */
  once?: boolean;
};

export type ContactBehaviour = {
  /** `onWhatsApp` answers false and sends to it fail when this is false. */
  onWhatsApp: boolean;
  /** Whether device lists carry a LID for this number (Baileys 7 addresses LID-first). */
  hasLid: boolean;
  /** Push name shown on messages it sends. */
  name: string;
  /** Delay before the delivery receipt, in ms; null = the phone is offline and never receives. */
  deliveryDelayMs: number | null;
  /** Delay after delivery before the read receipt, in ms; null = never read. */
  readDelayMs: number | null;
  replies: ScriptedReply[];
  /**
   * How its messages name the sender: `pn` (its phone JID, the default), `lid` (its LID only — a contact known to
   * the account only by LID, as WhatsApp does for users who hide their number), or `lid-with-pn` (LID-addressed with
   * the phone in `sender_pn`). `lid` needs `hasLid`.
   */
  addressing: ContactAddressing;
  /**
   * How many of the next messages sent to it its phone fails to decrypt (as after a reinstall, or a session lost on
   * either side), counting down. For each, as a real phone does, it asks the sender's device to write the message
   * again with a retry receipt (see `retryDelayMs`). Real decryption errors ask the same way.
   */
  decryptFailures: number;
  /**
   * Delay before that retry receipt, in ms; null = held until `ContactHandle.sendHeldRetries()` (a phone that comes
   * back online later, when the sender may no longer have the message in memory).
   */
  retryDelayMs: number | null;
};

export const DEFAULT_CONTACT_BEHAVIOUR: ContactBehaviour = {
  onWhatsApp: true,
  hasLid: true,
  name: "Contact",
  deliveryDelayMs: 50,
  readDelayMs: 100,
  replies: [],
  addressing: "pn",
  decryptFailures: 0,
  retryDelayMs: 0,
};

/** Pre-key bundle material of a companion the contact wants to start a session with. */
export type PeerBundle = {
  registrationId: number;
  identityKey: Buffer;
  signedPreKey: { keyId: number; publicKey: Buffer; signature: Buffer };
  preKey: { keyId: number; publicKey: Buffer } | undefined;
};

/**
 * A WhatsApp user outside the simulator's accounts, played by the simulator: it owns real Signal keys, decrypts
 * what companions send it with libsignal, and encrypts what it sends back.
 */
export class VirtualContact {
  readonly lid: string;
  behaviour: ContactBehaviour;
  private signalIdentity: SignalIdentity | undefined;
  private readonly sessions = new Map<string, SessionRecord>();
  private readonly usedReplies = new Set<ScriptedReply>();
  /** The addressing each companion last saw from this contact: a change starts a new session (a `pkmsg`). */
  private readonly modes = new Map<string, "pn" | "lid">();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly phone: string,
    private readonly seed: string,
    behaviour: ContactBehaviour,
    /** Called whenever something worth keeping across a restart changed (a session, a used reply). */
    private readonly onChange: () => void = () => {},
  ) {
    this.lid = deriveDigits(seed, `contact-lid/${phone}`, 15);
    this.behaviour = behaviour;
  }

  /** Derived on first use: signing the pre-key costs ~5 ms, and most looked-up numbers never exchange messages. */
  get identity(): SignalIdentity {
    this.signalIdentity ??= deriveSignalIdentity(this.seed, `contact/${this.phone}`);
    return this.signalIdentity;
  }

  /** Whether `user` (PN or LID user part) names this contact. */
  isUser(user: string): boolean {
    return user === this.phone || (this.behaviour.hasLid && user === this.lid);
  }

  /** Decrypts one `<enc>` addressed to this contact; the sender address is any stable name for the companion. */
  decrypt(sender: { user: string; device: number }, type: string, ciphertext: Buffer): Promise<proto.Message> {
    return this.serialized(async () => {
      const cipher = new SessionCipher(this.storage(), new ProtocolAddress(sender.user, sender.device));
      const padded =
        type === "pkmsg"
          ? await cipher.decryptPreKeyWhisperMessage(ciphertext)
          : await cipher.decryptWhisperMessage(ciphertext);
      return proto.Message.decode(unpadRandomMax16(padded));
    });
  }

  /**
   * Encrypts a message for a companion: over the existing session if there is one (a `msg`), else via X3DH from
   * the companion's bundle (a `pkmsg`).
   */
  encrypt(
    recipient: { user: string; device: number },
    message: proto.IMessage,
    bundle: () => PeerBundle,
    mode: "pn" | "lid" = "pn",
  ): Promise<{ type: "pkmsg" | "msg"; body: Buffer }> {
    return this.serialized(async () => {
      const address = new ProtocolAddress(recipient.user, recipient.device);
      const storage = this.storage();
      // The companion keys its session by the address the sender used (phone or LID): switching addressing means
      // the companion has no session under the new one yet, so start one as the real client would.
      const previous = this.modes.get(address.toString());
      if (previous !== undefined && previous !== mode) this.sessions.delete(address.toString());
      this.modes.set(address.toString(), mode);
      const existing = this.sessions.get(address.toString());
      if (!existing?.haveOpenSession()) {
        const b = bundle();
        await new SessionBuilder(storage, address).initOutgoing({
          registrationId: b.registrationId,
          identityKey: generateSignalPubKey(b.identityKey),
          signedPreKey: {
            keyId: b.signedPreKey.keyId,
            publicKey: generateSignalPubKey(b.signedPreKey.publicKey),
            signature: b.signedPreKey.signature,
          },
          // libsignal accepts a bundle without a one-time pre-key; its types do not say so.
          preKey: b.preKey
            ? { keyId: b.preKey.keyId, publicKey: generateSignalPubKey(b.preKey.publicKey) }
            : (undefined as unknown as { keyId: number; publicKey: Uint8Array }),
        });
      }
      const out = await new SessionCipher(storage, address).encrypt(encodeWAMessage(message));
      return { type: out.type === 3 ? "pkmsg" : "msg", body: Buffer.from(out.body, "binary") };
    });
  }

  /**
   * Drops the session with a companion (its retry receipt said it cannot decrypt what this contact sends): the next
   * message to it starts a new one from its pre-key bundle (a `pkmsg`), as a phone does.
   */
  forgetSession(recipient: { user: string; device: number }): Promise<void> {
    return this.serialized(async () => {
      this.sessions.delete(new ProtocolAddress(recipient.user, recipient.device).toString());
      this.onChange();
    });
  }

  /** The scripted reply to `text`, if any (consumed when `once`). */
  replyTo(text: string): ScriptedReply | undefined {
    const lower = text.toLowerCase();
    const reply = this.behaviour.replies.find(
      (r) => !(r.once !== false && this.usedReplies.has(r)) && (!r.match || lower.includes(r.match.toLowerCase())),
    );
    if (reply) {
      this.usedReplies.add(reply);
      this.onChange();
    }
    return reply;
  }

  /** What a restart must keep: behaviour, which `once` replies were used (by index), Signal sessions. */
  exportState(): { behaviour: ContactBehaviour; usedReplies: number[]; sessions: Record<string, unknown> } {
    return {
      behaviour: this.behaviour,
      usedReplies: this.behaviour.replies.flatMap((r, i) => (this.usedReplies.has(r) ? [i] : [])),
      // libsignal's d.ts says Uint8Array; the implementation returns a JSON-able object.
      sessions: Object.fromEntries([...this.sessions].map(([id, record]) => [id, record.serialize() as unknown])),
    };
  }

  /** Restores what `exportState` returned (after a restart). */
  importState(state: { behaviour: Record<string, unknown>; usedReplies: number[]; sessions: Record<string, unknown> }) {
    this.behaviour = { ...this.behaviour, ...(state.behaviour as Partial<ContactBehaviour>) };
    this.usedReplies.clear();
    for (const i of state.usedReplies) {
      const reply = this.behaviour.replies[i];
      if (reply) this.usedReplies.add(reply);
    }
    this.sessions.clear();
    for (const [id, data] of Object.entries(state.sessions)) {
      this.sessions.set(id, SessionRecord.deserialize(data as Uint8Array));
    }
  }

  private storage(): SignalStorage {
    const identity = toLibsignalKeyPair(this.identity.identity);
    const signed = toLibsignalKeyPair(this.identity.signedPreKey.keyPair);
    const preKey = this.identity.preKey;
    return {
      loadSession: async (id) => this.sessions.get(id),
      storeSession: async (id, record) => {
        this.sessions.set(id, record);
        this.onChange();
      },
      isTrustedIdentity: () => true,
      getOurIdentity: () => identity,
      getOurRegistrationId: () => this.identity.registrationId,
      // The bundle's one-time pre-key is reused forever: contacts are test doubles, not forward-secret peers.
      loadPreKey: async (id) => (Number(id) === preKey.keyId ? toLibsignalKeyPair(preKey.keyPair) : undefined),
      loadSignedPreKey: () => signed,
      removePreKey: () => {},
    };
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => {});
    return next;
  }
}
