import { createHash, createPrivateKey, createPublicKey } from "node:crypto";
import { Curve, generateSignalPubKey } from "@whiskeysockets/baileys";

/** A Curve25519 key pair in Baileys' shape: 32-byte public key without the 0x05 type prefix. */
export type KeyPair = { public: Uint8Array; private: Uint8Array };

export type SignedPreKey = { keyId: number; keyPair: KeyPair; signature: Uint8Array };

/** The long-lived Signal material of one device: what a pre-key bundle advertises. */
export type SignalIdentity = {
  registrationId: number;
  identity: KeyPair;
  signedPreKey: SignedPreKey;
  preKey: { keyId: number; keyPair: KeyPair };
};

// DER prefix of a PKCS#8 X25519 private key; the raw 32-byte scalar follows it.
const PKCS8_X25519_PREFIX = Buffer.from("302e020100300506032b656e04220420", "hex");
const SPKI_X25519_PREFIX_LENGTH = 12;

/** 32 (or more) bytes derived from a seed and a label: the same inputs always give the same bytes. */
export function deriveBytes(seed: string, label: string, length = 32): Buffer {
  const blocks: Buffer[] = [];
  for (let i = 0; blocks.length * 32 < length; i++) {
    blocks.push(createHash("sha256").update(`${seed}\0${label}\0${i}`).digest());
  }
  return Buffer.concat(blocks).subarray(0, length);
}

/** A deterministic X25519 key pair; the scalar is clamped so X25519 and XEdDSA agree on it. */
export function deriveKeyPair(seed: string, label: string): KeyPair {
  const priv = deriveBytes(seed, label);
  priv[0] = (priv[0] ?? 0) & 248;
  priv[31] = ((priv[31] ?? 0) & 127) | 64;
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_X25519_PREFIX, priv]),
    format: "der",
    type: "pkcs8",
  });
  const spki = createPublicKey(privateKey).export({ format: "der", type: "spki" });
  return { public: Buffer.from(spki.subarray(SPKI_X25519_PREFIX_LENGTH)), private: priv };
}

/** A deterministic decimal number of `digits` digits (no leading zero), e.g. for LIDs. */
export function deriveDigits(seed: string, label: string, digits: number): string {
  const n = deriveBytes(seed, label, 16).readBigUInt64BE(0);
  const low = 10n ** BigInt(digits - 1);
  return (low + (n % (9n * low))).toString();
}

export function deriveSignalIdentity(seed: string, label: string): SignalIdentity {
  const identity = deriveKeyPair(seed, `${label}/identity`);
  const signed = deriveKeyPair(seed, `${label}/signed-pre-key`);
  const registrationId = (deriveBytes(seed, `${label}/registration-id`).readUInt16BE(0) & 16383) + 1;
  return {
    registrationId,
    identity,
    signedPreKey: {
      keyId: 1,
      keyPair: signed,
      signature: Curve.sign(identity.private, generateSignalPubKey(signed.public)),
    },
    preKey: { keyId: 1, keyPair: deriveKeyPair(seed, `${label}/pre-key`) },
  };
}

/** libsignal's key pair shape (public key with the 0x05 prefix). */
export function toLibsignalKeyPair(pair: KeyPair): { pubKey: Buffer; privKey: Buffer } {
  return { pubKey: Buffer.from(generateSignalPubKey(pair.public)), privKey: Buffer.from(pair.private) };
}
