import { deriveDigits, deriveSignalIdentity, type SignalIdentity } from "../crypto/keys.ts";
import type { BinaryNode } from "../protocol/nodes.ts";
import type { Connection } from "../transport/connection.ts";
import { type AccountFaults, noFaults } from "./faults.ts";

/** What a companion uploaded at registration: enough for a contact to start a Signal session with it. */
export type CompanionKeys = {
  registrationId: number;
  identityKey: Buffer;
  signedPreKey: { keyId: number; publicKey: Buffer; signature: Buffer };
};

/** A linked device (a Baileys socket's auth state) of one account. */
export type Companion = {
  deviceId: number;
  /** base64 of the client's Noise static key: how a login is matched to its pairing. */
  noiseKey: string;
  keys: CompanionKeys;
  /** One-time pre-keys uploaded with `encrypt/set/registration`, by id. */
  preKeys: Map<number, Buffer>;
  pairedAt: Date;
  /** Removed from the phone (or `logout()`): every later login gets 401. */
  removed: boolean;
  connection: Connection | undefined;
};

/** A WhatsApp account: the virtual phone (device 0) and its linked companions. */
export type Account = {
  phone: string;
  lid: string;
  /**
   * Signal identity of the phone itself (device 0): companions encrypt a copy of every message to it. Derived on
   * first use (signing its pre-key costs tens of ms), so creating or restoring many accounts stays cheap.
   */
  readonly phoneIdentity: SignalIdentity;
  companions: Map<number, Companion>;
  nextDeviceId: number;
  /** Banned accounts get `<failure reason="403">` on every login. */
  banned: boolean;
  /** Users (PN) this account has ever sent a message to: later ones are "new chats". */
  chatsStarted: Set<string>;
  faults: AccountFaults;
  /** Messages contacts sent while no companion was online, delivered at the next login. */
  pendingInbound: InboundRecord[];
  /** The last messages contacts sent that reached a companion (bounded), for history replays. */
  deliveredInbound: InboundRecord[];
  /** Replay the last N delivered messages at the next login (the `replay-inbound` fault). */
  replayOnLogin: number;
  /** Receipts for messages sent while no companion was online, delivered at the next login (bounded). */
  pendingReceipts: BinaryNode[];
};

/** A message a contact sent to an account, and how the contact addressed it. */
export type InboundRecord = {
  contact: string;
  id: string;
  text: string;
  addressing: ContactAddressing;
  /** A reply: the message it quotes (WhatsApp id), who wrote that one (JID) and its text. */
  quote?: QuotedByContact | undefined;
  /** Media instead of a text (`text` is then its caption): sent without a file, as a placeholder of its kind. */
  media?: ContactMedia | undefined;
  /** Not a message but an act on one of the chat's (a reaction, an edit, a deletion for everyone). */
  action?: ContactAction | undefined;
};

/**
 * What a contact does to a message of the chat: reacts to it (`emoji`, empty to take the reaction back; `ownMessage`
 * when the contact wrote it), or edits or deletes for everyone one of its own. `chatJid` is the account's JID, the
 * chat as the contact's phone names it.
 */
export type ContactAction =
  | { kind: "reaction"; target: string; chatJid: string; ownMessage: boolean; emoji: string }
  | { kind: "edit"; target: string; chatJid: string; text: string }
  | { kind: "delete"; target: string; chatJid: string };

/** The kinds of media a contact can send (a voice note is push-to-talk audio). */
export type ContactMedia = "image" | "video" | "audio" | "voice" | "document" | "sticker" | "location" | "contact";

/** What a contact's reply quotes, as WhatsApp's `contextInfo` carries it. */
export type QuotedByContact = { id: string; participant: string; text: string };

/** How a contact's messages name their sender: by phone number, by LID only, or by LID with the phone attached. */
export type ContactAddressing = "pn" | "lid" | "lid-with-pn";

export const MAX_DELIVERED_HISTORY = 500;
export const MAX_PENDING_RECEIPTS = 5_000;

export function isValidPhone(phone: string): boolean {
  return /^[1-9]\d{6,14}$/.test(phone);
}

export function createAccount(seed: string, phone: string): Account {
  let identity: SignalIdentity | undefined;
  return {
    phone,
    lid: deriveDigits(seed, `account-lid/${phone}`, 15),
    get phoneIdentity() {
      identity ??= deriveSignalIdentity(seed, `account/${phone}`);
      return identity;
    },
    companions: new Map(),
    nextDeviceId: 1,
    banned: false,
    chatsStarted: new Set(),
    faults: noFaults(),
    pendingInbound: [],
    deliveredInbound: [],
    replayOnLogin: 0,
    pendingReceipts: [],
  };
}

export class AccountRegistry {
  private readonly byPhone = new Map<string, Account>();
  private readonly byLid = new Map<string, Account>();

  constructor(
    private readonly seed: string,
    /** Called when an account is created (the simulator saves its state then). */
    private readonly onChange: () => void = () => {},
  ) {}

  /** The account for `phone`, created on first use (any valid number can own a virtual phone). */
  ensure(phone: string): Account {
    const existing = this.byPhone.get(phone);
    if (existing) return existing;
    if (!isValidPhone(phone)) throw new Error(`invalid phone number "${phone}": digits with country code`);
    const account = createAccount(this.seed, phone);
    this.byPhone.set(phone, account);
    this.byLid.set(account.lid, account);
    this.onChange();
    return account;
  }

  get(phone: string): Account | undefined {
    return this.byPhone.get(phone);
  }

  /** Looks an account up by its PN user or LID user. */
  findByUser(user: string): Account | undefined {
    return this.byPhone.get(user) ?? this.byLid.get(user);
  }

  all(): Account[] {
    return [...this.byPhone.values()];
  }

  /** Forgets every account (a state file that failed to restore halfway). */
  clear(): void {
    this.byPhone.clear();
    this.byLid.clear();
  }
}
