import { parseEnv } from "@mirage/config";
import { createDb } from "@mirage/db";
import { probePostgres } from "@mirage/db/reachability";
import { createLogger, guardConsole, installLeanStackTraces, installShutdown } from "@mirage/logger";
import { probeRedis } from "@mirage/queue/reachability";
import { Redis } from "ioredis";
import { WorkersEnv } from "./env.ts";
import { BAILEYS_TIMING_STACKS } from "./sessions/index.ts";
import { createWorkerProcess } from "./worker-process.ts";

// Composition root: parse the environment once, open clients, create the worker, and close in order on a signal.
// Baileys formats a stack for every frame it writes: formatted cheaply (its first frames only), still pointing at
// our TypeScript.
installLeanStackTraces({ brief: BAILEYS_TIMING_STACKS });
const env = parseEnv(WorkersEnv, process.env);
const logger = createLogger({ service: "workers", level: env.LOG_LEVEL, pretty: env.LOG_PRETTY }).child({
  workerId: env.WORKER_ID,
});
// libsignal (under Baileys) prints Signal session records, private keys included, through console.*.
guardConsole(logger);
// Dependencies first: unreachable → one line naming it and a non-zero exit, before any client could emit errors.
const unreachable = (await probePostgres(env.DATABASE_URL)) ?? (await probeRedis(env.REDIS_URL));
if (unreachable) {
  process.stderr.write(`workers: ${unreachable}\n`);
  process.exit(1);
}
// Coalesced writes: every `sending` commit carries Signal key records (several KiB), one system call for all of it.
const db = createDb({ url: env.DATABASE_URL, max: env.DATABASE_POOL_MAX, coalesceWrites: true });
const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
redis.on("error", (err) => logger.error({ err }, "redis error"));

const worker = createWorkerProcess({ config: env, logger, db, redis });

const shutdown = installShutdown({
  logger,
  timeoutMs: env.SHUTDOWN_TIMEOUT_MS,
  async close() {
    await worker.close();
    await redis.quit().catch(() => redis.disconnect());
    await db.close();
  },
});

try {
  const { httpPort, restoring } = await worker.start();
  logger.info(
    { restoring, capacity: env.WORKER_CAPACITY, wa: env.MIRAGE_WA, httpPort, httpHost: env.WORKER_HTTP_HOST },
    "worker started",
  );
} catch (err) {
  logger.fatal({ err }, "worker failed to start");
  await shutdown("error", 1);
}
