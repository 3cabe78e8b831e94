/**
 * Database lifecycle for ./mirage: create the database, migrate (bootstrap first on plain Postgres), set the app
 * role's password, seed. Every step is idempotent, so `./mirage start` runs `setup` on every start.
 *
 *   tsx scripts/db.ts setup | migrate | seed | reset | ping
 */
import path from "node:path";
import { parseEnv, z } from "@mirage/config";
import {
  connectedRole,
  createDatabaseIfMissing,
  dropDatabase,
  runMigrations,
  runSqlFile,
  setAppRolePassword,
} from "@mirage/db/migrate";

const root = path.resolve(import.meta.dirname, "..");
const pgUrl = z.string().refine((v) => /^postgres(ql)?:\/\//.test(v), "must be a postgres:// URL");
const Env = z.object({
  DATABASE_URL: pgUrl,
  DATABASE_ADMIN_URL: pgUrl,
  DATABASE_TARGET: z.enum(["plain", "supabase"]).default("plain"),
  MIRAGE_SEED: z.enum(["true", "false"]).default("true"),
});

type Env = z.infer<typeof Env>;

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
  console.log(`connected as ${await connectedRole(env.DATABASE_URL)}`);
}

async function main(): Promise<void> {
  const command = process.argv[2] ?? "setup";
  const env = parseEnv(Env, process.env);
  switch (command) {
    case "setup":
      {
        const created = await createDatabaseIfMissing(env.DATABASE_ADMIN_URL);
        if (created) console.log(`created database ${created}`);
      }
      await migrate(env);
      if (env.MIRAGE_SEED === "true") await seed(env);
      await ping(env);
      return;
    case "migrate":
      return migrate(env);
    case "seed":
      return seed(env);
    case "reset":
      await dropDatabase(env.DATABASE_ADMIN_URL);
      await createDatabaseIfMissing(env.DATABASE_ADMIN_URL);
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
