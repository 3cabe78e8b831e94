import { z } from "zod";
import type { ContactDirectory } from "../contacts/directory.ts";
import type { Account, AccountRegistry, Companion } from "./accounts.ts";

/**
 * What survives a restart of the simulator: every account with its linked devices (the Noise key a returning
 * device logs in with, its Signal keys and unused pre-keys, whether the phone removed it), bans, persistent faults,
 * chats started, messages queued for offline accounts, and every contact's configuration and Signal sessions (a
 * companion that already talks to a contact keeps using its session, and the contact must still decrypt it).
 *
 * Not kept: the ground-truth log (a test oracle, not something a phone remembers), QR and pairing-code
 * registrations in flight (the client reconnects and gets new ones), and faults scheduled for later.
 * Everything derived from the seed (LIDs, the phones' and contacts' identity keys) is derived again.
 */
export const SNAPSHOT_VERSION = 1;

const b64 = z.string().transform((s) => Buffer.from(s, "base64"));

const CompanionSnapshot = z.object({
  deviceId: z.number().int().positive(),
  noiseKey: z.string().min(1),
  keys: z.object({
    registrationId: z.number().int(),
    identityKey: b64,
    signedPreKey: z.object({ keyId: z.number().int(), publicKey: b64, signature: b64 }),
  }),
  /** Packed (see `packPreKeys`): hundreds per device, so one string rather than hundreds of JSON values. */
  preKeys: z.string().transform((s) => unpackPreKeys(Buffer.from(s, "base64"))),
  pairedAt: z.iso.datetime().transform((s) => new Date(s)),
  removed: z.boolean(),
});

const AccountSnapshot = z.object({
  phone: z.string(),
  nextDeviceId: z.number().int().positive(),
  banned: z.boolean(),
  chatsStarted: z.array(z.string()),
  faults: z.object({
    timelock: z.object({ until: z.number(), enforcementType: z.string() }).optional(),
    newChatCap: z.object({ quota: z.number().int(), used: z.number().int() }).optional(),
    ack: z
      .discriminatedUnion("mode", [
        z.object({ mode: z.literal("slow"), ms: z.number().int() }),
        z.object({ mode: z.literal("missing") }),
      ])
      .optional(),
    latency: z.object({ ms: z.number().int(), jitterMs: z.number().int() }).optional(),
  }),
  pendingInbound: z.array(
    z.object({
      contact: z.string(),
      id: z.string(),
      text: z.string(),
      // Snapshots written before contacts could be addressed by LID carry no addressing: those were by phone.
      addressing: z.enum(["pn", "lid", "lid-with-pn"]).default("pn"),
    }),
  ),
  companions: z.array(CompanionSnapshot),
});

const ContactSnapshot = z.object({
  phone: z.string(),
  /** Only the fields someone configured differ from the defaults; all are kept so a restart changes nothing. */
  behaviour: z.record(z.string(), z.unknown()),
  usedReplies: z.array(z.number().int()),
  /** libsignal `SessionRecord.serialize()` output, by protocol address. */
  sessions: z.record(z.string(), z.unknown()),
});

export const SimSnapshotSchema = z.object({
  version: z.literal(SNAPSHOT_VERSION),
  seed: z.string(),
  savedAt: z.string(),
  accounts: z.array(AccountSnapshot),
  contacts: z.array(ContactSnapshot),
});

export type SimSnapshot = z.output<typeof SimSnapshotSchema>;

const toB64 = (b: Buffer | Uint8Array) => Buffer.from(b).toString("base64");

/** Pre-keys as records of [uint24 id][uint8 length][public key], back to back. */
export function packPreKeys(preKeys: Map<number, Buffer>): Buffer {
  const parts: Buffer[] = [];
  for (const [id, key] of preKeys) {
    const head = Buffer.alloc(4);
    head.writeUIntBE(id, 0, 3);
    head.writeUInt8(key.length, 3);
    parts.push(head, key);
  }
  return Buffer.concat(parts);
}

/** The inverse of `packPreKeys`; throws on a truncated record. */
export function unpackPreKeys(packed: Buffer): Map<number, Buffer> {
  const out = new Map<number, Buffer>();
  let at = 0;
  while (at < packed.length) {
    if (at + 4 > packed.length) throw new Error("truncated pre-key record");
    const id = packed.readUIntBE(at, 3);
    const length = packed.readUInt8(at + 3);
    if (at + 4 + length > packed.length) throw new Error("truncated pre-key record");
    out.set(id, Buffer.from(packed.subarray(at + 4, at + 4 + length)));
    at += 4 + length;
  }
  return out;
}

function companionToJson(c: Companion) {
  return {
    deviceId: c.deviceId,
    noiseKey: c.noiseKey,
    keys: {
      registrationId: c.keys.registrationId,
      identityKey: toB64(c.keys.identityKey),
      signedPreKey: {
        keyId: c.keys.signedPreKey.keyId,
        publicKey: toB64(c.keys.signedPreKey.publicKey),
        signature: toB64(c.keys.signedPreKey.signature),
      },
    },
    preKeys: packPreKeys(c.preKeys).toString("base64"),
    pairedAt: c.pairedAt.toISOString(),
    removed: c.removed,
  };
}

function accountToJson(a: Account) {
  return {
    phone: a.phone,
    nextDeviceId: a.nextDeviceId,
    banned: a.banned,
    chatsStarted: [...a.chatsStarted],
    faults: a.faults,
    pendingInbound: a.pendingInbound,
    companions: [...a.companions.values()].map(companionToJson),
  };
}

/** The JSON-able state of a simulator (the input of `SimSnapshotSchema`). */
export function takeSnapshot(seed: string, accounts: AccountRegistry, contacts: ContactDirectory): unknown {
  return {
    version: SNAPSHOT_VERSION,
    seed,
    savedAt: new Date().toISOString(),
    accounts: accounts.all().map(accountToJson),
    contacts: contacts.all().map((c) => ({ phone: c.phone, ...c.exportState() })),
  };
}

/**
 * Puts a snapshot back into empty registries. Throws (zod) when `raw` is not a snapshot of this version, or an
 * Error when it was written by a simulator with another seed (its derived keys would not match).
 */
export function restoreSnapshot(
  raw: unknown,
  seed: string,
  accounts: AccountRegistry,
  contacts: ContactDirectory,
): { accounts: number; companions: number; contacts: number } {
  const snapshot = SimSnapshotSchema.parse(raw);
  if (snapshot.seed !== seed) throw new Error(`state was saved by a simulator with seed "${snapshot.seed}"`);
  let companions = 0;
  for (const saved of snapshot.accounts) {
    const account = accounts.ensure(saved.phone);
    account.nextDeviceId = saved.nextDeviceId;
    account.banned = saved.banned;
    account.chatsStarted = new Set(saved.chatsStarted);
    account.faults = {
      timelock: saved.faults.timelock,
      newChatCap: saved.faults.newChatCap,
      ack: saved.faults.ack,
      latency: saved.faults.latency,
    };
    account.pendingInbound = saved.pendingInbound;
    for (const c of saved.companions) {
      account.companions.set(c.deviceId, { ...c, connection: undefined });
      companions++;
    }
  }
  for (const saved of snapshot.contacts) {
    contacts.ensure(saved.phone).importState(saved);
  }
  return { accounts: snapshot.accounts.length, companions, contacts: snapshot.contacts.length };
}
