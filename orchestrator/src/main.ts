import { readFileSync } from "node:fs";
import { parseEnv } from "@mirage/config";
import { createDb } from "@mirage/db";
import { probePostgres } from "@mirage/db/reachability";
import { createLogger, installLeanStackTraces, installShutdown } from "@mirage/logger";
import { probeRedis } from "@mirage/queue/reachability";
import { Redis } from "ioredis";
import { OrchestratorEnv } from "./env.ts";
import { createOrchestrator } from "./orchestrator.ts";

// Composition root: parse the environment once, open clients, wire modules, listen, and close in reverse order.
// Stacks formatted as the workers format them (see @mirage/logger's stack-traces.ts).
installLeanStackTraces();
const env = parseEnv(OrchestratorEnv, process.env);
const logger = createLogger({ service: "orchestrator", level: env.LOG_LEVEL, pretty: env.LOG_PRETTY });
const version = (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string })
  .version;

// Dependencies first: unreachable → one line naming it and a non-zero exit, before any client could emit errors.
const unreachable = (await probePostgres(env.DATABASE_URL)) ?? (await probeRedis(env.REDIS_URL));
if (unreachable) {
  process.stderr.write(`orchestrator: ${unreachable}\n`);
  process.exit(1);
}

const db = createDb({ url: env.DATABASE_URL, max: env.DATABASE_POOL_MAX });
const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 3, lazyConnect: false });
redis.on("error", (err) => logger.error({ err }, "redis error"));

const orchestrator = createOrchestrator({ config: env, logger, db, redis, version });

const shutdown = installShutdown({
  logger,
  timeoutMs: env.SHUTDOWN_TIMEOUT_MS,
  async close() {
    await orchestrator.close();
    await redis.quit().catch(() => redis.disconnect());
    await db.close();
  },
});

try {
  // Refuses a DATABASE_POOL_MAX the server cannot serve, before taking any traffic.
  await db.ready();
  const { url } = await orchestrator.listen(env.ORCHESTRATOR_PORT, env.ORCHESTRATOR_HOST);
  logger.info({ url, docs: `${url}/docs`, authProvider: env.AUTH_PROVIDER }, "orchestrator listening");
} catch (err) {
  logger.fatal({ err }, "orchestrator failed to start");
  await shutdown("error", 1);
}
