import { execFile } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import postgres from "postgres";
import { afterAll, describe, expect, inject, it } from "vitest";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../..");
const baseAdmin = inject("pgAdminUrl");
const dbName = `mirage_setup_${process.pid}`;
const adminUrl = withDb(baseAdmin, dbName);
const appUrl = (() => {
  const u = new URL(adminUrl);
  u.username = "mirage_app";
  u.password = inject("pgAppPassword");
  return u.toString();
})();

function withDb(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

function dbScript(command: string, env: Record<string, string>) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("DATABASE_")));
  return run(path.join(root, "node_modules/.bin/tsx"), ["scripts/db.ts", command], {
    cwd: root,
    timeout: 150_000,
    env: { ...clean, ...env },
  });
}

afterAll(async () => {
  const sql = postgres(baseAdmin, { max: 1, onnotice: () => {} });
  await sql.unsafe(`drop database if exists ${dbName} with (force)`);
  await sql.end();
});

describe("database setup (what ./mirage start runs)", () => {
  it("creates, migrates and seeds, and a second run changes nothing", async () => {
    const env = { DATABASE_ADMIN_URL: adminUrl, DATABASE_URL: appUrl };
    const first = await dbScript("setup", env);
    expect(first.stdout).toContain(`created database ${dbName}`);
    expect(first.stdout).toMatch(/applied \d+ migration\(s\)/);
    expect(first.stdout).toContain("connected as mirage_app");

    const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
    const count = async () =>
      (
        await sql<{ n: number }[]>`
          select (select count(*) from auth.users)::int + (select count(*) from public.contacts)::int
               + (select count(*) from public.organization_members)::int as n`
      )[0]?.n;
    // What a user does with the demo organization between two starts: their own contact, a demo contact deleted,
    // another taken off the demo list. The next start keeps all of it (the demo campaign writes to that list).
    const org = "00000000-0000-4000-8000-0000000000a1";
    const list = "00000000-0000-4000-8000-0000000000c1";
    await sql`insert into public.contacts (org_id, phone_e164, name) values (${org}, '+5511977776666', 'Own contact')`;
    await sql`delete from public.contacts where id = '00000000-0000-4000-8000-000000000101'`;
    await sql`delete from public.contact_list_members where contact_id = '00000000-0000-4000-8000-000000000102'`;
    const listed = async () =>
      (
        await sql<{ name: string }[]>`
          select c.name from public.contact_list_members m join public.contacts c on c.id = m.contact_id
          where m.list_id = ${list} order by c.name`
      ).map((r) => r.name);
    const listedBefore = await listed();
    expect(listedBefore).toHaveLength(18);
    const before = await count();
    expect(before).toBeGreaterThan(20);

    const second = await dbScript("setup", env);
    expect(second.stdout).toContain("schema up to date");
    expect(second.stdout).not.toContain("created database");
    expect(await count()).toBe(before);
    expect(await listed()).toEqual(listedBefore);
    await sql.end();
  }, 180_000); // spawns tsx twice and migrates: slow on a busy 2-core machine

  it("stops with every environment problem listed", async () => {
    const err = await dbScript("setup", { DATABASE_URL: "mysql://nope" }).catch(
      (e: { stderr: string; code: number }) => e,
    );
    expect((err as { code: number }).code).toBe(1);
    expect((err as { stderr: string }).stderr).toMatch(/DATABASE_URL: must be a postgres:\/\/ URL/);
    expect((err as { stderr: string }).stderr).toMatch(/DATABASE_ADMIN_URL/);
  }, 60_000);
});

describe("./mirage services", () => {
  it("is idempotent: services already up are left alone", async () => {
    for (let i = 0; i < 2; i++) {
      const { stderr } = await run("bash", ["mirage", "services"], {
        cwd: root,
        timeout: 25_000,
        env: { ...process.env, REDIS_URL: "redis://127.0.0.1:6379" },
      });
      expect(stderr).toContain("Postgres and Redis are up");
      expect(stderr).not.toMatch(/apt-get|installed and started/);
    }
  }, 60_000);
});

describe(".env.example", () => {
  it("documents every variable of every env schema", async () => {
    const example = await readFile(path.join(root, ".env.example"), "utf8");
    const documented = new Set([...example.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));
    const keys = new Set<string>();
    const config = await import("@mirage/config");
    for (const fragment of [config.databaseEnv, config.redisEnv, config.logEnv]) {
      for (const k of Object.keys(fragment)) keys.add(k);
    }
    // Every app's env schema: <app>/src/env.ts exporting zod objects.
    for (const app of ["orchestrator", "workers", "packages/wa-sim", "dashboard"]) {
      const files = await readdir(path.join(root, app, "src")).catch(() => [] as string[]);
      if (!files.includes("env.ts")) continue;
      const mod = (await import(path.join(root, app, "src/env.ts"))) as Record<string, unknown>;
      for (const value of Object.values(mod)) {
        const shape = (value as { shape?: Record<string, unknown> })?.shape;
        if (shape) for (const k of Object.keys(shape)) keys.add(k);
      }
    }
    const missing = [...keys].filter((k) => !documented.has(k));
    expect(missing).toEqual([]);
    expect(keys.size).toBeGreaterThan(4);
  });
});
