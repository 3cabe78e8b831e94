import { describe, expect, it } from "vitest";
import { DecryptError, decrypt, encrypt, generateKeyRingSpec, parseKeyRing, ZKeyRing } from "../src/index.ts";

describe("key ring", () => {
  it("parses base64 and hex keys, the first one active", () => {
    const ring = parseKeyRing(`k2:${"ab".repeat(32)}, ${generateKeyRingSpec("k1")}`);
    expect(ring.activeKeyId).toBe("k2");
    expect([...ring.keys.keys()]).toEqual(["k2", "k1"]);
  });

  it.each([
    ["", /at least one key/],
    ["nokey", /needs an id/],
    ["k1:short", /32 bytes/],
    [`k1:${"ab".repeat(32)},k1:${"cd".repeat(32)}`, /twice/],
  ])("rejects %j", (spec, message) => {
    expect(() => parseKeyRing(spec)).toThrow(message);
    expect(ZKeyRing.safeParse(spec).success).toBe(false);
  });
});

describe("encrypt / decrypt", () => {
  const ring = parseKeyRing(generateKeyRingSpec("k1"));

  it("round-trips and never stores the plaintext", () => {
    const { keyId, ciphertext } = encrypt(ring, "noise-key-material", "inst-1:creds");
    expect(keyId).toBe("k1");
    expect(ciphertext.includes(Buffer.from("noise-key-material"))).toBe(false);
    expect(decrypt(ring, keyId, ciphertext, "inst-1:creds").toString()).toBe("noise-key-material");
  });

  it("uses a fresh nonce each time", () => {
    const a = encrypt(ring, "same", "x").ciphertext;
    const b = encrypt(ring, "same", "x").ciphertext;
    expect(a.equals(b)).toBe(false);
  });

  it("fails closed on tampering, a moved row, a missing key or truncation", () => {
    const { keyId, ciphertext } = encrypt(ring, "secret", "inst-1:creds");
    const tampered = Buffer.from(ciphertext);
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 1;
    expect(() => decrypt(ring, keyId, tampered, "inst-1:creds")).toThrow(DecryptError);
    expect(() => decrypt(ring, keyId, ciphertext, "inst-2:creds")).toThrow(/authentication/);
    expect(() => decrypt(ring, "k9", ciphertext, "inst-1:creds")).toThrow(/no key "k9"/);
    expect(() => decrypt(ring, keyId, ciphertext.subarray(0, 10), "inst-1:creds")).toThrow(/truncated/);
  });

  it("rotates: a new active key encrypts, the old one still decrypts", () => {
    const old = encrypt(ring, "v1", "a");
    const rotated = parseKeyRing(
      `${generateKeyRingSpec("k2")},${[...ring.keys].map(([id, k]) => `${id}:${k.toString("base64")}`)}`,
    );
    expect(encrypt(rotated, "v2", "a").keyId).toBe("k2");
    expect(decrypt(rotated, old.keyId, old.ciphertext, "a").toString()).toBe("v1");
  });
});
