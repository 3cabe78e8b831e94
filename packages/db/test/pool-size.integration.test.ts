import { createTestDatabase, type TestDatabase } from "@mirage/testing/postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, PoolTooLargeError } from "../src/index.ts";

let t: TestDatabase;
let serverMax: number;
beforeAll(async () => {
  t = await createTestDatabase();
  const [row] = await t.admin<{ max: number }[]>`select current_setting('max_connections')::int as max`;
  serverMax = row?.max ?? 0;
});
afterAll(async () => {
  await t.drop();
});

describe("a pool larger than the server allows", () => {
  it("is refused with the server's numbers, before any transaction runs", async () => {
    const db = createDb({ url: t.appUrl, max: serverMax + 100 });
    try {
      const err = await db.ready().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PoolTooLargeError);
      expect((err as Error).message).toMatch(
        new RegExp(
          `pool of ${serverMax + 100} connections .*max_connections ${serverMax}, \\d+ reserved.*DATABASE_POOL_MAX`,
        ),
      );
      await expect(db.asService(async (tx) => tx`select 1`)).rejects.toBeInstanceOf(PoolTooLargeError);
      // Exactly what the server leaves after the superuser slots is still too many only past that bound.
      expect((err as PoolTooLargeError).allowed).toBeLessThan(serverMax);
    } finally {
      await db.close();
    }
  });

  it("lets a pool that fits work as before", async () => {
    await expect(t.db.asService(async (tx) => (await tx`select 1 as one`)[0]?.one)).resolves.toBe(1);
  });
});
