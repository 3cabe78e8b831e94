import { WA_CERT_DETAILS } from "@whiskeysockets/baileys";

/** WhatsApp's real Noise root ("WhatsAppLongTerm1"), as shipped in Baileys 7.0.0-rc14. */
export const WHATSAPP_ROOT_PUBLIC_KEY_HEX = "142375574d0a587166aae71ebe516437c4a28b73e3695c6ce1f7f9545da8ee6b";

/**
 * Makes Baileys (in this process) trust the simulator's self-signed Noise certificate chain by replacing the root
 * key it verifies the chain against. Simulator mode only: while installed, this process cannot talk to the real
 * WhatsApp service. Returns a function that restores the previous root.
 *
 * Baileys 7 reads `WA_CERT_DETAILS.PUBLIC_KEY` on every handshake; if an upgrade freezes or stops reading it, this
 * throws (or the canary test fails) instead of failing handshakes obscurely.
 */
export function installSimulatorCertificate(rootPublicKey: Uint8Array): () => void {
  if (rootPublicKey.length !== 32) throw new Error("the simulator root key must be a 32-byte Curve25519 key");
  const details = WA_CERT_DETAILS as { PUBLIC_KEY: Buffer };
  const previous = details.PUBLIC_KEY;
  const next = Buffer.from(rootPublicKey);
  try {
    details.PUBLIC_KEY = next;
  } catch (cause) {
    throw new Error(
      "Baileys no longer lets WA_CERT_DETAILS.PUBLIC_KEY be replaced: the wa-sim certificate hook is broken",
      {
        cause,
      },
    );
  }
  if (!details.PUBLIC_KEY.equals(next)) {
    throw new Error(
      "Baileys ignored the simulator root key (WA_CERT_DETAILS is read-only): the wa-sim certificate hook is broken",
    );
  }
  return () => {
    details.PUBLIC_KEY = previous;
  };
}

/** The root key Baileys currently trusts, hex-encoded. */
export function trustedRootKeyHex(): string {
  return Buffer.from(WA_CERT_DETAILS.PUBLIC_KEY).toString("hex");
}
