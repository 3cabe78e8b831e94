import { hostname } from "node:os";
import { boolEnv, databaseEnv, logEnv, redisEnv, z } from "@mirage/config";
import { ZKeyRing } from "@mirage/secrets";

const version = z
  .string()
  .regex(/^\d+\.\d+\.\d+$/, "must look like 2.3000.1023456789")
  .transform((v) => v.split(".").map(Number) as [number, number, number]);

/** The worker's configuration: schema only, parsed once in main.ts. .env.example mirrors it. */
export const WorkersEnv = z
  .object({
    ...databaseEnv,
    ...redisEnv,
    ...logEnv,
    /** Unique per worker process; stable across restarts lets a restarted worker keep its instances. */
    WORKER_ID: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/)
      .default(`${hostname()}-${process.pid}`),
    /** Instances this worker hosts at most; placement fills the least-loaded worker first. */
    WORKER_CAPACITY: z.coerce.number().int().min(1).max(5000).default(500),
    /** /healthz and /metrics of this worker (0 disables). */
    WORKER_HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(4100),
    /**
     * Interface /healthz and /metrics bind to. Loopback by default: metrics name instance statuses and nothing
     * outside the host needs them unless a scraper is set up (then bind 0.0.0.0 and set METRICS_TOKEN).
     */
    WORKER_HTTP_HOST: z.string().min(1).default("127.0.0.1"),
    /** Bearer token required by /metrics (unset: open — keep WORKER_HTTP_HOST private then). */
    METRICS_TOKEN: z.string().min(16).optional(),
    /** Graceful shutdown gets this long before the process exits anyway. */
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
    WORKER_HEARTBEAT_MS: z.coerce.number().int().min(200).default(3_000),
    /** Without a heartbeat for this long the orchestrator moves the worker's instances elsewhere. */
    WORKER_TTL_MS: z.coerce.number().int().min(1_000).default(10_000),
    /** How often the worker re-reads its assignments from Postgres (catches missed commands and fencing). */
    WORKER_RECONCILE_MS: z.coerce.number().int().min(200).default(5_000),
    QUEUE_PREFIX: z.string().min(1).default("mirage"),
    MIRAGE_ENCRYPTION_KEYS: ZKeyRing,
    MIRAGE_WA: z.enum(["real", "simulator"]).default("real"),
    /** wa-sim's WebSocket URL and certificate root (hex), in simulator mode. */
    WA_SIM_URL: z.string().optional(),
    WA_SIM_ROOT_KEY: z
      .string()
      .regex(/^[0-9a-f]{64}$/, "must be 64 hex characters")
      .optional(),
    /** WhatsApp Web version to announce; a stale one is refused with 405. Defaults to the one Baileys ships. */
    WA_VERSION: version.optional(),
    QR_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(30).default(5),
    RECONNECT_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(8),
    /** Sockets opened per second while restoring at start (spreads the login storm). */
    RESTORE_RATE_PER_SECOND: z.coerce.number().int().min(1).max(1000).default(10),
    HEALTH_INTERVAL_MS: z.coerce.number().int().min(1_000).default(30_000),
    /** A send without a server ack after this long marks the instance "not delivering" (`no_server_acks`). */
    ACK_TIMEOUT_MS: z.coerce.number().int().min(500).default(20_000),
    /**
     * A server-acked send whose recipient's phone sent no delivery receipt after this long counts toward
     * "not delivering" (`no_delivery_receipts`, once three recipients are silent and nothing was delivered since).
     */
    DELIVERY_TIMEOUT_MS: z.coerce.number().int().min(1_000).default(300_000),
    /** How far back every send-based health signal looks; older sends are forgotten, so health recovers. */
    HEALTH_WINDOW_MS: z.coerce.number().int().min(10_000).default(1_800_000),
    /** How long a pairing code is handed out again unchanged (at most WhatsApp's QR window of 160 s). */
    PAIRING_CODE_TTL_MS: z.coerce.number().int().min(30_000).max(160_000).default(120_000),
    WORKER_BAILEYS_DEBUG: boolEnv(false),
    /** How often the send lanes look for due API/inbox messages and recover newly placed instances, in ms. */
    SEND_SWEEP_MS: z.coerce.number().int().min(100).default(2_000),
    /** How long an on-WhatsApp answer for a number is trusted before asking again, in hours. */
    WA_LOOKUP_MAX_AGE_HOURS: z.coerce.number().min(0).default(168),
    /** Inbound messages are stored in batches of at most this many… */
    INBOUND_BATCH_MAX: z.coerce.number().int().min(1).max(5_000).default(200),
    /** …written at most this many ms after the first one arrived. */
    INBOUND_FLUSH_MS: z.coerce.number().int().min(0).max(5_000).default(20),
    /** How often the campaign engine looks for hosted numbers with campaign work and arms their send chains, ms. */
    OUTREACH_SWEEP_MS: z.coerce.number().int().min(100).max(60_000).default(1_000),
    /** Send chains (one per number) this worker runs at once; a chain waits while "typing…" shows. */
    OUTREACH_CONCURRENCY: z.coerce.number().int().min(1).max(1_000).default(64),
  })
  .superRefine((env, ctx) => {
    if (env.MIRAGE_WA === "simulator") {
      if (!env.WA_SIM_URL)
        ctx.addIssue({ code: "custom", path: ["WA_SIM_URL"], message: "required when MIRAGE_WA=simulator" });
      if (!env.WA_SIM_ROOT_KEY) {
        ctx.addIssue({ code: "custom", path: ["WA_SIM_ROOT_KEY"], message: "required when MIRAGE_WA=simulator" });
      }
    }
  });

export type WorkersEnv = z.infer<typeof WorkersEnv>;
