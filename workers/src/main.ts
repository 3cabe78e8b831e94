import { createServer } from "node:http";
import { hostname } from "node:os";
import { parseEnv } from "@mirage/config";
import { createDb } from "@mirage/db";
import { probePostgres } from "@mirage/db/reachability";
import { createLogger } from "@mirage/logger";
import { probeRedis } from "@mirage/queue/reachability";
import { createWorkerCommandConsumer } from "@mirage/queue/worker-commands";
import { Redis } from "ioredis";
import { createHeartbeat, createRedisEventSink, createRedisQrStore } from "./bus/redis-bus.ts";
import { WorkersEnv } from "./env.ts";
import { handleCommand } from "./sessions/commands.ts";
import { DEFAULT_RECONNECT_POLICY } from "./sessions/reconnect-policy.ts";
import { SessionHost } from "./sessions/session-host.ts";

/** Composition root of a worker process: the data plane that hosts WhatsApp sockets. */
const env = parseEnv(WorkersEnv, process.env);
const logger = createLogger({ service: "workers", level: env.LOG_LEVEL, pretty: env.LOG_PRETTY }).child({
  workerId: env.WORKER_ID,
});
// Dependencies first: unreachable → one line naming it and a non-zero exit, before any client could emit errors.
const unreachable = (await probePostgres(env.DATABASE_URL)) ?? (await probeRedis(env.REDIS_URL));
if (unreachable) {
  process.stderr.write(`workers: ${unreachable}\n`);
  process.exit(1);
}
const db = createDb({ url: env.DATABASE_URL, max: env.DATABASE_POOL_MAX });
const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
redis.on("error", (err) => logger.error({ err }, "redis error"));
const startedAt = new Date().toISOString();

const host = new SessionHost({
  workerId: env.WORKER_ID,
  db,
  ring: env.MIRAGE_ENCRYPTION_KEYS,
  target:
    env.MIRAGE_WA === "simulator"
      ? {
          kind: "simulator",
          url: env.WA_SIM_URL ?? "",
          rootPublicKeyHex: env.WA_SIM_ROOT_KEY ?? "",
          ...(env.WA_VERSION ? { version: env.WA_VERSION } : {}),
        }
      : { kind: "real", ...(env.WA_VERSION ? { version: env.WA_VERSION } : {}) },
  logger,
  baileysLogger: logger.child({ module: "baileys" }, { level: env.WORKER_BAILEYS_DEBUG ? "debug" : "error" }),
  events: createRedisEventSink(redis, env.QUEUE_PREFIX),
  qrStore: createRedisQrStore(redis, env.QUEUE_PREFIX),
  options: {
    maxQrAttempts: env.QR_MAX_ATTEMPTS,
    ackTimeoutMs: env.ACK_TIMEOUT_MS,
    restoreRatePerSecond: env.RESTORE_RATE_PER_SECOND,
    healthIntervalMs: env.HEALTH_INTERVAL_MS,
    reconnect: { ...DEFAULT_RECONNECT_POLICY, maxAttempts: env.RECONNECT_MAX_ATTEMPTS },
  },
});

const heartbeat = createHeartbeat(
  redis,
  env.QUEUE_PREFIX,
  () => ({
    id: env.WORKER_ID,
    host: hostname(),
    pid: process.pid,
    capacity: env.WORKER_CAPACITY,
    hosted: host.size,
    startedAt,
  }),
  {
    intervalMs: env.WORKER_HEARTBEAT_MS,
    ttlMs: env.WORKER_TTL_MS,
    onError: (err) => logger.error({ err }, "heartbeat failed"),
  },
);

const commands = createWorkerCommandConsumer({
  connection: redis,
  prefix: env.QUEUE_PREFIX,
  workerId: env.WORKER_ID,
  handle: (command) => handleCommand(host, command, logger),
  onError: (err) => logger.error({ err }, "command queue error"),
});

const reconcileTimer = setInterval(() => {
  host.reconcile().catch((err: unknown) => logger.error({ err }, "reconcile failed"));
}, env.WORKER_RECONCILE_MS);
reconcileTimer.unref();

const http = createServer((req, res) => {
  if (req.url === "/healthz") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ ok: true, workerId: env.WORKER_ID, hosted: host.size }));
    return;
  }
  if (req.url === "/metrics") {
    const byStatus = new Map<string, number>();
    for (const s of host.snapshot()) byStatus.set(s.status, (byStatus.get(s.status) ?? 0) + 1);
    const lines = [
      "# HELP mirage_worker_instances Instances hosted by this worker, by status.",
      "# TYPE mirage_worker_instances gauge",
      ...[...byStatus].map(([status, n]) => `mirage_worker_instances{status="${status}"} ${n}`),
      "# HELP mirage_worker_rss_bytes Resident set size of this worker.",
      "# TYPE mirage_worker_rss_bytes gauge",
      `mirage_worker_rss_bytes ${process.memoryUsage.rss()}`,
    ];
    res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
    res.end(`${lines.join("\n")}\n`);
    return;
  }
  res.writeHead(404).end();
});

await heartbeat.start();
const restore = await host.reconcile();
host.startHealthLoop();
if (env.WORKER_HTTP_PORT > 0) http.listen(env.WORKER_HTTP_PORT, "0.0.0.0");
logger.info({ restoring: restore.toStart, capacity: env.WORKER_CAPACITY, wa: env.MIRAGE_WA }, "worker started");

let stopping = false;
function stop(signal: NodeJS.Signals): void {
  if (stopping) return;
  stopping = true;
  void (async () => {
    logger.info({ signal }, "shutting down");
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    clearInterval(reconcileTimer);
    // Stop taking commands, leave the registry (placement reacts now, not after the TTL), end sockets — never log
    // out: the next host resumes with the same credentials.
    await commands.close();
    await heartbeat.stop().catch(() => {});
    await host.close();
    // Baileys finishes work it already started (LID sessions, pre-key bookkeeping) just after its sockets end;
    // give it a moment before the database and Redis go away under it.
    await new Promise((r) => setTimeout(r, 500));
    http.close();
    await redis.quit().catch(() => {});
    await db.close();
    process.exit(0);
  })();
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
