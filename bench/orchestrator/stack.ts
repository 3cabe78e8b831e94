/**
 * Shared setup of the orchestrator benchmarks: a fresh migrated database, the real orchestrator (src/main.ts) in a
 * child process on a free loopback port, an organization with one user per role, and a token signer. close()
 * stops the child (by its pid), drops the database and deletes the run's Redis keys.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import path from "node:path";
import { runMigrations } from "@mirage/db/migrate";
import postgres from "postgres";
import { onCleanup, track } from "../lib.ts";

const ROOT_DIR = path.resolve(import.meta.dirname, "../..");
/** The orchestrator's own dependencies (pnpm does not hoist them to the root, where bench/ resolves). */
export const requireFromOrchestrator = createRequire(path.join(ROOT_DIR, "orchestrator/package.json"));

type MiniRedis = {
  scan(cursor: string, ...args: (string | number)[]): Promise<[string, string[]]>;
  del(...keys: string[]): Promise<number>;
  quit(): Promise<unknown>;
};
const { Redis } = requireFromOrchestrator("ioredis") as { Redis: new (url: string) => MiniRedis };

/** HS256 Supabase-shaped access token, like the orchestrator's builtin signer. */
function signToken(secret: string, sub: string): string {
  const enc = (v: object) => Buffer.from(JSON.stringify(v)).toString("base64url");
  const head = `${enc({ alg: "HS256", typ: "JWT" })}.${enc({
    sub,
    role: "authenticated",
    aud: "authenticated",
    exp: Math.floor(Date.now() / 1000) + 3600,
  })}`;
  return `${head}.${createHmac("sha256", secret).update(head).digest("base64url")}`;
}
const base = process.env.MIRAGE_BENCH_ADMIN_URL ?? "postgres://postgres:postgres@127.0.0.1:5432/postgres";
const appPassword = process.env.MIRAGE_TEST_APP_PASSWORD ?? "mirage-app-local";
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const JWT_SECRET = randomBytes(32).toString("base64url");

const withDb = (url: string, db: string, user?: string, password?: string) => {
  const u = new URL(url);
  u.pathname = `/${db}`;
  if (user) u.username = user;
  if (password) u.password = password;
  return u.toString();
};

/** A free TCP port on the loopback interface (bound, read, released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export type BenchStack = {
  url: string;
  /** The orchestrator child's process id (for /proc memory figures). */
  pid: number;
  admin: postgres.Sql;
  orgId: string;
  users: Record<string, string>;
  token(userId: string): Promise<string>;
  close(): Promise<void>;
};

/**
 * `BENCH_SERVER_NODE_ARGS` (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") is passed to the orchestrator's node.
 * `opts.codeRoot`: run the orchestrator (and its migrations) from another checkout, e.g. the commit before a change.
 */
export async function startBenchStack(
  env: Record<string, string> = {},
  opts: { codeRoot?: string } = {},
): Promise<BenchStack> {
  const root = opts.codeRoot ? path.resolve(opts.codeRoot) : ROOT_DIR;
  const name = `mirage_bench_orch_${randomBytes(4).toString("hex")}`;
  const prefix = `bench-${randomBytes(4).toString("hex")}`;
  const server = postgres(base, { max: 1, onnotice: () => {} });
  await server.unsafe(`create database ${name}`);
  const adminUrl = withDb(base, name);
  await runMigrations({
    adminUrl,
    migrationsDir: path.join(root, "supabase/migrations"),
    bootstrapFile: path.join(root, "supabase/bootstrap/plain-postgres.sql"),
  });
  await server.unsafe(`alter role mirage_app password '${appPassword.replace(/'/g, "''")}'`);
  const admin = postgres(adminUrl, { max: 4, onnotice: () => {} });

  const [org] = await admin<
    { id: string }[]
  >`insert into public.organizations (name, slug) values ('Bench', 'bench') returning id`;
  if (!org) throw new Error("no org");
  const users: Record<string, string> = {};
  for (const role of ["owner", "admin", "operator", "marketer", "viewer"]) {
    const [u] = await admin<
      { id: string }[]
    >`insert into auth.users (email) values (${`${role}@bench.test`}) returning id`;
    if (!u) throw new Error("no user");
    await admin`insert into public.organization_members (org_id, user_id, role) values (${org.id}, ${u.id}, ${role})`;
    users[role] = u.id;
  }

  const port = await freePort();
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const child: ChildProcess = track(
    spawn(process.execPath, [...nodeArgs, "--import", "tsx", path.join(root, "orchestrator/src/main.ts")], {
      cwd: path.join(root, "orchestrator"),
      env: {
        ...process.env,
        DATABASE_URL: withDb(base, name, "mirage_app", appPassword),
        DATABASE_POOL_MAX: "10",
        REDIS_URL: redisUrl,
        ORCHESTRATOR_HOST: "127.0.0.1",
        ORCHESTRATOR_PORT: String(port),
        LOG_LEVEL: "warn",
        NODE_ENV: "production",
        JWT_SECRET,
        MIRAGE_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString("base64")}`,
        QUEUE_PREFIX: prefix,
        REALTIME_STREAM: `${prefix}:realtime`,
        ...env,
      },
      stdio: ["ignore", "inherit", "inherit"],
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  let dropped = false;
  const dropDatabase = async () => {
    if (dropped) return;
    dropped = true;
    await admin.end({ timeout: 5 });
    await server.unsafe(`drop database if exists ${name} with (force)`);
    await server.end({ timeout: 5 });
  };
  // On Ctrl-C or a crash the child is killed by bench/lib.ts; the database goes too.
  onCleanup(dropDatabase);
  const started = Date.now();
  // Generous: tsx compiling the orchestrator on a loaded 2-core machine takes well over 30 s.
  for (;;) {
    const ok = await fetch(`${url}/readyz`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) break;
    if (child.exitCode !== null || Date.now() - started > 120_000) {
      if (child.exitCode === null && child.pid) process.kill(child.pid, "SIGTERM");
      await dropDatabase();
      throw new Error(`orchestrator did not become ready (exit code ${child.exitCode})`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }

  return {
    url,
    pid: child.pid ?? 0,
    admin,
    orgId: org.id,
    users,
    token: async (userId) => signToken(JWT_SECRET, userId),
    async close() {
      if (child.exitCode === null && child.pid) {
        const exited = new Promise((r) => child.once("exit", r));
        process.kill(child.pid, "SIGTERM");
        await exited;
      }
      await dropDatabase();
      const redis = new Redis(redisUrl);
      let cursor = "0";
      do {
        const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== "0");
      await redis.quit();
    },
  };
}

export function percentiles(samples: number[]): { n: number; p50: number; p95: number; p99: number; max: number } {
  const sorted = [...samples].sort((x, y) => x - y);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  const round = (v: number) => Math.round(v * 100) / 100;
  return {
    n: sorted.length,
    p50: round(at(0.5)),
    p95: round(at(0.95)),
    p99: round(at(0.99)),
    max: round(sorted.at(-1) ?? 0),
  };
}
