/**
 * Database lifecycle for ./mirage: create the database, migrate (bootstrap first on plain Postgres), set the app
 * role's password, seed. Every step is idempotent, so `./mirage start` runs `setup` on every start.
 *
 *   tsx scripts/db.ts setup | migrate | seed | reset | ping
 */
import path from "node:path";
import { parseEnv, z } from "@mirage/config";
import { runMigrations, runSqlFile, setAppRolePassword } from "@mirage/db/migrate";
import postgres from "postgres";

const root = path.resolve(import.meta.dirname, "..");
const pgUrl = z.string().refine((v) => /^postgres(ql)?:\/\//.test(v), "must be a postgres:// URL");
const Env = z.object({
  DATABASE_URL: pgUrl,
  DATABASE_ADMIN_URL: pgUrl,
  DATABASE_TARGET: z.enum(["plain", "supabase"]).default("plain"),
  MIRAGE_SEED: z.enum(["true", "false"]).default("true"),
});

type Env = z.infer<typeof Env>;

function databaseName(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  if (!/^[a-zA-Z0-9_-]+$/.test(name)) throw new Error(`Unsupported database name "${name}"`);
  return name;
}

function maintenanceUrl(url: string): string {
  const u = new URL(url);
  u.pathname = "/postgres";
  return u.toString();
}

async function createDatabaseIfMissing(env: Env): Promise<boolean> {
  const name = databaseName(env.DATABASE_ADMIN_URL);
  const sql = postgres(maintenanceUrl(env.DATABASE_ADMIN_URL), { max: 1, onnotice: () => {} });
  try {
    const [exists] = await sql`select 1 from pg_database where datname = ${name}`;
    if (exists) return false;
    await sql.unsafe(`create database "${name}"`);
    return true;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

async function dropDatabase(env: Env): Promise<void> {
  const name = databaseName(env.DATABASE_ADMIN_URL);
  const sql = postgres(maintenanceUrl(env.DATABASE_ADMIN_URL), { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`drop database if exists "${name}" with (force)`);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

async function migrate(env: Env): Promise<void> {
  const applied = await runMigrations({
    adminUrl: env.DATABASE_ADMIN_URL,
    migrationsDir: path.join(root, "supabase/migrations"),
    bootstrapFile:
      env.DATABASE_TARGET === "plain" ? path.join(root, "supabase/bootstrap/plain-postgres.sql") : undefined,
  });
  console.log(applied.length ? `applied ${applied.length} migration(s): ${applied.join(", ")}` : "schema up to date");
  await setAppRolePassword(env.DATABASE_ADMIN_URL, env.DATABASE_URL);
}

async function seed(env: Env): Promise<void> {
  await runSqlFile(env.DATABASE_ADMIN_URL, path.join(root, "supabase/seed.sql"));
  console.log("seeded the demo organization");
}

async function ping(env: Env): Promise<void> {
  const sql = postgres(env.DATABASE_URL, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  try {
    const [row] = await sql<{ user: string }[]>`select current_user as user`;
    console.log(`connected as ${row?.user}`);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

async function main(): Promise<void> {
  const command = process.argv[2] ?? "setup";
  const env = parseEnv(Env, process.env);
  switch (command) {
    case "setup":
      if (await createDatabaseIfMissing(env)) console.log(`created database ${databaseName(env.DATABASE_ADMIN_URL)}`);
      await migrate(env);
      if (env.MIRAGE_SEED === "true") await seed(env);
      await ping(env);
      return;
    case "migrate":
      return migrate(env);
    case "seed":
      return seed(env);
    case "reset":
      await dropDatabase(env);
      await createDatabaseIfMissing(env);
      await migrate(env);
      await seed(env);
      return;
    case "ping":
      return ping(env);
    default:
      throw new Error(`unknown command "${command}" (setup | migrate | seed | reset | ping)`);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
