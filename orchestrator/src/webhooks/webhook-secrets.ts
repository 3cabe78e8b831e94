import type { Database } from "@mirage/db";
import { listWebhookSecretsToRewrap, rewrapWebhookSecret } from "@mirage/db/webhooks";
import type { Logger } from "@mirage/logger";
import { decrypt, encrypt, type KeyRing } from "@mirage/secrets";

/**
 * Webhook signing secrets at rest, sealed with the same key ring as the WhatsApp credentials. The associated data
 * names the endpoint, so a ciphertext copied onto another endpoint's row fails to decrypt.
 */
const aadFor = (endpointId: string) => `webhook-secret:${endpointId}`;

/** Seals a secret for `endpointId` under the ring's active key. */
export function sealWebhookSecret(
  ring: KeyRing,
  endpointId: string,
  secret: string,
): { keyId: string; ciphertext: Buffer } {
  return encrypt(ring, secret, aadFor(endpointId));
}

/**
 * Opens a stored secret. `aadBound: false` marks rows sealed before secrets were bound to their endpoint (no
 * associated data); they still open, and `rewrapWebhookSecrets` re-seals them. Throws DecryptError on a missing
 * key or a failed authentication.
 */
export function openWebhookSecret(
  ring: KeyRing,
  row: { endpointId: string; keyId: string; ciphertext: Buffer; aadBound: boolean },
): string {
  return decrypt(ring, row.keyId, row.ciphertext, row.aadBound ? aadFor(row.endpointId) : "").toString("utf8");
}

/**
 * Re-seals every secret that is unbound or under a key other than the active one, in batches; run at start so a
 * retired key can be removed from MIRAGE_ENCRYPTION_KEYS after one restart. A row that fails to open is logged and
 * left as it is (its deliveries fail with that reason). Returns the number of rows re-sealed.
 */
export async function rewrapWebhookSecrets(db: Database, ring: KeyRing, logger: Logger): Promise<number> {
  let done = 0;
  const skipped = new Set<string>();
  for (;;) {
    const rows = await db.asService((tx) =>
      listWebhookSecretsToRewrap(tx, { activeKeyId: ring.activeKeyId, limit: 200 + skipped.size }),
    );
    const todo = rows.filter((r) => !skipped.has(r.endpointId));
    if (todo.length === 0) break;
    for (const row of todo) {
      let secret: string;
      try {
        secret = openWebhookSecret(ring, row);
      } catch (err) {
        skipped.add(row.endpointId);
        logger.error({ err, endpointId: row.endpointId, keyId: row.keyId }, "webhook secret cannot be re-sealed");
        continue;
      }
      const sealed = sealWebhookSecret(ring, row.endpointId, secret);
      const replaced = await db.asService((tx) =>
        rewrapWebhookSecret(tx, { endpointId: row.endpointId, previous: row.ciphertext, ...sealed }),
      );
      if (replaced) done++;
    }
  }
  if (done > 0) logger.info({ count: done, keyId: ring.activeKeyId }, "webhook secrets re-sealed");
  return done;
}
