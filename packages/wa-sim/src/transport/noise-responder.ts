import { aesDecryptGCM, aesEncryptGCM, Curve, hkdf, NOISE_MODE, proto, sha256 } from "@whiskeysockets/baileys";
import type { KeyPair } from "../crypto/keys.ts";

const EMPTY = Buffer.alloc(0);

function nonce(counter: number): Buffer {
  const iv = Buffer.alloc(12);
  iv.writeUInt32BE(counter, 8);
  return iv;
}

export type ClientHandshakeResult = {
  /** The client's long-term Noise key (`creds.noiseKey.public`): it identifies the companion device. */
  clientStaticPublic: Buffer;
  payload: proto.ClientPayload;
};

/**
 * Responder side of WhatsApp's Noise_XX_25519_AESGCM_SHA256 handshake. Baileys only ships the initiator
 * (`makeNoiseHandler`), so this mirrors its steps: hash `h` starts as the 32-byte protocol name, every handshake
 * ciphertext is authenticated into `h`, and each DH output is mixed in with HKDF (which resets the counter).
 */
export class NoiseResponder {
  private hash: Buffer = Buffer.from(NOISE_MODE);
  private salt: Buffer = this.hash;
  private key: Buffer = this.hash;
  private counter = 0;
  private ephemeral: KeyPair | undefined;
  private transport: { encKey: Buffer; decKey: Buffer; readCounter: number; writeCounter: number } | undefined;

  constructor(
    private readonly serverStatic: KeyPair,
    private readonly certificateChain: Buffer,
    private readonly makeEphemeral: () => KeyPair = Curve.generateKeyPair,
  ) {}

  get isOpen(): boolean {
    return this.transport !== undefined;
  }

  /** Step 2 of XX: answers the client hello with our ephemeral, encrypted static key and certificate chain. */
  respondToHello(header: Buffer, clientHelloFrame: Buffer): Buffer {
    this.authenticate(header);
    const hello = proto.HandshakeMessage.decode(clientHelloFrame).clientHello;
    if (!hello?.ephemeral) throw new Error("client hello without ephemeral key");
    const clientEphemeral = Buffer.from(hello.ephemeral);
    this.authenticate(clientEphemeral);
    const ephemeral = this.makeEphemeral();
    this.ephemeral = ephemeral;
    this.authenticate(ephemeral.public);
    this.mixIntoKey(Curve.sharedKey(ephemeral.private, clientEphemeral));
    const encryptedStatic = this.encryptHandshake(this.serverStatic.public);
    this.mixIntoKey(Curve.sharedKey(this.serverStatic.private, clientEphemeral));
    const encryptedCertificate = this.encryptHandshake(this.certificateChain);
    return Buffer.from(
      proto.HandshakeMessage.encode({
        serverHello: { ephemeral: ephemeral.public, static: encryptedStatic, payload: encryptedCertificate },
      }).finish(),
    );
  }

  /** Step 3 of XX: decrypts the client's static key and `ClientPayload`, then splits the transport keys. */
  finish(clientFinishFrame: Buffer): ClientHandshakeResult {
    if (!this.ephemeral) throw new Error("client finish before hello");
    const finish = proto.HandshakeMessage.decode(clientFinishFrame).clientFinish;
    if (!finish?.static || !finish.payload) throw new Error("incomplete client finish");
    const clientStaticPublic = this.decryptHandshake(Buffer.from(finish.static));
    this.mixIntoKey(Curve.sharedKey(this.ephemeral.private, clientStaticPublic));
    const payload = proto.ClientPayload.decode(this.decryptHandshake(Buffer.from(finish.payload)));
    const split = Buffer.from(hkdf(EMPTY, 64, { salt: this.salt, info: "" }));
    // The initiator writes with the first half; the responder writes with the second.
    this.transport = { decKey: split.subarray(0, 32), encKey: split.subarray(32), readCounter: 0, writeCounter: 0 };
    return { clientStaticPublic, payload };
  }

  encrypt(plaintext: Uint8Array): Buffer {
    const t = this.requireTransport();
    return aesEncryptGCM(plaintext, t.encKey, nonce(t.writeCounter++), EMPTY);
  }

  decrypt(ciphertext: Uint8Array): Buffer {
    const t = this.requireTransport();
    return aesDecryptGCM(ciphertext, t.decKey, nonce(t.readCounter++), EMPTY);
  }

  private requireTransport() {
    if (!this.transport) throw new Error("noise handshake not finished");
    return this.transport;
  }

  private authenticate(data: Uint8Array): void {
    this.hash = sha256(Buffer.concat([this.hash, data]));
  }

  private mixIntoKey(input: Uint8Array): void {
    const out = Buffer.from(hkdf(Buffer.from(input), 64, { salt: this.salt, info: "" }));
    this.salt = out.subarray(0, 32);
    this.key = out.subarray(32);
    this.counter = 0;
  }

  private encryptHandshake(plaintext: Uint8Array): Buffer {
    const out = aesEncryptGCM(plaintext, this.key, nonce(this.counter++), this.hash);
    this.authenticate(out);
    return out;
  }

  private decryptHandshake(ciphertext: Buffer): Buffer {
    const out = aesDecryptGCM(ciphertext, this.key, nonce(this.counter++), this.hash);
    this.authenticate(ciphertext);
    return out;
  }
}
