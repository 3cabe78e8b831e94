import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { createLoginLimiter } from "../src/auth/login-limiter.ts";
import { AppError } from "../src/http/app-error.ts";
import { REDIS_URL } from "./harness.ts";

const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 3 });
const prefix = `ll-${randomUUID().slice(0, 8)}`;
afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

/** A limiter of 8 attempts per address per minute on a clock the test moves. */
function limiterAt(clock: { ms: number }) {
  return createLoginLimiter(redis, {
    prefix,
    maxFailures: 100,
    windowSeconds: 600,
    lockoutSeconds: 600,
    perIpPerMinute: 8,
    now: () => clock.ms,
  });
}

/** How many checks from `ip` pass before the first rate_limited (at most `max`). */
async function passing(limiter: ReturnType<typeof limiterAt>, ip: string, max: number): Promise<number> {
  for (let i = 0; i < max; i++) {
    const refused = await limiter.check(`someone-${i}@limit.test`, ip).catch((e: unknown) => e);
    if (refused instanceof AppError && refused.code === "rate_limited") return i;
    if (refused) throw refused;
  }
  return max;
}

describe("login rate limit per address", () => {
  // A minute boundary of the clock the limiter reads; the test sets the time on either side of it.
  const boundary = (Math.floor(Date.now() / 60_000) + 10) * 60_000;

  it("does not let an address double its allowance around a minute's turn", async () => {
    const clock = { ms: boundary - 500 };
    const limiter = limiterAt(clock);
    const ip = `10.0.0.${Math.floor(Math.random() * 250)}`;
    expect(await passing(limiter, ip, 5)).toBe(5);
    clock.ms = boundary + 200;
    // Five were made half a second ago: three more fit in the last 60 s, not eight.
    expect(await passing(limiter, ip, 10)).toBe(3);
  });

  it("gives the allowance back as the previous minute slides out of the last 60 s", async () => {
    const clock = { ms: boundary + 5 * 60_000 - 1_000 };
    const limiter = limiterAt(clock);
    const ip = "10.1.0.1";
    expect(await passing(limiter, ip, 10)).toBe(8);
    // Half a minute later, half of those nine attempts (the refused one counts too) still count, rounded up to five:
    // three more pass.
    clock.ms += 31_000;
    expect(await passing(limiter, ip, 10)).toBe(3);
    // Another address has its own allowance.
    expect(await passing(limiter, "10.1.0.2", 10)).toBe(8);
  });
});
