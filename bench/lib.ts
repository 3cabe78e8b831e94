/** Shared helpers of the benchmarks: databases built from the real migrations, and robust statistics. */
import path from "node:path";
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
 * A database with the bootstrap and every migration, recreated unless it exists and `reuse` is set.
 * Returns the admin and app-role URLs. Returns `created: false` when an existing one was reused.
 */
export async function benchDatabase(name: string, opts: { reuse?: boolean } = {}) {
  const server = postgres(BENCH_ADMIN_URL, { max: 1, onnotice: () => {} });
  try {
    const [exists] = await server`select 1 from pg_database where datname = ${name}`;
    if (!(exists && opts.reuse)) {
      await server.unsafe(`drop database if exists ${name} with (force)`);
      await server.unsafe(`create database ${name}`);
      await runMigrations({
        adminUrl: withDb(BENCH_ADMIN_URL, name),
        migrationsDir: path.join(ROOT, "supabase/migrations"),
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
