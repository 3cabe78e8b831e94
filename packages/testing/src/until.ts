/**
 * Polls `read` every `intervalMs` (default 20 ms) until it gives something other than undefined or false, and
 * resolves with it — for a value a test keeps, where `expect.poll` only asserts. Rejects after `timeoutMs`
 * (default 10 s) with "`what` not met in time".
 */
export async function until<T>(
  read: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
  what = "condition",
  intervalMs = 20,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`${what} not met in time (${timeoutMs} ms)`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
