import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { AppError } from "../src/http/app-error.ts";
import { createSendRateLimiter } from "../src/messaging/rate-limit.ts";
import { checkText, parseRecipient, typingMsFor } from "../src/messaging/send-service.ts";
import { REDIS_URL } from "./harness.ts";

const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 3 });
const prefix = `rl-${randomUUID().slice(0, 8)}`;
afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

describe("send rate limit per instance", () => {
  it("lets a burst through, then answers 429 with Retry-After, per instance, and refills over time", async () => {
    // One token a second: slow enough that a loaded machine cannot refill the bucket between the takes.
    const limiter = createSendRateLimiter(redis, { prefix, perMinute: 60, burst: 3 });
    const a = randomUUID();
    for (let i = 0; i < 3; i++) await limiter.take(a);
    const refused = await limiter.take(a).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe("rate_limited");
    expect((refused as AppError).reasonCode).toBe("instance_rate_limited");
    expect((refused as AppError).retryAfter).toBeGreaterThanOrEqual(1);
    // Another instance has its own bucket.
    await limiter.take(randomUUID());
    await new Promise((r) => setTimeout(r, 1_100));
    await limiter.take(a);
  });
});

describe("send input", () => {
  it("texts: empty or over 65,536 characters are 422, anything else is kept as written", () => {
    expect(() => checkText(" \n ")).toThrowError(/empty/);
    expect(() => checkText("x".repeat(65_537))).toThrowError(/65536/);
    expect(checkText("  olá ")).toBe("  olá ");
  });

  it("recipients: any written phone form with its country code, or a LID", () => {
    expect(parseRecipient("+55 (11) 99999-0001", null)).toEqual({ phone: "+5511999990001", lid: null });
    expect(parseRecipient("0055 11 99999 0001", null)).toEqual({ phone: "+5511999990001", lid: null });
    expect(parseRecipient("123456789012345@lid", null)).toEqual({ phone: null, lid: "123456789012345@lid" });
    expect(() => parseRecipient("12", null)).toThrowError(AppError);
    // A national number: read in the organization's country, never as another country's (+1 190…).
    expect(parseRecipient("(11) 90000-0004", "BR")).toEqual({ phone: "+5511900000004", lid: null });
    expect(() => parseRecipient("(11) 90000-0004", null)).toThrowError(/no country code.*defaultCountry/);
  });

  it("typing: proportional to the text, bounded", () => {
    expect(typingMsFor(true, "oi")).toBe(600);
    expect(typingMsFor(true, "x".repeat(100))).toBe(5_000);
    expect(typingMsFor(true, "x".repeat(1_000))).toBe(8_000);
    expect(typingMsFor(1_234, "oi")).toBe(1_234);
    expect(typingMsFor(undefined, "oi")).toBe(0);
  });
});
