import { execFile } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import postgres from "postgres";
import { afterAll, describe, expect, inject, it } from "vitest";
import { parse } from "yaml";

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
    const before = await count();
    expect(before).toBeGreaterThan(20);

    const second = await dbScript("setup", env);
    expect(second.stdout).toContain("schema up to date");
    expect(second.stdout).not.toContain("created database");
    expect(await count()).toBe(before);
    await sql.end();
  }, 120_000); // spawns tsx twice and migrates: slow on a busy 2-core machine

  it("stops with every environment problem listed", async () => {
    const err = await dbScript("setup", { DATABASE_URL: "mysql://nope" }).catch(
      (e: { stderr: string; code: number }) => e,
    );
    expect((err as { code: number }).code).toBe(1);
    expect((err as { stderr: string }).stderr).toMatch(/DATABASE_URL: must be a postgres:\/\/ URL/);
    expect((err as { stderr: string }).stderr).toMatch(/DATABASE_ADMIN_URL/);
  });
});

describe("./mirage services", () => {
  it("is idempotent: services already up are left alone", async () => {
    for (let i = 0; i < 2; i++) {
      const { stderr } = await run("bash", ["mirage", "services"], {
        cwd: root,
        env: { ...process.env, REDIS_URL: "redis://127.0.0.1:6379" },
      });
      expect(stderr).toContain("Postgres and Redis are up");
      expect(stderr).not.toMatch(/apt-get|installed and started/);
    }
  });
});

describe("docker-compose.yml", () => {
  it("runs the production stack with health checks, AOF Redis and named volumes", async () => {
    const compose = parse(await readFile(path.join(root, "docker-compose.yml"), "utf8")) as {
      services: Record<string, { healthcheck?: unknown; command?: string[]; depends_on?: Record<string, unknown> }>;
      volumes: Record<string, unknown>;
    };
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining(["postgres", "redis", "migrate", "orchestrator", "workers", "dashboard"]),
    );
    for (const name of ["postgres", "redis", "orchestrator", "workers", "dashboard"]) {
      expect(compose.services[name]?.healthcheck, name).toBeDefined();
    }
    expect(compose.services.redis?.command).toEqual(expect.arrayContaining(["--appendonly", "yes", "noeviction"]));
    expect(compose.services.orchestrator?.depends_on).toHaveProperty("migrate");
    expect(Object.keys(compose.volumes)).toEqual(["pgdata", "redisdata"]);
  });
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
