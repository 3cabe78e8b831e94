import { Curve, proto } from "@whiskeysockets/baileys";
import type { KeyPair } from "../crypto/keys.ts";

/** Far enough in the future that no test ever sees the chain expire (Baileys does not check dates anyway). */
const NOT_AFTER = 4_102_444_800; // 2100-01-01

export type CertificateChain = {
  /** Encoded `proto.CertChain`, sent encrypted in the Noise server hello. */
  chain: Buffer;
  /** The root public key a client must trust: install it with `installSimulatorCertificate`. */
  rootPublicKey: Buffer;
};

/**
 * A self-signed WhatsApp Noise certificate chain: root → intermediate (serial 1, issuer 0) → leaf (the server's
 * static key). Baileys 7 verifies both signatures and that the intermediate's issuer serial is 0.
 */
export function makeCertificateChain(keys: {
  root: KeyPair;
  intermediate: KeyPair;
  serverStatic: KeyPair;
}): CertificateChain {
  const Details = proto.CertChain.NoiseCertificate.Details;
  const intermediateDetails = Details.encode({
    serial: 1,
    issuerSerial: 0,
    key: keys.intermediate.public,
    notBefore: 0,
    notAfter: NOT_AFTER,
  }).finish();
  const leafDetails = Details.encode({
    serial: 2,
    issuerSerial: 1,
    key: keys.serverStatic.public,
    notBefore: 0,
    notAfter: NOT_AFTER,
  }).finish();
  const chain = proto.CertChain.encode({
    intermediate: { details: intermediateDetails, signature: Curve.sign(keys.root.private, intermediateDetails) },
    leaf: { details: leafDetails, signature: Curve.sign(keys.intermediate.private, leafDetails) },
  }).finish();
  return { chain: Buffer.from(chain), rootPublicKey: Buffer.from(keys.root.public) };
}
