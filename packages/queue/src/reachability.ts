import { Redis } from "ioredis";

/**
 * Start-up check a process runs before opening its long-lived Redis clients: one connection attempt, no retries, no
 * offline queue, and no `error` event left unhandled.
 *
 * @param url redis:// or rediss:// URL.
 * @param timeoutMs connection timeout in milliseconds.
 * @returns undefined when Redis answers PING, else one line for the operator, e.g.
 *   `cannot reach Redis at redis://127.0.0.1:6390: ECONNREFUSED` (the password is masked).
 */
export async function probeRedis(url: string, timeoutMs = 5_000): Promise<string | undefined> {
  const client = new Redis(url, {
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    connectTimeout: timeoutMs,
  });
  let lastError: Error | undefined;
  client.on("error", (err: Error) => {
    lastError = err;
  });
  try {
    await client.connect();
    await client.ping();
    return undefined;
  } catch (err) {
    return `cannot reach Redis at ${maskUrl(url)}: ${describeError(lastError ?? err)}`;
  } finally {
    client.disconnect();
  }
}

/** The URL without its password, for messages. */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString().replace(/\/$/, "");
  } catch {
    return "(unparseable URL)";
  }
}

/** The short reason of a connection error: the errno code (ECONNREFUSED, ENOTFOUND…) or the message. */
export function describeError(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown } | undefined;
  if (typeof e?.code === "string" && /^E[A-Z]+$/.test(e.code)) return e.code;
  return typeof e?.message === "string" && e.message ? e.message : String(err);
}
