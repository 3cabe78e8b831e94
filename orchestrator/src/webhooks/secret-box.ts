import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { decodeKey } from "@mirage/config";

/**
 * AES-256-GCM for secrets at rest, under the MIRAGE_ENCRYPTION_KEYS ring ("id:key,…"): the first key encrypts,
 * every key decrypts, so keys rotate without re-encrypting at once. Layout: 12-byte IV | 16-byte tag | ciphertext.
 */
export type SecretBox = {
  encrypt(plain: string): { keyId: string; ciphertext: Buffer };
  decrypt(keyId: string, ciphertext: Buffer): string;
};

export function createSecretBox(ring: string): SecretBox {
  const keys = new Map<string, Buffer>();
  let primary: string | undefined;
  for (const entry of ring.split(",")) {
    const [id, value] = entry.trim().split(":");
    const key = value ? decodeKey(value) : null;
    if (!id || !key) throw new Error("MIRAGE_ENCRYPTION_KEYS entries must be id:key");
    keys.set(id, key);
    primary ??= id;
  }
  if (!primary) throw new Error("MIRAGE_ENCRYPTION_KEYS is empty");
  const primaryId = primary;
  return {
    encrypt(plain) {
      const key = keys.get(primaryId) as Buffer;
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", key, iv);
      const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
      return { keyId: primaryId, ciphertext: Buffer.concat([iv, cipher.getAuthTag(), body]) };
    },
    decrypt(keyId, ciphertext) {
      const key = keys.get(keyId);
      if (!key) throw new Error(`no encryption key with id ${keyId}`);
      const decipher = createDecipheriv("aes-256-gcm", key, ciphertext.subarray(0, 12));
      decipher.setAuthTag(ciphertext.subarray(12, 28));
      return Buffer.concat([decipher.update(ciphertext.subarray(28)), decipher.final()]).toString("utf8");
    },
  };
}
