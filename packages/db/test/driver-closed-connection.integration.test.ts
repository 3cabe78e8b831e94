/**
 * postgres.js 3.4.9 as patched here (patches/postgres@3.4.9.patch): a connection whose backend died under it — a
 * Postgres restart, a pooler dropping it — settles every later statement with a connection error. Unpatched, the
 * second one waited forever and the third threw from a timer: an uncaught exception that ends the process (the
 * orchestrator and workers reserve connections for their pipelined transactions).
 */
import { createTestDatabase, type TestDatabase } from "@mirage/testing/postgres";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.drop();
});

/** The statement's error code, or "hung" when it neither answers nor fails within `ms`. */
const outcome = (q: Promise<unknown>, ms = 5_000) =>
  Promise.race([
    q.then(
      () => "ok",
      (err: { code?: string }) => err.code ?? "error",
    ),
    new Promise<string>((resolve) => setTimeout(() => resolve("hung"), ms)),
  ]);

describe("a reserved connection whose backend was terminated", () => {
  it("fails each later statement with a connection error: none hangs, none throws from a timer", async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.on("uncaughtException", onUncaught);
    const sql = postgres(t.appUrl, { max: 2, onnotice: () => {} });
    try {
      const reserved = await sql.reserve();
      const [row] = await reserved<{ pid: number }[]>`select pg_backend_pid() as pid`;
      await t.admin`select pg_terminate_backend(${row?.pid ?? 0})`;
      const results: string[] = [];
      for (let i = 0; i < 3; i++) results.push(await outcome(reserved`select 1`));
      // Let any write the driver scheduled run before looking.
      await new Promise((resolve) => setImmediate(resolve));
      expect(uncaught).toEqual([]);
      expect(
        results.every((r) => ["ECONNRESET", "CONNECTION_CLOSED", "CONNECTION_ENDED"].includes(r)),
        String(results),
      ).toBe(true);
      reserved.release();
      // The pool still answers on a fresh connection.
      expect(await outcome(sql`select 1`)).toBe("ok");
    } finally {
      process.off("uncaughtException", onUncaught);
      await sql.end({ timeout: 2 });
    }
  }, 30_000);
});
