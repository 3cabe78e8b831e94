import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { createWorkerCommandClient, createWorkerCommandConsumer } from "./worker-commands.ts";

const url = process.env.MIRAGE_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `test-commands-${randomUUID().slice(0, 8)}`;
const redis = new Redis(url, { maxRetriesPerRequest: null });

afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

/**
 * The caller's connection, except that the connections duplicated from it (the event readers) send their stream
 * reads `lagMs` late: what a busy event loop does to a reader that has just opened, or has just come back from an
 * empty read. A stand-in for load, named as such; everything else is real Redis and BullMQ.
 */
function lagging<T extends Redis>(conn: T, lagMs: number, reads = false): T {
  const duplicate = conn.duplicate.bind(conn);
  conn.duplicate = ((...args: Parameters<Redis["duplicate"]>) =>
    lagging(duplicate(...args), lagMs, true)) as Redis["duplicate"];
  if (reads) {
    const xread = conn.xread.bind(conn) as (...a: unknown[]) => Promise<unknown>;
    (conn as unknown as { xread: unknown }).xread = async (...a: unknown[]) => {
      await new Promise((r) => setTimeout(r, lagMs));
      return xread(...a);
    };
  }
  return conn;
}

describe("worker command client", () => {
  it("hears an answer that lands before its event reader's first read, on a new queue or one with history", async () => {
    // Answers after the caller checked the job once, and before its lagging reader reads.
    const handle = async () => {
      await new Promise((r) => setTimeout(r, 150));
      return { ok: true, outcome: "stopped" };
    };
    const consumers = ["w-new", "w-old"].map((workerId) =>
      createWorkerCommandConsumer({ connection: redis, prefix, workerId, handle }),
    );
    const plain = createWorkerCommandClient({ connection: redis, prefix });
    const conn = lagging(new Redis(url, { maxRetriesPerRequest: null }), 600);
    const client = createWorkerCommandClient({ connection: conn, prefix });
    try {
      await Promise.all(consumers.map((c) => c.waitUntilReady()));
      // w-old's event stream already holds another caller's answers.
      await plain.request("w-old", { type: "stop", instanceId: randomUUID() }, 5_000);
      for (const workerId of ["w-new", "w-old"]) {
        const started = Date.now();
        const answer = await client.request(workerId, { type: "stop", instanceId: randomUUID() }, 5_000);
        expect(answer, workerId).toEqual({ ok: true, outcome: "stopped" });
        expect(Date.now() - started, workerId).toBeLessThan(4_000);
      }
    } finally {
      await Promise.all([client.close(), plain.close(), ...consumers.map((c) => c.close())]);
      await conn.quit();
    }
  }, 20_000);

  it("shares one event reader between concurrent first requests to a worker", async () => {
    const consumer = createWorkerCommandConsumer({
      connection: redis,
      prefix,
      workerId: "w-many",
      handle: async (c) => ({ ok: true, outcome: c.type === "stop" ? "stopped" : "started" }),
    });
    const conn = new Redis(url, { maxRetriesPerRequest: null });
    let readers = 0;
    const duplicate = conn.duplicate.bind(conn);
    conn.duplicate = ((...args: Parameters<Redis["duplicate"]>) => {
      readers++;
      return duplicate(...args);
    }) as Redis["duplicate"];
    const client = createWorkerCommandClient({ connection: conn, prefix });
    try {
      const answers = await Promise.all(
        Array.from({ length: 5 }, () => client.request("w-many", { type: "stop", instanceId: randomUUID() }, 10_000)),
      );
      expect(answers.map((a) => a.outcome)).toEqual(Array(5).fill("stopped"));
      expect(readers).toBe(1);
    } finally {
      await client.close();
      await consumer.close();
      await conn.quit();
    }
  }, 20_000);
});
