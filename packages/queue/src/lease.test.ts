import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { createLease } from "./lease.ts";

const url = process.env.MIRAGE_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `test-lease-${randomUUID().slice(0, 8)}`;
const redis = new Redis(url, { maxRetriesPerRequest: null });
const key = (name: string) => `${prefix}:${name}`;

afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

/** Waits until Redis reports the key gone (expiry), polling its TTL rather than sleeping a guessed time. */
async function untilGone(k: string, timeoutMs = 5_000): Promise<void> {
  const started = Date.now();
  while ((await redis.exists(k)) === 1) {
    if (Date.now() - started > timeoutMs) throw new Error(`${k} did not expire`);
    const wait = Math.max(5, await redis.pttl(k));
    await new Promise((r) => setTimeout(r, wait));
  }
}

describe("lease", () => {
  it("has one holder at a time, even when many acquire at once", async () => {
    const contenders = Array.from({ length: 10 }, () => createLease(redis, { key: key("one"), ttlMs: 10_000 }));
    const won = await Promise.all(contenders.map((l) => l.acquire()));
    expect(won.filter(Boolean)).toHaveLength(1);
    const holder = contenders[won.indexOf(true)];
    expect(await redis.get(key("one"))).toBe(holder?.token);
    // Acquiring again as the holder extends rather than fails.
    expect(await holder?.acquire()).toBe(true);
  });

  it("expires after ttlMs, and then another holder can take it", async () => {
    const a = createLease(redis, { key: key("expiry"), ttlMs: 150 });
    const b = createLease(redis, { key: key("expiry"), ttlMs: 150 });
    expect(await a.acquire()).toBe(true);
    expect(await b.acquire()).toBe(false);
    const ttl = await redis.pttl(key("expiry"));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(150);
    await untilGone(key("expiry"));
    expect(await a.renew()).toBe(false);
    expect(await b.acquire()).toBe(true);
    expect(await a.renew()).toBe(false);
  });

  it("renews only for its owner", async () => {
    const owner = createLease(redis, { key: key("renew"), ttlMs: 1_000 });
    const other = createLease(redis, { key: key("renew"), ttlMs: 60_000 });
    expect(await other.renew()).toBe(false);
    expect(await owner.acquire()).toBe(true);
    expect(await other.renew()).toBe(false);
    expect(await redis.pttl(key("renew"))).toBeLessThanOrEqual(1_000);
    expect(await redis.get(key("renew"))).toBe(owner.token);
    await redis.pexpire(key("renew"), 100);
    expect(await owner.renew()).toBe(true);
    expect(await redis.pttl(key("renew"))).toBeGreaterThan(100);
  });

  it("releases only for its owner", async () => {
    const owner = createLease(redis, { key: key("release"), ttlMs: 10_000 });
    const other = createLease(redis, { key: key("release"), ttlMs: 10_000 });
    expect(await owner.acquire()).toBe(true);
    expect(await other.release()).toBe(false);
    expect(await redis.get(key("release"))).toBe(owner.token);
    expect(await owner.release()).toBe(true);
    expect(await redis.exists(key("release"))).toBe(0);
    expect(await owner.release()).toBe(false);
    expect(await other.acquire()).toBe(true);
  });

  it("refuses a TTL that is not a positive whole number of milliseconds", () => {
    expect(() => createLease(redis, { key: key("bad"), ttlMs: 0 })).toThrow(/ttlMs/);
    expect(() => createLease(redis, { key: key("bad"), ttlMs: 1.5 })).toThrow(/ttlMs/);
  });
});
