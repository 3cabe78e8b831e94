import { randomBytes } from "node:crypto";
import {
  aesDecryptCTR,
  aesDecryptGCM,
  aesEncryptCTR,
  Curve,
  derivePairingCodeKey,
  getBinaryNodeChild,
  hkdf,
  hmacSign,
  proto,
  WA_ADV_ACCOUNT_SIG_PREFIX,
} from "@whiskeysockets/baileys";
import type { KeyPair } from "../crypto/keys.ts";
import { type BinaryNode, childBuffer, iqResult, node, unixNow, WA_SERVER } from "../protocol/nodes.ts";
import type { Connection } from "../transport/connection.ts";
import type { Account, Companion, CompanionKeys } from "./accounts.ts";
import { randomId, type SimContext } from "./context.ts";

export class PairingError extends Error {
  constructor(
    readonly code: "qr-unknown" | "qr-expired" | "qr-malformed" | "no-pairing-code-request" | "wrong-pairing-code",
    message: string,
  ) {
    super(message);
    this.name = "PairingError";
  }
}

const PAIRING_CODE_FINISH_TIMEOUT_MS = 30_000;

type QrRef = { ref: string; validFrom: number; validUntil: number };

/** A client that connected without credentials and waits to be linked. */
type Registration = {
  connection: Connection;
  noiseKey: string;
  keys: CompanionKeys;
  refs: QrRef[];
  linkCode:
    | {
        phone: string;
        ref: string;
        wrappedCompanionEphemeral: Buffer;
        primaryEphemeral?: KeyPair;
        companionEphemeralPublic?: Buffer;
        /** The phone that entered the code. */
        account?: Account;
        settle?: { resolve: () => void; reject: (err: Error) => void };
      }
    | undefined;
  /** Set once pair-success went out; the client's `pair-device-sign` answer then triggers the 515 restart. */
  pairedAs: { account: Account; deviceId: number } | undefined;
};

export type ParsedQr = { ref: string; noiseKey: string; identityKey: string; advSecret: string };

/** Parses Baileys' QR string: `https://wa.me/settings/linked_devices#ref,noise,identity,adv,platform` (or bare). */
export function parseQr(qr: string): ParsedQr {
  const fields = (qr.includes("#") ? qr.slice(qr.indexOf("#") + 1) : qr).split(",");
  const [ref, noiseKey, identityKey, advSecret] = fields;
  if (!ref || !noiseKey || !identityKey || !advSecret) {
    throw new PairingError("qr-malformed", "not a WhatsApp Web QR string");
  }
  return { ref, noiseKey, identityKey, advSecret };
}

function companionKeysFrom(data: proto.ClientPayload.IDevicePairingRegistrationData): CompanionKeys {
  const buf = (b: Uint8Array | null | undefined) => Buffer.from(b ?? []);
  return {
    registrationId: buf(data.eRegid).readUInt32BE(0),
    identityKey: buf(data.eIdent),
    signedPreKey: {
      keyId: buf(data.eSkeyId).readUIntBE(0, 3),
      publicKey: buf(data.eSkeyVal),
      signature: buf(data.eSkeySig),
    },
  };
}

/**
 * Device linking: the QR flow (`pair-device` refs that expire, then the phone scans) and the pairing-code flow
 * (`link_code_companion_reg`, completed when the phone enters the code). Both end in `pair-success` followed by
 * `<stream:error code="515">` once the client signed the device identity.
 */
export class Pairing {
  private readonly registrations = new Map<string, Registration>();

  constructor(private readonly ctx: SimContext) {}

  /** A client without `creds.me` finished the handshake: give it QR refs. */
  startRegistration(
    connection: Connection,
    noiseKey: string,
    data: proto.ClientPayload.IDevicePairingRegistrationData,
  ): void {
    const now = Date.now();
    const { refs: count, firstRefTtlMs, nextRefTtlMs } = this.ctx.qr;
    const refs: QrRef[] = [];
    let validFrom = now;
    for (let i = 0; i < count; i++) {
      const ttl = i === 0 ? firstRefTtlMs : nextRefTtlMs;
      refs.push({ ref: `2@${randomBytes(24).toString("base64")}`, validFrom, validUntil: validFrom + ttl });
      validFrom += ttl;
    }
    this.registrations.set(noiseKey, {
      connection,
      noiseKey,
      keys: companionKeysFrom(data),
      refs,
      linkCode: undefined,
      pairedAs: undefined,
    });
    this.ctx.send(
      connection,
      node("iq", { from: WA_SERVER, type: "set", id: randomId(this.ctx.random, "pd", 4), xmlns: "md" }, [
        node(
          "pair-device",
          {},
          refs.map((r) => node("ref", {}, Buffer.from(r.ref))),
        ),
      ]),
    );
  }

  forget(connection: Connection): void {
    const key = connection.handshake?.clientStaticPublic.toString("base64");
    if (key && this.registrations.get(key)?.connection === connection) this.registrations.delete(key);
  }

  /** The phone of `account` scans `qr`: links the waiting client to it. */
  scan(account: Account, qr: string): { deviceId: number } {
    const parsed = parseQr(qr);
    const registration = this.registrations.get(parsed.noiseKey);
    if (!registration?.connection.isOpen) {
      throw new PairingError("qr-unknown", "no client is waiting for this QR code (closed or already paired)");
    }
    const ref = registration.refs.find((r) => r.ref === parsed.ref);
    if (!ref) throw new PairingError("qr-unknown", "this QR code's ref was never issued to that client");
    const now = Date.now();
    if (now >= ref.validUntil || now < ref.validFrom) {
      throw new PairingError("qr-expired", "this QR code expired; scan the one the client shows now");
    }
    if (registration.pairedAs) throw new PairingError("qr-unknown", "this client is already paired");
    return this.completePairing(
      registration,
      account,
      Buffer.from(parsed.advSecret, "base64"),
      Buffer.from(parsed.identityKey, "base64"),
    );
  }

  /** Answers the `md` IQs of the pairing-code flow (`link_code_companion_reg`). */
  answerLinkCodeIq(connection: Connection, iq: BinaryNode): BinaryNode {
    const reg = getBinaryNodeChild(iq, "link_code_companion_reg");
    const registration = this.registrationOf(connection);
    if (!reg || !registration) return iqResult(iq);
    if (reg.attrs.stage === "companion_hello") {
      const phone = (reg.attrs.jid ?? "").split("@")[0]?.split(":")[0] ?? "";
      const ref = randomBytes(16).toString("base64");
      registration.linkCode = {
        phone,
        ref,
        wrappedCompanionEphemeral: childBuffer(reg, "link_code_pairing_wrapped_companion_ephemeral_pub"),
      };
      return iqResult(iq, [node("link_code_companion_reg", {}, [node("link_code_pairing_ref", {}, Buffer.from(ref))])]);
    }
    if (reg.attrs.stage === "companion_finish") {
      // Answer first: pair-success must reach the client after the IQ result it is waiting for.
      this.ctx.timers.after(0, () => this.finishLinkCode(registration, reg));
    }
    return iqResult(iq);
  }

  /** The client answered pair-success with its signature: tell it to restart and log in. */
  handlePairDeviceSign(connection: Connection): boolean {
    const registration = this.registrationOf(connection);
    if (!registration?.pairedAs) return false;
    this.registrations.delete(registration.noiseKey);
    connection.end(node("stream:error", { code: "515" }));
    return true;
  }

  /**
   * The phone of `account` enters the code a client displays. Resolves once pair-success went out; rejects when the
   * code is wrong (the client's key bundle does not decrypt) or no client asked for a code for this number.
   */
  async enterPairingCode(account: Account, code: string, waitMs = 5_000): Promise<void> {
    // `requestPairingCode` does not wait for the server, so the request may still be in flight: wait for it.
    const deadline = Date.now() + waitMs;
    let registration = this.pairingCodeRequest(account.phone);
    while (!registration && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      registration = this.pairingCodeRequest(account.phone);
    }
    const linkCode = registration?.linkCode;
    if (!registration || !linkCode) {
      throw new PairingError("no-pairing-code-request", `no client requested a pairing code for ${account.phone}`);
    }
    await new Promise<void>((resolve, reject) => {
      // The client may go away before it answers: do not leave the caller waiting forever.
      const timer = setTimeout(
        () => reject(new PairingError("no-pairing-code-request", "the client did not finish linking in time")),
        PAIRING_CODE_FINISH_TIMEOUT_MS,
      );
      const settle = (fn: () => void) => {
        clearTimeout(timer);
        fn();
      };
      linkCode.settle = { resolve: () => settle(resolve), reject: (err) => settle(() => reject(err)) };
      this.sendPrimaryHello(registration, account, code).catch((err: Error) => linkCode.settle?.reject(err));
    });
  }

  private pairingCodeRequest(phone: string): Registration | undefined {
    return [...this.registrations.values()]
      .reverse()
      .find((r) => r.linkCode?.phone === phone && !r.pairedAs && r.connection.isOpen);
  }

  private async sendPrimaryHello(registration: Registration, account: Account, code: string): Promise<void> {
    const linkCode = registration.linkCode;
    if (!linkCode) return;
    const normalized = code.replace(/[^0-9A-Za-z]/g, "").toUpperCase();
    const wrapped = linkCode.wrappedCompanionEphemeral;
    const key = await derivePairingCodeKey(normalized, wrapped.subarray(0, 32));
    linkCode.companionEphemeralPublic = aesDecryptCTR(wrapped.subarray(48, 80), key, wrapped.subarray(32, 48));
    const primaryEphemeral = Curve.generateKeyPair();
    linkCode.primaryEphemeral = primaryEphemeral;
    linkCode.account = account;
    const salt = randomBytes(32);
    const iv = randomBytes(16);
    const wrapKey = await derivePairingCodeKey(normalized, salt);
    const wrappedPrimary = Buffer.concat([salt, iv, aesEncryptCTR(primaryEphemeral.public, wrapKey, iv)]);
    this.ctx.send(
      registration.connection,
      node(
        "notification",
        { from: WA_SERVER, type: "link_code_companion_reg", id: randomId(this.ctx.random, "", 8), t: unixNow() },
        [
          node("link_code_companion_reg", { stage: "primary_hello" }, [
            node("link_code_pairing_ref", {}, Buffer.from(linkCode.ref)),
            node("primary_identity_pub", {}, account.phoneIdentity.identity.public),
            node("link_code_pairing_wrapped_primary_ephemeral_pub", {}, wrappedPrimary),
          ]),
        ],
      ),
    );
  }

  private finishLinkCode(registration: Registration, reg: BinaryNode): void {
    const linkCode = registration.linkCode;
    if (!linkCode?.primaryEphemeral || !linkCode.companionEphemeralPublic || !linkCode.account) return;
    const account = linkCode.account;
    try {
      const bundle = childBuffer(reg, "link_code_pairing_wrapped_key_bundle");
      const companionShared = Curve.sharedKey(linkCode.primaryEphemeral.private, linkCode.companionEphemeralPublic);
      const key = hkdf(companionShared, 32, {
        salt: bundle.subarray(0, 32),
        info: "link_code_pairing_key_bundle_encryption_key",
      });
      const plain = aesDecryptGCM(bundle.subarray(44), key, bundle.subarray(32, 44), Buffer.alloc(0));
      const companionIdentity = plain.subarray(0, 32);
      const random = plain.subarray(64, 96);
      const identityShared = Curve.sharedKey(account.phoneIdentity.identity.private, companionIdentity);
      const advSecret = Buffer.from(
        hkdf(Buffer.concat([companionShared, identityShared, random]), 32, { info: "adv_secret" }),
      );
      this.completePairing(registration, account, advSecret, companionIdentity);
      linkCode.settle?.resolve();
    } catch (err) {
      this.ctx.logger.info({ err, phone: account.phone }, "pairing code did not match");
      linkCode.settle?.reject(new PairingError("wrong-pairing-code", "the pairing code does not match the client's"));
    }
  }

  private registrationOf(connection: Connection): Registration | undefined {
    const key = connection.handshake?.clientStaticPublic.toString("base64");
    const registration = key ? this.registrations.get(key) : undefined;
    return registration?.connection === connection ? registration : undefined;
  }

  private completePairing(
    registration: Registration,
    account: Account,
    advSecret: Buffer,
    companionIdentity: Buffer,
  ): { deviceId: number } {
    const deviceId = account.nextDeviceId++;
    const companion: Companion = {
      deviceId,
      noiseKey: registration.noiseKey,
      keys: registration.keys,
      preKeys: new Map(),
      pairedAt: new Date(),
      removed: false,
      connection: undefined,
    };
    account.companions.set(deviceId, companion);
    registration.pairedAs = { account, deviceId };
    this.ctx.changed();

    const details = proto.ADVDeviceIdentity.encode({
      rawId: Math.floor(this.ctx.random() * 2 ** 31),
      timestamp: Math.floor(Date.now() / 1000),
      keyIndex: deviceId,
    }).finish();
    const accountSignature = Curve.sign(
      account.phoneIdentity.identity.private,
      Buffer.concat([WA_ADV_ACCOUNT_SIG_PREFIX, details, companionIdentity]),
    );
    const signed = proto.ADVSignedDeviceIdentity.encode({
      details,
      accountSignatureKey: account.phoneIdentity.identity.public,
      accountSignature,
    }).finish();
    const identity = proto.ADVSignedDeviceIdentityHMAC.encode({
      details: signed,
      hmac: hmacSign(signed, advSecret),
    }).finish();
    this.ctx.send(
      registration.connection,
      node("iq", { from: WA_SERVER, type: "set", id: randomId(this.ctx.random, "ps", 4) }, [
        node("pair-success", {}, [
          node("device-identity", {}, identity),
          node("platform", { name: "android" }),
          node("device", {
            jid: `${account.phone}:${deviceId}@${WA_SERVER}`,
            lid: `${account.lid}:${deviceId}@lid`,
          }),
        ]),
      ]),
    );
    this.ctx.logger.info({ phone: account.phone, deviceId }, "companion paired");
    return { deviceId };
  }
}
