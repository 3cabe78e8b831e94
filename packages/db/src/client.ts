import type { TJwtClaims } from "@mirage/contracts/auth";
import postgres from "postgres";

/**
 * What every query module takes first: a transaction opened by asUser or asService. Typing it as a transaction
 * makes "a query outside both wrappers" a compile error as well as a runtime permission error.
 */
export type Tx = postgres.TransactionSql;
export type Db = Tx;
/** The pool itself: LISTEN, health checks and the wrappers. */
export type Pool = postgres.Sql;

export type CreateDbOptions = {
  url: string;
  max?: number;
  /** Required behind transaction poolers (Supavisor :6543); our asUser/asService use only transaction state. */
  prepare?: boolean;
  onnotice?: (notice: postgres.Notice) => void;
  idleTimeoutSeconds?: number;
  /** Seconds a new connection may take before the query fails (postgres.js defaults to 30: too long for requests). */
  connectTimeoutSeconds?: number;
};

export type Database = {
  /** Raw handle for LISTEN and service plumbing. As the NOINHERIT app role, plain queries on tables are denied. */
  sql: Pool;
  /** Runs fn in one transaction as `authenticated` with the caller's claims, so RLS decides (what PostgREST does). */
  asUser<T>(claims: TJwtClaims, fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** Runs fn in one transaction as `service_role` (bypasses RLS): system work only, never on a user's behalf. */
  asService<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  close(timeoutSeconds?: number): Promise<void>;
};

export function createDb(opts: CreateDbOptions): Database {
  const sql = postgres(opts.url, {
    max: opts.max ?? 10,
    prepare: opts.prepare ?? true,
    idle_timeout: opts.idleTimeoutSeconds ?? 30,
    connect_timeout: opts.connectTimeoutSeconds ?? 5,
    onnotice: opts.onnotice ?? (() => {}),
    // bigint identity columns come back as JS numbers: ids stay below 2^53 for any realistic deployment,
    // and numbers serialize to JSON where BigInt does not.
    types: {
      int8: { to: 20, from: [20], serialize: (v: number) => String(v), parse: (v: string) => Number(v) },
    },
    transform: { undefined: null },
    connection: { application_name: "mirage" },
  });

  let closed: Promise<void> | undefined;
  return {
    sql,
    asUser(claims, fn) {
      // Only the validated fields go into the transaction: what RLS sees is exactly what the token proved.
      const json = JSON.stringify({
        sub: claims.sub,
        role: "authenticated",
        aud: claims.aud,
        email: claims.email,
        exp: claims.exp,
      });
      return sql.begin(async (tx) => {
        await tx`select set_config('request.jwt.claims', ${json}, true), set_config('role', 'authenticated', true)`;
        return fn(tx);
      }) as Promise<Awaited<ReturnType<typeof fn>>>;
    },
    asService(fn) {
      return sql.begin(async (tx) => {
        await tx`select set_config('request.jwt.claims', '{"role":"service_role"}', true), set_config('role', 'service_role', true)`;
        return fn(tx);
      }) as Promise<Awaited<ReturnType<typeof fn>>>;
    },
    close(timeoutSeconds = 5) {
      closed ??= sql.end({ timeout: timeoutSeconds });
      return closed;
    },
  };
}

/** A round trip to the server (health checks); rejects when Postgres is unreachable. */
export async function pingDatabase(sql: Pool): Promise<void> {
  await sql`select 1`;
}
