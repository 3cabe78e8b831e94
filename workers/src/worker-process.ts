import type { Server } from "node:http";
import { hostname } from "node:os";
import type { TWorkerCommand, TWorkerCommandResult } from "@mirage/contracts/worker-bus";
import type { Database } from "@mirage/db";
import type { Logger } from "@mirage/logger";
import { createWorkerCommandConsumer } from "@mirage/queue/worker-commands";
import type { Worker } from "bullmq";
import type { Redis } from "ioredis";
import { createHeartbeat, createRedisEventSink, createRedisQrStore } from "./bus/redis-bus.ts";
import type { WorkersEnv } from "./env.ts";
import { createOpsServer } from "./http/ops-server.ts";
import { createMessaging } from "./messaging/index.ts";
import { createOutreach } from "./outreach/index.ts";
import {
  createSessionHost,
  DEFAULT_RECONNECT_POLICY,
  type SessionHost,
  type SessionHostOptions,
  type SessionsPort,
  type WaTarget,
} from "./sessions/index.ts";

export type WorkerConfig = Omit<WorkersEnv, "DATABASE_URL" | "DATABASE_POOL_MAX" | "REDIS_URL" | "LOG_PRETTY">;

/** What a consumer of the sessions port gets from the composition root. */
export type ConsumerContext = {
  config: WorkerConfig;
  logger: Logger;
  db: Database;
  redis: Redis;
  sessions: SessionsPort;
  /** Ids of the instances this worker hosts now. */
  hosted: () => string[];
};

/**
 * A long-running part built on the sessions port (the send consumer, the campaign round consumer, …). `start` runs
 * after the host restored its instances; `close` runs before the host ends its sockets, so nothing sends into a
 * closing socket.
 */
export type WorkerConsumer = {
  name: string;
  start(): Promise<void> | void;
  close(): Promise<void>;
  /** Answers an orchestrator command this consumer owns (undefined: not its command; the session host runs it). */
  command?(command: TWorkerCommand): Promise<TWorkerCommandResult> | undefined;
};
export type ConsumerFactory = (ctx: ConsumerContext) => WorkerConsumer | WorkerConsumer[];

export type WorkerProcessDeps = {
  config: WorkerConfig;
  logger: Logger;
  db: Database;
  /** Commands and heartbeats; BullMQ duplicates it for blocking reads. `maxRetriesPerRequest: null`. */
  redis: Redis;
  /** Extra consumers (tests); the production ones are listed in `CONSUMERS` below. */
  consumers?: ConsumerFactory[];
  /** Overrides of the session host's options (tests shorten timers). */
  sessionOptions?: Partial<SessionHostOptions>;
  baileysLogger?: Logger;
};

export type WorkerProcess = {
  /** Heartbeat, ops HTTP, restore from Postgres, health loop, commands, consumers — in that order. */
  start(): Promise<{ httpPort: number | null; restoring: number }>;
  /** Idempotent, in reverse: commands and consumers stop, leave the registry, end sockets, HTTP. Clients stay open. */
  close(): Promise<void>;
  parts: { host: SessionHost; sessions: SessionsPort; consumers: WorkerConsumer[]; http: Server };
};

/**
 * The consumers every worker runs, built on the sessions port. Add the send consumer (`messaging/`) and the
 * campaign round consumer (`campaigns/`) here: each gets the port, never the host.
 */
const CONSUMERS: ConsumerFactory[] = [
  ({ config, logger, db, redis, sessions, hosted }) => {
    const messaging = createMessaging({
      db,
      redis,
      sessions,
      logger,
      config: {
        workerId: config.WORKER_ID,
        queuePrefix: config.QUEUE_PREFIX,
        sweepMs: config.SEND_SWEEP_MS,
        lookupMaxAgeMs: config.WA_LOOKUP_MAX_AGE_HOURS * 3_600_000,
        inbound: { batchMax: config.INBOUND_BATCH_MAX, flushMs: config.INBOUND_FLUSH_MS, settingsTtlMs: 30_000 },
      },
    });
    // Campaigns send through the same send module; started after it, so in-flight rows are recovered first.
    const outreach = createOutreach({
      db,
      redis,
      sessions,
      sender: messaging.sender,
      logger,
      config: {
        workerId: config.WORKER_ID,
        queuePrefix: config.QUEUE_PREFIX,
        sweepMs: config.OUTREACH_SWEEP_MS,
        concurrency: config.OUTREACH_CONCURRENCY,
        hosted,
      },
    });
    return [messaging, outreach];
  },
];

function targetOf(config: WorkerConfig): WaTarget {
  const version = config.WA_VERSION ? { version: config.WA_VERSION } : {};
  return config.MIRAGE_WA === "simulator"
    ? { kind: "simulator", url: config.WA_SIM_URL ?? "", rootPublicKeyHex: config.WA_SIM_ROOT_KEY ?? "", ...version }
    : { kind: "real", ...version };
}

/** Wires every part of a worker from already-open clients (main.ts opens them; tests pass their own). */
export function createWorkerProcess(deps: WorkerProcessDeps): WorkerProcess {
  const { config, logger, db, redis } = deps;
  const startedAt = new Date().toISOString();
  const host = createSessionHost({
    workerId: config.WORKER_ID,
    db,
    ring: config.MIRAGE_ENCRYPTION_KEYS,
    target: targetOf(config),
    logger,
    baileysLogger:
      deps.baileysLogger ??
      logger.child({ module: "baileys" }, { level: config.WORKER_BAILEYS_DEBUG ? "debug" : "error" }),
    events: createRedisEventSink(redis, config.QUEUE_PREFIX),
    qrStore: createRedisQrStore(redis, config.QUEUE_PREFIX),
    options: {
      maxQrAttempts: config.QR_MAX_ATTEMPTS,
      ackTimeoutMs: config.ACK_TIMEOUT_MS,
      deliveryTimeoutMs: config.DELIVERY_TIMEOUT_MS,
      healthWindowMs: config.HEALTH_WINDOW_MS,
      pairingCodeTtlMs: config.PAIRING_CODE_TTL_MS,
      restoreRatePerSecond: config.RESTORE_RATE_PER_SECOND,
      healthIntervalMs: config.HEALTH_INTERVAL_MS,
      reconnect: { ...DEFAULT_RECONNECT_POLICY, maxAttempts: config.RECONNECT_MAX_ATTEMPTS },
      ...deps.sessionOptions,
    },
  });
  const heartbeat = createHeartbeat(
    redis,
    config.QUEUE_PREFIX,
    () => ({
      id: config.WORKER_ID,
      host: hostname(),
      pid: process.pid,
      capacity: config.WORKER_CAPACITY,
      hosted: host.size,
      startedAt,
    }),
    {
      intervalMs: config.WORKER_HEARTBEAT_MS,
      ttlMs: config.WORKER_TTL_MS,
      onError: (err) => logger.error({ err }, "heartbeat failed"),
    },
  );
  const ops = createOpsServer({
    workerId: config.WORKER_ID,
    metricsToken: config.METRICS_TOKEN,
    snapshot: () => host.snapshot(),
  });
  const ctx: ConsumerContext = {
    config,
    logger,
    db,
    redis,
    sessions: host.port,
    hosted: () => host.snapshot().map((h) => h.id),
  };
  const consumers = [...CONSUMERS, ...(deps.consumers ?? [])].flatMap((make) => make(ctx));

  let commands: Worker | undefined;
  let reconcileTimer: NodeJS.Timeout | undefined;
  let started = false;
  let closed: Promise<void> | undefined;

  return {
    parts: { host, sessions: host.port, consumers, http: ops.server },
    async start() {
      if (started) throw new Error("the worker process was already started");
      started = true;
      await heartbeat.start();
      const http =
        config.WORKER_HTTP_PORT > 0 ? await ops.listen(config.WORKER_HTTP_PORT, config.WORKER_HTTP_HOST) : null;
      const restore = await host.reconcile();
      host.startHealthLoop();
      // A lost command is harmless: the reconcile loop converges on what Postgres says anyway.
      reconcileTimer = setInterval(() => {
        host.reconcile().catch((err: unknown) => logger.error({ err }, "reconcile failed"));
      }, config.WORKER_RECONCILE_MS);
      reconcileTimer.unref();
      commands = createWorkerCommandConsumer({
        connection: redis,
        prefix: config.QUEUE_PREFIX,
        workerId: config.WORKER_ID,
        handle: (command) => {
          for (const consumer of consumers) {
            const answer = consumer.command?.(command);
            if (answer) return answer;
          }
          return host.command(command);
        },
        onError: (err) => logger.error({ err }, "command queue error"),
      });
      for (const consumer of consumers) await consumer.start();
      return { httpPort: http?.port ?? null, restoring: restore.toStart };
    },
    close() {
      closed ??= (async () => {
        if (reconcileTimer) clearInterval(reconcileTimer);
        // Stop taking commands and work first, then leave the registry (placement reacts now, not after the TTL),
        // then end the sockets — never log out: the next host resumes with the same credentials.
        await commands?.close();
        for (const consumer of [...consumers].reverse()) {
          await consumer
            .close()
            .catch((err: unknown) => logger.error({ err, consumer: consumer.name }, "close failed"));
        }
        if (started)
          await heartbeat.stop().catch((err: unknown) => logger.warn({ err }, "leaving the registry failed"));
        await host.close();
        // Baileys finishes work it already started (LID sessions, pre-key bookkeeping) just after its sockets end;
        // give it a moment before the caller closes the database and Redis under it.
        if (started) await new Promise((r) => setTimeout(r, 500));
        await ops.close();
      })();
      return closed;
    },
  };
}
