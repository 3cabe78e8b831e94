import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Webhook signatures, Stripe-style: header `Mirage-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret,
 * "<t>.<raw body>")>`. The timestamp is inside the MAC, so a captured request cannot be replayed later than the
 * receiver's tolerance window; receivers dedupe inside the window on `Mirage-Event-Id`.
 */
export const SIGNATURE_HEADER = "mirage-signature";

export function signPayload(secret: string, body: string, timestampSeconds: number): string {
  const mac = createHmac("sha256", secret).update(`${timestampSeconds}.${body}`).digest("hex");
  return `t=${timestampSeconds},v1=${mac}`;
}

export type VerifyResult =
  | { ok: true; timestamp: number }
  | { ok: false; reason: "malformed" | "mismatch" | "expired" };

/** What a receiver runs (exported for integrators' tests and our own). Accepts several v1 values (secret rotation). */
export function verifySignature(
  secret: string,
  header: string | undefined,
  body: string,
  opts: { toleranceSeconds: number; nowSeconds?: number },
): VerifyResult {
  if (!header) return { ok: false, reason: "malformed" };
  const parts = header.split(",").map((p) => p.trim().split("="));
  const t = Number(parts.find(([k]) => k === "t")?.[1]);
  const macs = parts.filter(([k, v]) => k === "v1" && v).map(([, v]) => v as string);
  if (!Number.isInteger(t) || macs.length === 0) return { ok: false, reason: "malformed" };
  const expected = Buffer.from(createHmac("sha256", secret).update(`${t}.${body}`).digest("hex"));
  const match = macs.some((m) => {
    const got = Buffer.from(m);
    return got.length === expected.length && timingSafeEqual(got, expected);
  });
  if (!match) return { ok: false, reason: "mismatch" };
  const now = opts.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - t) > opts.toleranceSeconds) return { ok: false, reason: "expired" };
  return { ok: true, timestamp: t };
}
