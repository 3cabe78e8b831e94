import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { z } from "zod";

/**
 * Encryption at rest for WhatsApp credentials and webhook secrets: AES-256-GCM under a key ring. Rows store the id
 * of the key that encrypted them, so a new key can take over encryption while older rows stay readable until
 * they are rewritten. The AAD binds a ciphertext to its row (say, instance + key type + key id), so a value copied
 * into another row fails to decrypt instead of being accepted.
 */
export type KeyRing = { readonly activeKeyId: string; readonly keys: ReadonlyMap<string, Buffer> };

const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export class DecryptError extends Error {
  constructor(
    message: string,
    readonly keyId: string,
  ) {
    super(message);
    this.name = "DecryptError";
  }
}

function decodeKey(value: string): Buffer | null {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, "hex");
  const b = Buffer.from(value, "base64");
  return b.length === 32 && /^[A-Za-z0-9+/_-]+={0,2}$/.test(value) ? b : null;
}

/** Parses "id:key[,id:key…]" (keys as 44-char base64 or 64 hex chars); the first key is the active one. */
export function parseKeyRing(spec: string): KeyRing {
  const keys = new Map<string, Buffer>();
  let activeKeyId: string | undefined;
  for (const part of spec
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const idx = part.indexOf(":");
    const id = part.slice(0, idx);
    if (idx <= 0 || !/^[A-Za-z0-9_-]{1,32}$/.test(id))
      throw new Error(`key "${part.slice(0, 8)}…" needs an id: "id:base64key"`);
    const key = decodeKey(part.slice(idx + 1));
    if (!key) throw new Error(`key "${id}" must be 32 bytes as base64 or 64 hex characters`);
    if (keys.has(id)) throw new Error(`key id "${id}" appears twice`);
    keys.set(id, key);
    activeKeyId ??= id;
  }
  if (!activeKeyId) throw new Error("at least one key is required");
  return { activeKeyId, keys };
}

/** Env schema fragment: the key ring, validated at start so a bad key stops the process before any write. */
export const ZKeyRing = z.string().transform((spec, ctx): KeyRing => {
  try {
    return parseKeyRing(spec);
  } catch (err) {
    ctx.addIssue({ code: "custom", message: err instanceof Error ? err.message : String(err) });
    return z.NEVER;
  }
});

/** nonce (12) ‖ tag (16) ‖ ciphertext, under the ring's active key. */
export function encrypt(ring: KeyRing, plaintext: Buffer | string, aad: string): { keyId: string; ciphertext: Buffer } {
  const key = ring.keys.get(ring.activeKeyId);
  if (!key) throw new Error(`active key ${ring.activeKeyId} is missing from the ring`);
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  cipher.setAAD(Buffer.from(aad, "utf8"));
  const data = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { keyId: ring.activeKeyId, ciphertext: Buffer.concat([nonce, cipher.getAuthTag(), data]) };
}

export function decrypt(ring: KeyRing, keyId: string, ciphertext: Buffer, aad: string): Buffer {
  const key = ring.keys.get(keyId);
  if (!key)
    throw new DecryptError(`no key "${keyId}" in the ring (was it removed before its rows were rewritten?)`, keyId);
  if (ciphertext.length < NONCE_BYTES + TAG_BYTES) throw new DecryptError("ciphertext is truncated", keyId);
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, ciphertext.subarray(0, NONCE_BYTES));
    decipher.setAAD(Buffer.from(aad, "utf8"));
    decipher.setAuthTag(ciphertext.subarray(NONCE_BYTES, NONCE_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(ciphertext.subarray(NONCE_BYTES + TAG_BYTES)), decipher.final()]);
  } catch {
    throw new DecryptError("ciphertext failed authentication (corrupt, wrong key, or moved from another row)", keyId);
  }
}

/** A fresh ring spec, for .env generation and tests. */
export function generateKeyRingSpec(id = "k1"): string {
  return `${id}:${randomBytes(32).toString("base64")}`;
}
