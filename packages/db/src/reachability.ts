import postgres from "postgres";

/**
 * Start-up check a process runs before opening its pool: one connection, `select 1`, closed again.
 *
 * @param url postgres:// URL of the role the process uses.
 * @param timeoutSeconds connection timeout in seconds.
 * @returns undefined when Postgres answers, else one line for the operator, e.g.
 *   `cannot reach Postgres at postgres://mirage_app:***@127.0.0.1:5499/mirage: ECONNREFUSED`.
 */
export async function probePostgres(url: string, timeoutSeconds = 5): Promise<string | undefined> {
  const sql = postgres(url, { max: 1, connect_timeout: timeoutSeconds, onnotice: () => {}, idle_timeout: 1 });
  try {
    await sql`select 1`;
    return undefined;
  } catch (err) {
    return `cannot reach Postgres at ${maskUrl(url)}: ${describeError(err)}`;
  } finally {
    await sql.end({ timeout: 1 }).catch(() => undefined);
  }
}

function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparseable URL)";
  }
}

function describeError(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown } | undefined;
  if (typeof e?.code === "string" && /^E[A-Z]+$/.test(e.code)) return e.code;
  return typeof e?.message === "string" && e.message ? e.message : String(err);
}
