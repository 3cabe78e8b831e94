import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import { workerEventsChannel } from "@mirage/contracts/worker-bus";
import type { Database } from "@mirage/db";
import type { Logger } from "@mirage/logger";
import { coalesceWrites } from "@mirage/queue/coalesce";
import { createQueues, createWorker } from "@mirage/queue/queues";
import { publishRealtimeEvents } from "@mirage/queue/realtime";
import { createSendNudger } from "@mirage/queue/send-lanes";
import { createWorkerCommandClient } from "@mirage/queue/worker-commands";
import type { Worker } from "bullmq";
import type { Redis } from "ioredis";
import { createHttpApp } from "./app.ts";
import { createLoginLimiter } from "./auth/login-limiter.ts";
import { createAuthenticator } from "./auth/principal.ts";
import { createSessionRevocations } from "./auth/revocations.ts";
import { createSessionService } from "./auth/sessions.ts";
import { createTokenSigner, createTokenVerifier } from "./auth/tokens.ts";
import { createCampaignScheduler } from "./campaigns/index.ts";
import type { OrchestratorEnv } from "./env.ts";
import { type EvolutionDeps, evolutionMount, evolutionRoutes } from "./evolution/index.ts";
import { featureRoutes } from "./feature-routes.ts";
import type { RouteDef } from "./http/route.ts";
import { createImportContactsProcessor } from "./imports/index.ts";
import { createInstanceControl } from "./instances/instance-control.ts";
import { createSendRateLimiter } from "./messaging/rate-limit.ts";
import { createSendService } from "./messaging/send-service.ts";
import { createMetrics } from "./ops/metrics.ts";
import { createOpsAdminGuard } from "./ops/ops-admin-guard.ts";
import { createPlacementService } from "./placement/placement-service.ts";
import { createRealtimeControl } from "./realtime/control.ts";
import { createRealtimeGateway } from "./realtime/gateway.ts";
import { createRealtimeRelay } from "./realtime/relay.ts";
import { createDeliverWebhookProcessor, webhookRetryDelay } from "./webhooks/deliver-webhook.processor.ts";
import { createWebhookDispatcher } from "./webhooks/dispatcher.ts";
import { createTargetPolicy } from "./webhooks/ssrf.ts";
import { rewrapWebhookSecrets, sealWebhookSecret } from "./webhooks/webhook-secrets.ts";

export type OrchestratorConfig = Omit<
  OrchestratorEnv,
  "DATABASE_URL" | "DATABASE_POOL_MAX" | "REDIS_URL" | "LOG_LEVEL" | "LOG_PRETTY"
>;

export type OrchestratorDeps = {
  config: OrchestratorConfig;
  logger: Logger;
  db: Database;
  /** Commands; duplicated internally for blocking reads and subscriptions. */
  redis: Redis;
  /** Feature routes beyond the core (instances, …). */
  features?: RouteDef[];
  version?: string;
};

export type Orchestrator = {
  server: Server;
  /** Starts background work (relay, dispatcher, webhook worker) and listens. */
  listen(port: number, host?: string): Promise<{ port: number; url: string }>;
  /** Idempotent, in reverse start order: stop accepting → sockets → dispatcher/worker → queues. Clients stay open. */
  close(): Promise<void>;
  parts: {
    app: ReturnType<typeof createHttpApp>;
    gateway: ReturnType<typeof createRealtimeGateway>;
    relay: ReturnType<typeof createRealtimeRelay>;
    dispatcher: ReturnType<typeof createWebhookDispatcher>;
    queues: ReturnType<typeof createQueues>;
    placement: ReturnType<typeof createPlacementService>;
    webhookWorker: Worker | undefined;
    importWorker: Worker | undefined;
  };
};

/** Wires every module of the orchestrator from already-open clients (main.ts opens them; tests pass their own). */
export function createOrchestrator(deps: OrchestratorDeps): Orchestrator {
  const { config, logger, db, redis } = deps;
  // The request path's own connection: no offline queue and a bounded command time, so with Redis down a request
  // fails at once (503 dependency_unavailable) instead of waiting for reconnects. Background work keeps `redis`.
  const fastRedis = redis.duplicate({
    enableOfflineQueue: false,
    commandTimeout: config.REDIS_COMMAND_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
  });
  fastRedis.on("error", (err: Error) => logger.warn({ err: err.message }, "redis (request path) error"));
  const queues = createQueues({
    connection: redis,
    prefix: config.QUEUE_PREFIX,
    onError: (err, queue) => logger.error({ err, queue }, "queue error"),
  });
  const tokenConfig = {
    secret: config.JWT_SECRET,
    jwksUrl: config.AUTH_PROVIDER === "supabase" ? config.SUPABASE_JWKS_URL : undefined,
    issuer: config.AUTH_PROVIDER === "supabase" ? config.SUPABASE_JWT_ISSUER : undefined,
    audience: config.JWT_AUDIENCE,
    accessTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
    clockSkewSeconds: config.JWT_CLOCK_SKEW_SECONDS,
  };
  const verifier = createTokenVerifier(tokenConfig);
  const revocations = createSessionRevocations(fastRedis, {
    prefix: config.QUEUE_PREFIX,
    ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS + config.JWT_CLOCK_SKEW_SECONDS,
  });
  const clockSkewSeconds = config.JWT_CLOCK_SKEW_SECONDS;
  const authenticator = createAuthenticator({ db, verifier, revocations, clockSkewSeconds });
  const limiter = createLoginLimiter(fastRedis, {
    prefix: config.QUEUE_PREFIX,
    maxFailures: config.LOGIN_MAX_FAILURES,
    windowSeconds: config.LOGIN_WINDOW_SECONDS,
    lockoutSeconds: config.LOGIN_LOCKOUT_SECONDS,
    perIpPerMinute: config.LOGIN_RATE_PER_IP_PER_MINUTE,
  });
  const realtimeControl = createRealtimeControl();
  const sessions =
    config.AUTH_PROVIDER === "builtin" && config.JWT_SECRET
      ? createSessionService({
          db,
          signer: createTokenSigner({ ...tokenConfig, secret: config.JWT_SECRET }),
          limiter,
          refreshTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
          logger: logger.child({ module: "auth" }),
          revocations,
          onSessionsRevoked: (ids) => realtimeControl.sessionsRevoked(ids),
        })
      : undefined;
  const keyRing = config.MIRAGE_ENCRYPTION_KEYS;
  const policy = createTargetPolicy(config.WEBHOOK_ALLOW_PRIVATE);
  const metrics = createMetrics({ db, queues });
  // Instances: the orchestrator holds no socket; it places instances on workers and sends them commands.
  const commands = createWorkerCommandClient({ connection: redis, prefix: config.QUEUE_PREFIX });
  const placement = createPlacementService({
    db,
    redis,
    commands,
    logger,
    intervalMs: config.PLACEMENT_INTERVAL_MS,
    ns: config.QUEUE_PREFIX,
  });
  const instanceControl = createInstanceControl({
    db,
    redis: fastRedis,
    logger,
    commands,
    placement,
    commandTimeoutMs: config.WORKER_COMMAND_TIMEOUT_MS,
    ns: config.QUEUE_PREFIX,
  });

  // Every publisher of this process appends with the same bounds, so none trims an organization's catch-up below
  // what the gateway promises to replay.
  const realtime = { stream: config.REALTIME_STREAM, orgMaxLen: config.REALTIME_REPLAY_MAX };
  // Messaging: sends are queued in Postgres and the hosting worker is nudged on its own queue.
  const nudger = createSendNudger({ connection: redis, prefix: config.QUEUE_PREFIX });
  const send = createSendService({
    db,
    nudger,
    logger,
    // The send API appends its own message:status and conversation:changed (see createSendService), as the relay would.
    publish: async (events) => {
      await publishRealtimeEvents(redis, events, realtime);
    },
    coalesce: () => coalesceWrites(redis), // the events and the nudge share `redis`: in order, in one write
    limiter: createSendRateLimiter(redis, {
      prefix: config.QUEUE_PREFIX,
      perMinute: config.SEND_RATE_PER_INSTANCE_PER_MINUTE,
      burst: config.SEND_BURST_PER_INSTANCE,
    }),
  });

  // Campaigns: the tick (a BullMQ Job Scheduler) activates what is due and looks after what runs.
  const campaigns = createCampaignScheduler({
    db,
    redis,
    queues,
    logger,
    prefix: config.QUEUE_PREFIX,
    realtime,
    tickMs: config.CAMPAIGN_TICK_MS,
    progressMs: config.CAMPAIGN_PROGRESS_MS,
  });

  // Evolution API v2 clients (n8n, Typebot, Chatwoot…) over the same services, under their own base path.
  const evolutionDeps: EvolutionDeps | undefined =
    config.EVOLUTION_BASE_PATH === "off"
      ? undefined
      : {
          db,
          control: instanceControl,
          send,
          authenticator,
          basePath: config.EVOLUTION_BASE_PATH,
          qrWaitMs: config.EVOLUTION_QR_WAIT_MS,
          policy,
          sealSecret: (endpointId) =>
            sealWebhookSecret(keyRing, endpointId, `whsec_${randomBytes(32).toString("base64url")}`),
        };
  const evolution = evolutionDeps ? evolutionRoutes(evolutionDeps) : [];

  const app = createHttpApp({
    config: {
      corsOrigins: config.CORS_ORIGINS,
      bodyLimitBytes: config.HTTP_BODY_LIMIT_BYTES,
      trustProxyHops: config.TRUST_PROXY_HOPS,
      bcryptCost: config.BCRYPT_COST,
      invitationTtlSeconds: config.INVITATION_TTL_HOURS * 3600,
      metricsToken: config.METRICS_TOKEN,
      version: deps.version ?? "0.1.0",
    },
    logger,
    db,
    redis: fastRedis,
    queues,
    authenticator,
    sessions,
    keyRing,
    policy,
    metrics,
    realtime: realtimeControl,
    opsAdminGuard:
      config.OPS_ADMIN_EMAILS.length > 0
        ? createOpsAdminGuard({ emails: config.OPS_ADMIN_EMAILS, authenticator, db, limiter })
        : undefined,
    features: [
      ...featureRoutes({
        db,
        control: instanceControl,
        queues,
        importMaxBytes: config.IMPORT_MAX_BYTES,
        redis,
        ns: config.QUEUE_PREFIX,
        send,
        campaignEngine: campaigns.engine,
      }),
      ...(deps.features ?? []),
    ],
    mounts: evolutionDeps ? [evolutionMount(evolutionDeps, evolution)] : [],
  });

  const server = createServer(app.app);
  const gateway = createRealtimeGateway({
    httpServer: server,
    authenticator,
    db,
    redis,
    logger,
    metrics,
    stream: config.REALTIME_STREAM,
    replayMax: config.REALTIME_REPLAY_MAX,
    corsOrigins: config.CORS_ORIGINS,
    redisAdapter: true,
  });
  realtimeControl.bind(gateway.io);
  const relay = createRealtimeRelay({
    db,
    redis,
    logger,
    metrics,
    stream: config.REALTIME_STREAM,
    replayMax: config.REALTIME_REPLAY_MAX,
    workerChannel: workerEventsChannel(config.QUEUE_PREFIX),
  });
  const dispatcher = createWebhookDispatcher({
    db,
    queues,
    logger: logger.child({ module: "webhook-dispatcher" }),
    intervalMs: config.WEBHOOK_DISPATCH_INTERVAL_MS,
    maxAttempts: config.WEBHOOK_MAX_ATTEMPTS,
    // Longer than the longest wait BullMQ may hold a retry for, plus a request: only truly lost jobs qualify.
    staleAfterMs: config.WEBHOOK_BACKOFF_CAP_MS + config.WEBHOOK_TIMEOUT_MS + 60_000,
  });
  let webhookWorker: Worker | undefined;
  let workerConnection: Redis | undefined;
  const retryDelay = webhookRetryDelay({
    backoffBaseMs: config.WEBHOOK_BACKOFF_BASE_MS,
    backoffCapMs: config.WEBHOOK_BACKOFF_CAP_MS,
  });
  const startWorker = () => {
    const process = createDeliverWebhookProcessor({
      db,
      keyRing,
      policy,
      logger: logger.child({ module: "webhooks" }),
      timeoutMs: config.WEBHOOK_TIMEOUT_MS,
      backoffBaseMs: config.WEBHOOK_BACKOFF_BASE_MS,
      backoffCapMs: config.WEBHOOK_BACKOFF_CAP_MS,
    });
    workerConnection = redis.duplicate({ maxRetriesPerRequest: null });
    workerConnection.on("error", (err: Error) => logger.warn({ err: err.message }, "redis (webhook worker) error"));
    return createWorker({
      name: "deliverWebhook",
      connection: workerConnection,
      prefix: config.QUEUE_PREFIX,
      concurrency: 8,
      backoff: retryDelay,
      async process(payload, ctx) {
        try {
          const out = await process(payload, ctx);
          if (out) metrics.webhookAttempts.inc({ outcome: "delivered" });
          return out;
        } catch (error) {
          const final = (error as Error).name === "UnrecoverableError" || ctx.attemptsMade + 1 >= ctx.attempts;
          metrics.webhookAttempts.inc({ outcome: final ? "dead" : "retry" });
          throw error;
        }
      },
      onError: (err) => logger.error({ err }, "webhook worker error"),
    });
  };

  let importWorker: Worker | undefined;
  let importConnection: Redis | undefined;
  const startImportWorker = () => {
    const process = createImportContactsProcessor({
      db,
      redis,
      logger: logger.child({ module: "imports" }),
      realtime,
    });
    importConnection = redis.duplicate({ maxRetriesPerRequest: null });
    return createWorker({
      name: "importContacts",
      connection: importConnection,
      prefix: config.QUEUE_PREFIX,
      // One file at a time per process: an import is CPU-bound (parsing) and Postgres-bound (upserts).
      concurrency: 1,
      process,
      onError: (err) => logger.error({ err }, "import worker error"),
    });
  };

  let closed: Promise<void> | undefined;
  return {
    server,
    parts: {
      app,
      gateway,
      relay,
      dispatcher,
      queues,
      placement,
      get webhookWorker() {
        return webhookWorker;
      },
      get importWorker() {
        return importWorker;
      },
    },
    async listen(port, host) {
      if (fastRedis.status !== "ready") {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error("Redis (request path) did not become ready")), 10_000);
          fastRedis.once("ready", () => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      // Secrets sealed the old way or under a retired key are re-sealed; reads work either way, so a failure here
      // only delays that and is not a reason to refuse to start.
      await rewrapWebhookSecrets(db, keyRing, logger.child({ module: "webhooks" })).catch((err: unknown) =>
        logger.warn({ err }, "re-sealing webhook secrets failed; will retry at the next start"),
      );
      await relay.start();
      await dispatcher.start();
      if (config.WEBHOOK_WORKER_ENABLED) webhookWorker = startWorker();
      if (config.IMPORT_WORKER_ENABLED) importWorker = startImportWorker();
      if (config.PLACEMENT_ENABLED) placement.start();
      if (config.CAMPAIGN_SCHEDULER_ENABLED) await campaigns.start();
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => resolve());
      });
      const address = server.address();
      const actual = typeof address === "object" && address ? address.port : port;
      return { port: actual, url: `http://${host && host !== "0.0.0.0" ? host : "127.0.0.1"}:${actual}` };
    },
    close() {
      closed ??= (async () => {
        const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        await gateway.close();
        server.closeAllConnections();
        await serverClosed;
        await placement.close();
        await commands.close();
        await nudger.close();
        await relay.close();
        await dispatcher.close();
        await webhookWorker?.close();
        workerConnection?.disconnect();
        await importWorker?.close();
        importConnection?.disconnect();
        await campaigns.close();
        await queues.close();
        fastRedis.disconnect();
      })();
      return closed;
    },
  };
}
