import { createCipheriv, randomBytes } from "node:crypto";
import { createLogger } from "@mirage/logger";
import { createOrgWithMembers, type OrgFixture } from "@mirage/testing/fixtures";
import { until } from "@mirage/testing/until";
import { type ReceivedHook, startWebhookReceiver, type WebhookReceiver } from "@mirage/testing/webhook-receiver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifySignature } from "../src/webhooks/signing.ts";
import { openWebhookSecret, rewrapWebhookSecrets } from "../src/webhooks/webhook-secrets.ts";
import { api, type Harness, startHarness } from "./harness.ts";

const OLD_KEY = randomBytes(32);
const NEW_KEY = randomBytes(32);
const silent = createLogger({ service: "test", level: "silent" });

/** How secrets were sealed before the shared key ring: 12-byte IV | tag | ciphertext, no associated data. */
function legacySeal(key: Buffer, plain: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

let h: Harness;
let a: OrgFixture;
let receiver: WebhookReceiver;
let base: string;
let received: ReceivedHook[] = [];

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  received = receiver.received;
  base = receiver.url;
  h = await startHarness({
    MIRAGE_ENCRYPTION_KEYS: `k2:${NEW_KEY.toString("base64")},k1:${OLD_KEY.toString("hex")}`,
    WEBHOOK_BACKOFF_BASE_MS: "100",
    WEBHOOK_BACKOFF_CAP_MS: "400",
    WEBHOOK_MAX_ATTEMPTS: "2",
  });
  a = await createOrgWithMembers(h.t.admin, "secrets-a");
}, 60_000);
afterAll(async () => {
  await h?.close();
  await receiver?.close();
});

async function endpoint(path: string): Promise<string> {
  const token = await h.tokenFor(a.users.admin);
  const res = await api(h, "post", `/api/v1/orgs/${a.orgId}/webhooks`, { token, body: { url: `${base}${path}` } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

async function ping(endpointId: string, path: string) {
  const token = await h.tokenFor(a.users.admin);
  const before = received.filter((r) => r.path === path).length;
  const res = await api(h, "post", `/api/v1/orgs/${a.orgId}/webhooks/${endpointId}/test`, { token });
  expect(res.status).toBeLessThan(300);
  return until(() => received.filter((r) => r.path === path)[before]);
}

const secretRow = async (endpointId: string) => {
  const [row] = await h.t.admin<{ key_id: string; ciphertext: Buffer; aad_bound: boolean }[]>`
    select key_id, ciphertext, aad_bound from public.webhook_endpoint_secrets where endpoint_id = ${endpointId}`;
  if (!row) throw new Error("no secret row");
  return row;
};

describe("webhook secrets under the shared key ring", () => {
  it("binds new secrets to their endpoint under the active key", async () => {
    const id = await endpoint("/new");
    const row = await secretRow(id);
    expect(row).toMatchObject({ key_id: "k2", aad_bound: true });
    const secret = openWebhookSecret(h.config.MIRAGE_ENCRYPTION_KEYS, {
      endpointId: id,
      keyId: row.key_id,
      ciphertext: row.ciphertext,
      aadBound: true,
    });
    expect(secret).toMatch(/^whsec_/);
    // The same ciphertext on another endpoint does not open.
    expect(() =>
      openWebhookSecret(h.config.MIRAGE_ENCRYPTION_KEYS, {
        endpointId: a.orgId,
        keyId: row.key_id,
        ciphertext: row.ciphertext,
        aadBound: true,
      }),
    ).toThrow(/failed authentication/);
  });

  it("still signs with a secret stored the old way, then re-seals it without changing it", async () => {
    const id = await endpoint("/legacy");
    const secret = `whsec_${randomBytes(32).toString("base64url")}`;
    await h.t.admin`
      update public.webhook_endpoint_secrets
      set key_id = 'k1', ciphertext = ${legacySeal(OLD_KEY, secret)}, aad_bound = false where endpoint_id = ${id}`;

    const first = await ping(id, "/legacy");
    expect(
      verifySignature(secret, first.headers["mirage-signature"] as string, first.body, { toleranceSeconds: 300 }),
    ).toMatchObject({ ok: true });

    expect(await rewrapWebhookSecrets(h.t.db, h.config.MIRAGE_ENCRYPTION_KEYS, silent)).toBeGreaterThanOrEqual(1);
    const row = await secretRow(id);
    expect(row).toMatchObject({ key_id: "k2", aad_bound: true });
    expect(await rewrapWebhookSecrets(h.t.db, h.config.MIRAGE_ENCRYPTION_KEYS, silent)).toBe(0);

    const second = await ping(id, "/legacy");
    expect(
      verifySignature(secret, second.headers["mirage-signature"] as string, second.body, { toleranceSeconds: 300 }),
    ).toMatchObject({ ok: true });
  });

  it("leaves a secret it cannot open alone and fails its deliveries with the reason", async () => {
    const id = await endpoint("/lost-key");
    await h.t.admin`
      update public.webhook_endpoint_secrets
      set key_id = 'k0', ciphertext = ${legacySeal(randomBytes(32), "whsec_x")}, aad_bound = false
      where endpoint_id = ${id}`;
    await rewrapWebhookSecrets(h.t.db, h.config.MIRAGE_ENCRYPTION_KEYS, silent);
    expect(await secretRow(id)).toMatchObject({ key_id: "k0", aad_bound: false });
    const token = await h.tokenFor(a.users.admin);
    await api(h, "post", `/api/v1/orgs/${a.orgId}/webhooks/${id}/test`, { token });
    const dead = await until(async () => {
      const [d] = await h.t.admin<{ status: string; last_error: string | null }[]>`
        select status, last_error from public.webhook_deliveries where endpoint_id = ${id} and status = 'dead'`;
      return d;
    });
    expect(dead.last_error).toMatch(/signing secret cannot be decrypted: no key "k0"/);
  });
});
