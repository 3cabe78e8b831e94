import { readFileSync } from "node:fs";
import path from "node:path";
import { createTestDatabase, type TestDatabase } from "@mirage/testing/postgres";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The plain-PostgreSQL bootstrap touches roles, which every database of the server shares: run by several setups at
 * once (the test suite creates databases in parallel; two stacks on one server), it must not update the same role
 * row from two sessions, which Postgres refuses with "tuple concurrently updated".
 */
const BOOTSTRAP = readFileSync(
  path.resolve(import.meta.dirname, "../../../supabase/bootstrap/plain-postgres.sql"),
  "utf8",
);

// Four databases of the same server, as four setups at once would have.
let dbs: TestDatabase[] = [];
beforeAll(async () => {
  dbs = await Promise.all(Array.from({ length: 4 }, () => createTestDatabase()));
}, 60_000);
afterAll(async () => {
  await Promise.all(dbs.map((d) => d.drop()));
});

describe("the plain-PostgreSQL bootstrap", () => {
  it("runs in several databases at once, again and again, without a concurrent update of a shared role", async () => {
    const sessions = dbs.map((d) => postgres(d.adminUrl, { max: 1, onnotice: () => {} }));
    try {
      for (let round = 0; round < 5; round++) {
        const results = await Promise.allSettled(sessions.map((sql) => sql.unsafe(BOOTSTRAP)));
        const errors = results.flatMap((r) => (r.status === "rejected" ? [String(r.reason)] : []));
        expect(errors).toEqual([]);
      }
      // And it still leaves the roles as the migrations need them.
      const roles = await (dbs[0] as TestDatabase).admin<{ rolname: string; rolinherit: boolean }[]>`
        select rolname, rolinherit from pg_roles where rolname in ('anon', 'authenticated', 'service_role')
        order by rolname`;
      expect(roles.map((r) => [r.rolname, r.rolinherit])).toEqual([
        ["anon", true],
        ["authenticated", true],
        ["service_role", true],
      ]);
    } finally {
      await Promise.all(sessions.map((sql) => sql.end({ timeout: 5 })));
    }
  }, 60_000);
});

describe("setting the app role's password", () => {
  it("from several setups at once, each succeeds", async () => {
    const { setAppRolePassword } = await import("../src/migrate.ts");
    const results = await Promise.allSettled(
      Array.from({ length: 3 }, () => Promise.all(dbs.map((d) => setAppRolePassword(d.adminUrl, d.appUrl)))),
    );
    expect(results.flatMap((r) => (r.status === "rejected" ? [String(r.reason)] : []))).toEqual([]);
    // The app still connects with it.
    const [row] = await (dbs[0] as TestDatabase).db.asService((tx) => tx<{ one: number }[]>`select 1 as one`);
    expect(row?.one).toBe(1);
  }, 60_000);
});
