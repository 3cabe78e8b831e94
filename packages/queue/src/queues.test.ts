import { randomUUID } from "node:crypto";
import { REALTIME_STREAM } from "@mirage/contracts/realtime";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { createQueues, createWorker, jitteredBackoff, seededJitter } from "./queues.ts";
import { orgStreamKey, publishRealtimeEvent } from "./realtime.ts";

const url = process.env.MIRAGE_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `test-queue-${randomUUID().slice(0, 8)}`;
const redis = new Redis(url, { maxRetriesPerRequest: null });

afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

describe("backoff", () => {
  it("grows exponentially within [ceiling/2, ceiling] and stops at the cap", () => {
    for (let n = 1; n <= 10; n++) {
      const ceiling = Math.min(10_000, 100 * 2 ** (n - 1));
      for (const j of [0, 0.5, 0.999]) {
        const d = jitteredBackoff(100, 10_000, n, j);
        expect(d).toBeGreaterThanOrEqual(ceiling / 2);
        expect(d).toBeLessThanOrEqual(ceiling);
      }
    }
  });

  it("seeded jitter is reproducible and spread over [0, 1)", () => {
    expect(seededJitter("42:1")).toBe(seededJitter("42:1"));
    const values = Array.from({ length: 200 }, (_, i) => seededJitter(`${i}:1`));
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    expect(new Set(values.map((v) => Math.floor(v * 10))).size).toBe(10);
  });
});

describe("typed queues", () => {
  it("validate payloads on enqueue and on consume (invalid ones fail without retry)", async () => {
    const queues = createQueues({ connection: redis, prefix });
    await expect(queues.enqueue("deliverWebhook", { deliveryId: -1 })).rejects.toThrow();
    const seen: number[] = [];
    const failures: { final: boolean; message: string }[] = [];
    const worker = createWorker({
      name: "deliverWebhook",
      connection: redis.duplicate({ maxRetriesPerRequest: null }),
      prefix,
      process: async (payload) => {
        seen.push(payload.deliveryId);
      },
      onFailed: (_payload, error, final) => {
        failures.push({ final, message: error.message });
      },
    });
    try {
      await queues.enqueue("deliverWebhook", { deliveryId: 7 });
      // Written around the catalog (an old release, by hand): the worker refuses it as unrecoverable.
      await queues.get("webhooks").add("deliverWebhook", { deliveryId: "x" }, { attempts: 5 });
      const started = Date.now();
      while ((seen.length < 1 || failures.length < 1) && Date.now() - started < 5000) {
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(seen).toEqual([7]);
      expect(failures).toHaveLength(1);
      expect(failures[0]?.final).toBe(true);
      expect(failures[0]?.message).toContain("invalid payload");
    } finally {
      await worker.close();
      await queues.close();
    }
  });
});

describe("realtime publishing", () => {
  it("appends to the shared stream and the organization's stream under one id, validated", async () => {
    const stream = `${prefix}:${REALTIME_STREAM}`;
    const orgId = randomUUID();
    const id = await publishRealtimeEvent(
      redis,
      { type: "instance:health", orgId, at: Date.now(), data: { instanceId: randomUUID(), score: 80 } },
      { stream },
    );
    const [shared] = await redis.xrange(stream, id, id);
    const [own] = await redis.xrange(orgStreamKey(orgId, stream), id, id);
    expect(shared?.[0]).toBe(id);
    expect(own?.[1]).toEqual(shared?.[1]);
    await expect(
      publishRealtimeEvent(redis, { type: "instance:health", orgId, at: 1, data: { score: 500 } } as never, { stream }),
    ).rejects.toThrow();
  });
});
