import type { TJwtClaims } from "@mirage/contracts/auth";
import postgres from "postgres";
import { coalescingSocket, wantsTls } from "./coalescing-socket.ts";

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
  /**
   * Sends each pipelined transaction in one write even when it holds a large statement (`coalescing-socket.ts`):
   * for processes whose hot path writes large rows (the worker's Signal keys). Ignored for TLS connections.
   */
  coalesceWrites?: boolean;
};

export type Database = {
  /** Raw handle for LISTEN and service plumbing. As the NOINHERIT app role, plain queries on tables are denied. */
  sql: Pool;
  /** Runs fn in one transaction as `authenticated` with the caller's claims, so RLS decides (what PostgREST does). */
  asUser<T>(claims: TJwtClaims, fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** Runs fn in one transaction as `service_role` (bypasses RLS): system work only, never on a user's behalf. */
  asService<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * Like `asService`, in one round trip: `begin`, the role, fn's statements and `commit` leave in one write. For the
   * hot paths (the send lane, receipts, the Signal key store), where a transaction is one or a few independent
   * statements. Contract: fn starts every statement before it waits for anything else (it may await its own
   * statements' results, but must not issue a statement that depends on a result). A statement issued later would
   * run after the commit, outside the transaction, and the app role refuses it: misuse fails loudly, never silently.
   * A failing statement aborts the transaction (the commit becomes a rollback) and its error is rethrown; so does fn
   * throwing before any answer came back. Unlike `asService`, an error fn raises after reading an answer does not
   * undo its statements: the commit was already sent with them.
   */
  asServicePipelined<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * Resolves once the pool is known to fit the server (see `checkPoolFits`); rejects with `PoolTooLargeError`
   * otherwise. asUser/asService wait for it on their own; a process calls it at start to refuse early.
   */
  ready(): Promise<void>;
  close(timeoutSeconds?: number): Promise<void>;
};

/**
 * A statement was started inside `asServicePipelined` after its commit was queued (the function awaited another
 * statement's answer first). It did not run; the statements started before the commit was queued did commit. A
 * programming error, raised so that it fails loudly (in tests) instead of running outside the transaction.
 */
export class PipelinedLateStatementError extends Error {
  constructor() {
    super(
      "a statement was started after the pipelined transaction's commit was queued: inside asServicePipelined, start every statement without waiting for another's answer",
    );
    this.name = "PipelinedLateStatementError";
  }
}

/** The pool could open more connections than the server accepts for this role. */
export class PoolTooLargeError extends Error {
  readonly poolMax: number;
  readonly allowed: number;
  constructor(poolMax: number, allowed: number, detail: string) {
    super(
      `database pool of ${poolMax} connections is larger than the server allows (${detail}): lower DATABASE_POOL_MAX to at most ${allowed}, and leave room for the other processes`,
    );
    this.name = "PoolTooLargeError";
    this.poolMax = poolMax;
    this.allowed = allowed;
  }
}

/**
 * Checks a pool size against the server: `max_connections` minus the slots reserved for superusers (and, on
 * PostgreSQL 16+, `reserved_connections`), and the role's own connection limit when it has one. A pool past that
 * does not fail at start but later, under load, when every connection it opens beyond the limit is refused and
 * the connections it already holds starve every other process on the server. Throws `PoolTooLargeError`.
 */
export async function checkPoolFits(sql: Pool, poolMax: number): Promise<void> {
  const [row] = await sql<{ max: number; superuser: number; reserved: number; role_limit: number }[]>`
    select current_setting('max_connections')::int as max,
           current_setting('superuser_reserved_connections')::int as superuser,
           coalesce(nullif(current_setting('reserved_connections', true), ''), '0')::int as reserved,
           (select rolconnlimit from pg_catalog.pg_roles where rolname = current_user)::int as role_limit`;
  if (!row) return;
  const serverAllows = row.max - row.superuser - row.reserved;
  const allowed = row.role_limit >= 0 ? Math.min(serverAllows, row.role_limit) : serverAllows;
  if (poolMax <= allowed) return;
  const detail =
    row.role_limit >= 0 && row.role_limit < serverAllows
      ? `the role's connection limit is ${row.role_limit}`
      : `max_connections ${row.max}, ${row.max - serverAllows} reserved`;
  throw new PoolTooLargeError(poolMax, allowed, detail);
}

export function createDb(opts: CreateDbOptions): Database {
  const max = opts.max ?? 10;
  const sql = postgres(opts.url, {
    max,
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
    ...(opts.coalesceWrites && !wantsTls(opts.url) ? { socket: coalescingSocket } : {}),
  });

  let closed: Promise<void> | undefined;
  // Checked once; a failure to reach the server is retried on the next call, a pool too large is final.
  let fits: Promise<void> | undefined;
  const ready = () => {
    fits ??= checkPoolFits(sql, max).catch((err: unknown) => {
      if (!(err instanceof PoolTooLargeError)) fits = undefined;
      throw err;
    });
    return fits;
  };
  return {
    sql,
    ready,
    async asUser(claims, fn) {
      await ready();
      // Only the validated fields go into the transaction: what RLS sees is exactly what the token proved.
      const json = JSON.stringify({
        sub: claims.sub,
        role: "authenticated",
        aud: claims.aud,
        email: claims.email,
        exp: claims.exp,
      });
      return sql.begin((tx) => {
        // Pipelined, not awaited: Postgres runs a connection's statements in order, so fn's first statement sees the
        // role and claims; a failure here aborts the transaction, and postgres.js rethrows it at the end.
        void tx`select set_config('request.jwt.claims', ${json}, true), set_config('role', 'authenticated', true)`.execute();
        return fn(tx);
      }) as Promise<Awaited<ReturnType<typeof fn>>>;
    },
    async asService(fn) {
      await ready();
      return sql.begin((tx) => {
        // Pipelined with fn's first statement (see asUser): one round trip fewer per transaction.
        void tx`select set_config('request.jwt.claims', '{"role":"service_role"}', true), set_config('role', 'service_role', true)`.execute();
        return fn(tx);
      }) as Promise<Awaited<ReturnType<typeof fn>>>;
    },
    async asServicePipelined(fn) {
      await ready();
      const conn = await sql.reserve();
      try {
        // A reserved connection runs what it is given in order, without waiting for answers: these and fn's
        // statements are written together when the event loop next checks for I/O (postgres.js buffers writes until
        // then), so the whole transaction is one write and one round trip.
        const head = [
          conn`begin`.execute(),
          conn`select set_config('request.jwt.claims', '{"role":"service_role"}', true), set_config('role', 'service_role', true)`.execute(),
        ];
        // Settled into a value at once: a rejection must not count as unhandled while the commit is being queued.
        const settle = <V>(p: Promise<V>) =>
          p.then(
            (value) => ({ ok: true as const, value }),
            (err: unknown) => ({ ok: false as const, err }),
          );
        // A statement started after the commit was queued would run outside the transaction, on a connection
        // about to be released: refused with the reason instead (statements here must not wait for each other).
        let sealed = false;
        const refuse = () => {
          throw new PipelinedLateStatementError();
        };
        const guarded = new Proxy(conn, {
          apply: (target, self, args) => (sealed ? refuse() : Reflect.apply(target, self, args)),
          get: (target, key, receiver) => {
            const value = Reflect.get(target, key, receiver);
            return key === "unsafe" && typeof value === "function"
              ? (...args: unknown[]) => (sealed ? refuse() : Reflect.apply(value, target, args))
              : value;
          },
        });
        let outcome: ReturnType<typeof settle<Awaited<ReturnType<typeof fn>>>>;
        try {
          outcome = settle(Promise.resolve(fn(guarded as unknown as Tx)));
        } catch (err) {
          outcome = Promise.resolve({ ok: false as const, err });
        }
        // fn's statements reach the connection within microtasks (each is handed over a tick or two after it is
        // started); an immediate runs after every microtask and before postgres.js flushes its write buffer, so
        // the commit queued here follows them and still leaves in the same write.
        await new Promise<void>((resolve) => setImmediate(resolve));
        // fn already failed (threw, or rejected before any answer came back): nothing of it may be committed.
        const early = await Promise.race([outcome, Promise.resolve(undefined)]);
        const commit = (early && !early.ok ? conn`rollback` : conn`commit`).execute();
        sealed = true;
        const [begun, role, committed] = await Promise.allSettled([...head, commit]);
        const result = await outcome;
        for (const step of [begun, role]) if (step?.status === "rejected") throw step.reason;
        if (!result.ok) throw result.err;
        if (committed?.status === "rejected") throw committed.reason;
        // A statement that failed without fn seeing it (caught inside fn) still aborted the transaction.
        if (committed?.status === "fulfilled" && committed.value.command !== "COMMIT" && result.ok) {
          throw new Error(`the transaction was rolled back (${committed.value.command})`);
        }
        return result.value;
      } finally {
        conn.release();
      }
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
