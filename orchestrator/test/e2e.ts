/**
 * The orchestrator's end-to-end suites run on `@mirage/testing/e2e-stack`: this starts the orchestrator for it in
 * the test's own process (the API, placement, realtime, ticks), on the stack's database handle and Redis client.
 */
import { parseEnv } from "@mirage/config";
import { createLogger } from "@mirage/logger";
import { E2E_LOG, type E2eStackOptions } from "@mirage/testing/e2e-stack";
import { OrchestratorEnv } from "../src/env.ts";
import { createOrchestrator } from "../src/orchestrator.ts";

/** An orchestrator starter for `startE2eStack`, with `env` on top of the stack's orchestrator environment. */
export function inProcessOrchestrator(env: Record<string, string> = {}): E2eStackOptions["orchestrator"] {
  return async (ctx) => {
    const config = parseEnv(OrchestratorEnv, { ...ctx.orchestratorEnv, ...env });
    const logger = createLogger({ service: "e2e", level: E2E_LOG ? "error" : "silent" });
    const orch = createOrchestrator({ config, logger, db: ctx.t.db, redis: ctx.redis });
    const { url } = await orch.listen(0, "127.0.0.1");
    return { url, close: () => orch.close() };
  };
}

/**
 * Retries a send refused because the instance looked unavailable (409 `instance_unavailable`): on a loaded 2-core
 * machine its worker's heartbeat can lapse for a moment, and a client would try again. Anything else, or a refusal
 * that lasts past `forMs`, is answered as it came.
 */
export async function retryWhileUnavailable<R extends { status: number; body?: { code?: unknown } | null }>(
  send: () => Promise<R>,
  forMs = 40_000,
): Promise<R> {
  const started = Date.now();
  for (;;) {
    const res = await send();
    if (res.status !== 409 || res.body?.code !== "instance_unavailable" || Date.now() - started > forMs) return res;
    await new Promise((r) => setTimeout(r, 250));
  }
}
