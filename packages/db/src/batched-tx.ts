import type { Database, Tx } from "./client.ts";

/**
 * What a batched transaction's body answers: its value (or a promise of it that only the last statements settle),
 * and the statements it started last without waiting for them (each already executing). They leave in one write
 * with the `commit`, so a read–decide–write transaction costs two round trips: its first statements with `begin`,
 * its last ones with `commit`.
 */
export type Batched<T> = { value: T | Promise<T>; writes?: Promise<unknown>[] };

/**
 * Like `asService`, for a hot path that reads, decides in JS and writes under one lock (the campaign engine's step):
 * `begin` and the role leave with fn's first statements, and `commit` with the statements fn hands back in `writes`
 * (started with `.execute()`, not awaited). fn may await statements in between, as in any transaction. A failing
 * statement aborts the transaction (the commit becomes a rollback) and its error is rethrown; fn throwing rolls back.
 */
export async function asServiceBatched<T>(db: Database, fn: (tx: Tx) => Promise<Batched<T>>): Promise<T> {
  await db.ready();
  const conn = await db.sql.reserve();
  // Settled into a value at once: a rejection must not count as unhandled while the commit is being queued.
  const settle = <V>(p: Promise<V>) =>
    p.then(
      (value) => ({ ok: true as const, value }),
      (err: unknown) => ({ ok: false as const, err }),
    );
  const head = [
    settle(conn`begin`.execute()),
    settle(
      conn`select set_config('request.jwt.claims', '{"role":"service_role"}', true), set_config('role', 'service_role', true)`.execute(),
    ),
  ];
  let healthy = false;
  try {
    let body: Batched<T>;
    try {
      body = await fn(conn as unknown as Tx);
    } catch (err) {
      await conn`rollback`.execute().catch(() => undefined);
      for (const h of await Promise.all(head)) if (!h.ok) throw h.err;
      throw err;
    }
    const writes = (body.writes ?? []).map(settle);
    const value = settle(Promise.resolve(body.value));
    const committed = await settle(conn`commit`.execute());
    for (const h of await Promise.all(head)) if (!h.ok) throw h.err;
    // The statement that failed, rather than the ones the aborted transaction refused after it (25P02).
    const failed = (await Promise.all(writes)).flatMap((w) => (w.ok ? [] : [w.err]));
    const cause = failed.find((err) => (err as { code?: string }).code !== "25P02") ?? failed[0];
    if (cause) throw cause;
    if (!committed.ok) throw committed.err;
    // A statement that failed without fn seeing it (caught inside fn) still aborted the transaction.
    if (committed.value.command !== "COMMIT")
      throw new Error(`the transaction was rolled back (${committed.value.command})`);
    healthy = true;
    const answer = await value;
    if (!answer.ok) throw answer.err;
    return answer.value;
  } finally {
    // A connection left inside a failed transaction must not serve the next caller.
    if (!healthy) await conn`rollback`.execute().catch(() => undefined);
    conn.release();
  }
}
