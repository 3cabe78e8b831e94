/** Shared helpers of the benchmarks: databases built from the real migrations, and robust statistics. */
import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { checkPoolFits } from "@mirage/db";
import { runMigrations } from "@mirage/db/migrate";
import postgres from "postgres";

export const ROOT = path.resolve(import.meta.dirname, "..");
export const BENCH_ADMIN_URL =
  process.env.MIRAGE_BENCH_ADMIN_URL ?? "postgres://postgres:postgres@127.0.0.1:5432/postgres";
export const APP_PASSWORD = "mirage-app-local";

/** The same server URL pointed at another database, optionally as another role. */
export function withDb(url: string, db: string, user?: string, password?: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  if (user) u.username = user;
  if (password) u.password = password;
  return u.toString();
}

/**
 * A database with the bootstrap and every migration (of `migrationsDir` when given), recreated unless it exists and
 * `reuse` is set.
 * Returns the admin and app-role URLs. Returns `created: false` when an existing one was reused.
 */
export async function benchDatabase(name: string, opts: { reuse?: boolean; migrationsDir?: string } = {}) {
  const server = postgres(BENCH_ADMIN_URL, { max: 1, onnotice: () => {} });
  try {
    const [exists] = await server`select 1 from pg_database where datname = ${name}`;
    if (!(exists && opts.reuse)) {
      await server.unsafe(`drop database if exists ${name} with (force)`);
      await server.unsafe(`create database ${name}`);
      await runMigrations({
        adminUrl: withDb(BENCH_ADMIN_URL, name),
        migrationsDir: opts.migrationsDir ?? path.join(ROOT, "supabase/migrations"),
        bootstrapFile: path.join(ROOT, "supabase/bootstrap/plain-postgres.sql"),
      });
    }
    await server.unsafe(`alter role mirage_app password '${APP_PASSWORD}'`);
    return {
      created: !(exists && opts.reuse),
      adminUrl: withDb(BENCH_ADMIN_URL, name),
      appUrl: withDb(BENCH_ADMIN_URL, name, "mirage_app", APP_PASSWORD),
    };
  } finally {
    await server.end();
  }
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? 0;
}

// ── What a benchmark started, stopped however it ends ──
// A benchmark that dies must not leave a worker holding database connections or a simulator holding ports: every
// child process is registered here and killed on normal exit, on an uncaught error, and on SIGINT/SIGTERM/SIGHUP.
// Async cleanups (dropping a database, deleting Redis keys) run on signals and errors; on `exit` only the
// synchronous kills can run. A SIGKILL of the benchmark itself cannot be caught: its children then outlive it.
const children = new Set<ChildProcess>();
const cleanups: (() => Promise<unknown> | unknown)[] = [];
let ending = false;

/** Registers a child process to be killed when the benchmark ends, however it ends. Returns it. */
export function track<T extends ChildProcess>(child: T): T {
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}

/** Registers async cleanup (run last-registered first) for errors and signals. */
export function onCleanup(fn: () => Promise<unknown> | unknown): void {
  cleanups.push(fn);
}

function killChildren(signal: NodeJS.Signals): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  }
}

/**
 * Stops children (SIGTERM, then SIGKILL after `graceMs`), runs the cleanups, exits with `code`. Called again while
 * it runs (a second signal, an error from code that lost its child), it waits for the first call to finish.
 */
let ended: Promise<never> | undefined;
export function shutdown(code: number, graceMs = 10_000): Promise<never> {
  ended ??= (async () => {
    ending = true;
    const exited = [...children].map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once("exit", r))));
    killChildren("SIGTERM");
    const timer = setTimeout(() => killChildren("SIGKILL"), graceMs);
    await Promise.all(exited);
    clearTimeout(timer);
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (err) {
        console.error("cleanup failed:", err);
      }
    }
    process.exit(code);
  })();
  return ended;
}

process.once("exit", () => killChildren("SIGKILL"));
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    if (ending) return;
    console.error(`\n${signal}: stopping what the benchmark started`);
    void shutdown(128 + (signal === "SIGINT" ? 2 : signal === "SIGTERM" ? 15 : 1));
  });
}
// An unhandled rejection arrives here too, unless the benchmark listens for unhandledRejection itself. Errors
// while shutting down (code still talking to a child that was just stopped) are expected and only logged.
process.on("uncaughtException", (err) => {
  if (ending) {
    console.error(`(while stopping) ${err.message}`);
    return;
  }
  console.error(err);
  void shutdown(1);
});

/** A positive integer option, or exit with the reason (parseArgs gives strings). */
export function intArg(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--${name} must be a positive integer, got ${JSON.stringify(value)}`);
    process.exit(2);
  }
  return n;
}

/**
 * Refuses, before anything starts, a pool the server cannot serve next to what already uses it: the check
 * `createDb` makes in every process, plus the connections open right now.
 */
export async function assertPoolFits(adminUrl: string, pool: number): Promise<void> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await checkPoolFits(sql, pool);
    const [row] = await sql<{ max: number; used: number; reserved: number }[]>`
      select current_setting('max_connections')::int as max,
             current_setting('superuser_reserved_connections')::int as reserved,
             (select count(*) from pg_stat_activity where backend_type = 'client backend')::int as used`;
    const free = (row?.max ?? 0) - (row?.reserved ?? 0) - (row?.used ?? 0);
    if (row && pool > free) {
      throw new Error(
        `--pool ${pool} is more than the ${free} connections the server has free now (max_connections ${row.max}, ${row.used} in use)`,
      );
    }
  } finally {
    await sql.end();
  }
}

const CLOCK_TICKS = Number(process.env.CLK_TCK ?? 100);

/** User + system CPU a process has used so far, in ms (from /proc/<pid>/stat; Linux only). */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}
