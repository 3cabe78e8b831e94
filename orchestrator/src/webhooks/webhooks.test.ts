import { randomBytes } from "node:crypto";
import { parseKeyRing } from "@mirage/secrets";
import { describe, expect, it } from "vitest";
import { signPayload, verifySignature } from "./signing.ts";
import { createTargetPolicy } from "./ssrf.ts";
import { openWebhookSecret, sealWebhookSecret } from "./webhook-secrets.ts";

describe("webhook signatures", () => {
  const secret = "whsec_test";
  const body = JSON.stringify({ id: "e1", type: "instance:status", data: { status: "connected" } });
  const now = 1_800_000_000;

  it("verify with the secret, over timestamp and body", () => {
    const header = signPayload(secret, body, now);
    expect(header).toMatch(/^t=1800000000,v1=[0-9a-f]{64}$/);
    expect(verifySignature(secret, header, body, { toleranceSeconds: 300, nowSeconds: now + 10 })).toEqual({
      ok: true,
      timestamp: now,
    });
  });

  it("fail for another secret, a changed body or a changed timestamp", () => {
    const header = signPayload(secret, body, now);
    const opts = { toleranceSeconds: 300, nowSeconds: now };
    expect(verifySignature("whsec_other", header, body, opts)).toEqual({ ok: false, reason: "mismatch" });
    expect(verifySignature(secret, header, body.replace("connected", "banned"), opts)).toEqual({
      ok: false,
      reason: "mismatch",
    });
    const moved = header.replace(`t=${now}`, `t=${now + 1}`);
    expect(verifySignature(secret, moved, body, opts)).toEqual({ ok: false, reason: "mismatch" });
    expect(verifySignature(secret, "garbage", body, opts)).toEqual({ ok: false, reason: "malformed" });
  });

  it("refuse replays outside the window, in both directions", () => {
    const header = signPayload(secret, body, now);
    expect(verifySignature(secret, header, body, { toleranceSeconds: 300, nowSeconds: now + 301 })).toEqual({
      ok: false,
      reason: "expired",
    });
    expect(verifySignature(secret, header, body, { toleranceSeconds: 300, nowSeconds: now - 301 }).ok).toBe(false);
    expect(verifySignature(secret, header, body, { toleranceSeconds: 300, nowSeconds: now + 300 }).ok).toBe(true);
  });
});

describe("SSRF policy", () => {
  it("refuses private, loopback, link-local, metadata and mapped addresses by default", async () => {
    const policy = createTargetPolicy([]);
    for (const url of [
      "http://127.0.0.1/x",
      "http://10.1.2.3/x",
      "http://172.16.0.1/x",
      "http://192.168.1.1/x",
      "http://169.254.169.254/latest/meta-data",
      "http://[::1]/x",
      "http://[::ffff:127.0.0.1]/x",
      "http://[fd00::1]/x",
      "http://0.0.0.0/x",
      "http://100.64.0.1/x",
    ]) {
      const result = await policy.checkUrl(url);
      expect(result.ok, url).toBe(false);
    }
    expect((await policy.checkUrl("http://localhost:3000/x")).ok).toBe(false);
    // The refusal names the setting that allows the address.
    expect(await policy.checkUrl("http://10.1.2.3/x")).toMatchObject({
      reason: expect.stringContaining(
        "add it to WEBHOOK_ALLOW_PRIVATE in the orchestrator's environment (e.g. WEBHOOK_ALLOW_PRIVATE=10.1.2.3/32)",
      ),
    });
    expect(await policy.checkUrl("http://[::1]/x")).toMatchObject({
      reason: expect.stringContaining("WEBHOOK_ALLOW_PRIVATE=::1/128"),
    });
    expect((await policy.checkUrl("ftp://8.8.8.8/x")).ok).toBe(false);
    expect((await policy.checkUrl("http://user:pw@8.8.8.8/x")).ok).toBe(false);
  });

  it("accepts public addresses and exactly what the allowlist names", async () => {
    const policy = createTargetPolicy(["127.0.0.1/32", "10.9.0.0/16"]);
    expect(await policy.checkUrl("https://8.8.8.8/hook")).toMatchObject({ ok: true, address: "8.8.8.8" });
    expect((await policy.checkUrl("http://127.0.0.1:8080/x")).ok).toBe(true);
    expect((await policy.checkUrl("http://10.9.3.4/x")).ok).toBe(true);
    expect((await policy.checkUrl("http://10.8.3.4/x")).ok).toBe(false);
    expect((await policy.checkUrl("http://127.0.0.2/x")).ok).toBe(false);
  });
});

describe("webhook secrets", () => {
  it("round-trip per endpoint, and open with older keys of the ring after rotation", () => {
    const k1 = randomBytes(32).toString("base64");
    const k2 = randomBytes(32).toString("hex");
    const old = parseKeyRing(`k1:${k1}`);
    const sealed = sealWebhookSecret(old, "ep-1", "whsec_abc");
    expect(sealed.keyId).toBe("k1");
    expect(sealed.ciphertext.includes(Buffer.from("whsec_abc"))).toBe(false);
    const rotated = parseKeyRing(`k2:${k2},k1:${k1}`);
    const row = { endpointId: "ep-1", aadBound: true, ...sealed };
    expect(openWebhookSecret(rotated, row)).toBe("whsec_abc");
    expect(sealWebhookSecret(rotated, "ep-1", "x").keyId).toBe("k2");
    expect(() => openWebhookSecret(rotated, { ...row, endpointId: "ep-2" })).toThrow(/authentication/);
    const tampered = Buffer.from(sealed.ciphertext);
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 1;
    expect(() => openWebhookSecret(rotated, { ...row, ciphertext: tampered })).toThrow();
  });
});
