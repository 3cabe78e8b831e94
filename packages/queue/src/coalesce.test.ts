import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { coalesceWrites } from "./coalesce.ts";

const url = process.env.MIRAGE_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `test-coalesce-${randomUUID().slice(0, 8)}`;
const redis = new Redis(url, { maxRetriesPerRequest: null });

afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

describe("coalesceWrites", () => {
  it("sends the commands of one turn in one socket write, in the order they were issued", async () => {
    await redis.ping();
    const stream = redis.stream;
    const writes: number[] = [];
    const writev = stream._writev?.bind(stream);
    stream._writev = (chunks, cb) => {
      writes.push(chunks.length);
      if (writev) writev(chunks, cb);
    };
    const key = `${prefix}:list`;
    try {
      coalesceWrites(redis);
      const first = redis.rpush(key, "events");
      // The second command is issued a few microtasks later, as the worker nudge is after the events.
      const second = Promise.resolve()
        .then(() => undefined)
        .then(() => redis.rpush(key, "nudge"));
      expect(stream.writableCorked).toBeGreaterThan(0);
      await Promise.all([first, second]);
      expect(stream.writableCorked).toBe(0);
    } finally {
      stream._writev = writev;
    }
    expect(await redis.lrange(key, 0, -1)).toEqual(["events", "nudge"]);
    // Both commands left in one vectored write (uncorking hands the buffered chunks over together).
    expect(writes).toEqual([2]);
  });

  it("does nothing while the connection is not ready (ioredis queues commands itself then)", async () => {
    const offline = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: null });
    expect(() => coalesceWrites(offline)).not.toThrow();
    offline.disconnect();
  });
});
