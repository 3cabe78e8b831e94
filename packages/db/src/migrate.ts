import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import postgres from "postgres";

export type MigrationLogger = { info(obj: object, msg: string): void };

export type RunMigrationsOptions = {
  /** A superuser (or the hosted project's `postgres`) URL: migrations create roles, schemas and policies. */
  adminUrl: string;
  migrationsDir: string;
  /** Path to supabase/bootstrap/plain-postgres.sql; omit for hosted Supabase, which provides it all. */
  bootstrapFile?: string;
  logger?: MigrationLogger;
};

export class MigrationError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly statement: string | undefined,
    override readonly cause: unknown,
  ) {
    const pgMessage = cause instanceof Error ? cause.message : String(cause);
    super(
      `Migration ${file} failed${line ? ` at line ${line}` : ""}: ${pgMessage}` +
        (statement ? `\n  statement: ${statement}` : "") +
        "\n  The database was left as it was before this migration.",
    );
    this.name = "MigrationError";
  }
}

/** Migration files in order: `<14-digit version>_<name>.sql`, the Supabase CLI's naming. */
export async function listMigrations(dir: string): Promise<{ version: string; name: string; file: string }[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith(".sql")).sort();
  return files.map((file) => {
    const match = /^(\d{14})_(.+)\.sql$/.exec(file);
    if (!match?.[1] || !match[2]) throw new Error(`Migration file name must be <YYYYMMDDHHMMSS>_<name>.sql: ${file}`);
    return { version: match[1], name: match[2], file: path.join(dir, file) };
  });
}

/**
 * Applies pending migrations, each in its own transaction together with its row in
 * supabase_migrations.schema_migrations (the table `supabase db push` uses), so a failed one leaves nothing behind.
 * Returns the versions applied by this call.
 */
export async function runMigrations(opts: RunMigrationsOptions): Promise<string[]> {
  const sql = postgres(opts.adminUrl, { max: 1, onnotice: () => {} });
  const applied: string[] = [];
  try {
    if (opts.bootstrapFile) {
      const text = await readFile(opts.bootstrapFile, "utf8");
      await sql
        .begin((tx) => tx.unsafe(text))
        .catch((err: unknown) => {
          throw toMigrationError(path.basename(opts.bootstrapFile ?? ""), text, err);
        });
    } else {
      await sql.unsafe(`create schema if not exists supabase_migrations;
        create table if not exists supabase_migrations.schema_migrations (version text primary key, statements text[], name text)`);
    }
    // One runner at a time: two processes starting together must not apply the same migration twice.
    await sql`select pg_advisory_lock(hashtext('mirage.migrations'))`;
    const done = new Set(
      (await sql<{ version: string }[]>`select version from supabase_migrations.schema_migrations`).map(
        (r) => r.version,
      ),
    );
    for (const m of await listMigrations(opts.migrationsDir)) {
      if (done.has(m.version)) continue;
      const text = await readFile(m.file, "utf8");
      await sql
        .begin(async (tx) => {
          await tx.unsafe(text);
          await tx`insert into supabase_migrations.schema_migrations (version, name, statements)
                   values (${m.version}, ${m.name}, ${[text]})`;
        })
        .catch((err: unknown) => {
          throw toMigrationError(path.basename(m.file), text, err);
        });
      opts.logger?.info({ version: m.version, name: m.name }, "migration applied");
      applied.push(m.version);
    }
    await sql`select pg_advisory_unlock(hashtext('mirage.migrations'))`;
    return applied;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

function toMigrationError(file: string, text: string, err: unknown): MigrationError {
  const position = Number((err as { position?: string }).position);
  if (!Number.isFinite(position) || position <= 0) return new MigrationError(file, undefined, undefined, err);
  const before = text.slice(0, position - 1);
  const line = before.split("\n").length;
  // The statement around the error: from the previous semicolon to the next one.
  const start = before.lastIndexOf(";") + 1;
  const endIdx = text.indexOf(";", position - 1);
  const statement = text
    .slice(start, endIdx === -1 ? undefined : endIdx + 1)
    .trim()
    .replace(/\s+/g, " ")
    .slice(0, 300);
  return new MigrationError(file, line, statement, err);
}

/** Applies a SQL file (the seed) as the admin role, in one transaction. */
export async function runSqlFile(adminUrl: string, file: string): Promise<void> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const text = await readFile(file, "utf8");
    await sql
      .begin((tx) => tx.unsafe(text))
      .catch((err: unknown) => {
        throw toMigrationError(path.basename(file), text, err);
      });
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Sets the app login role's password (from the app's DATABASE_URL) so the app can connect on password-auth servers. */
export async function setAppRolePassword(adminUrl: string, appUrl: string): Promise<void> {
  const url = new URL(appUrl);
  const role = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  if (!role || !password) return;
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const exists = await sql`select 1 from pg_roles where rolname = ${role}`;
    if (exists.length === 0) throw new Error(`Role ${role} from DATABASE_URL does not exist; run the migrations first`);
    // A role is the server's, shared by its databases: another setup altering it at the same moment makes Postgres
    // refuse this one ("tuple concurrently updated"); the change is the same, so it is tried again.
    for (let attempt = 1; ; attempt++) {
      try {
        await sql.unsafe(`alter role ${quoteIdent(role)} password ${quoteLiteral(password)}`);
        break;
      } catch (err) {
        if (attempt >= 20 || !/tuple concurrently updated/.test(String(err))) throw err;
        // Jittered: setups started together must not collide again on the same beat.
        await new Promise((r) => setTimeout(r, 10 + Math.random() * 40 * Math.min(attempt, 5)));
      }
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}

function quoteIdent(v: string): string {
  return `"${v.replace(/"/g, '""')}"`;
}
function quoteLiteral(v: string): string {
  return `'${v.replace(/'/g, "''")}'`;
}

function databaseNameOf(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  if (!/^[a-zA-Z0-9_-]+$/.test(name)) throw new Error(`Unsupported database name "${name}"`);
  return name;
}

/** The server's maintenance database (`postgres`), for creating and dropping the one `adminUrl` names. */
function maintenanceUrl(url: string): string {
  const u = new URL(url);
  u.pathname = "/postgres";
  return u.toString();
}

/** Creates the database `adminUrl` points at unless it exists; answers its name when it was created. */
export async function createDatabaseIfMissing(adminUrl: string): Promise<string | undefined> {
  const name = databaseNameOf(adminUrl);
  const sql = postgres(maintenanceUrl(adminUrl), { max: 1, onnotice: () => {} });
  try {
    const [exists] = await sql`select 1 from pg_database where datname = ${name}`;
    if (exists) return undefined;
    await sql.unsafe(`create database ${quoteIdent(name)}`);
    return name;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Drops the database `adminUrl` points at, disconnecting its sessions (`./mirage db reset`). */
export async function dropDatabase(adminUrl: string): Promise<void> {
  const sql = postgres(maintenanceUrl(adminUrl), { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`drop database if exists ${quoteIdent(databaseNameOf(adminUrl))} with (force)`);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Connects with `url` (the app's login role) and answers the role it got; throws when it cannot connect. */
export async function connectedRole(url: string): Promise<string> {
  const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  try {
    const [row] = await sql<{ user: string }[]>`select current_user as user`;
    return row?.user ?? "";
  } finally {
    await sql.end({ timeout: 5 });
  }
}
