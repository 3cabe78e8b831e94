import { boolEnv, csvEnv, databaseEnv, logEnv, redisEnv, z } from "@mirage/config";
import { parseKeyRing } from "@mirage/secrets";

/**
 * The orchestrator's configuration: schema only, parsed once in main.ts (tests build the object directly).
 * .env.example mirrors it section by section.
 */
export const OrchestratorEnv = z
  .object({
    ...databaseEnv,
    ...redisEnv,
    ...logEnv,
    NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
    /** Named for the process so one .env can serve every process (Next.js reads a bare PORT too). */
    ORCHESTRATOR_HOST: z.string().default("0.0.0.0"),
    ORCHESTRATOR_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
    /** Origins allowed by CORS and by the socket.io handshake; empty means same-origin only. */
    CORS_ORIGINS: csvEnv([]),
    /** JSON bodies above this many bytes get 413 payload_too_large. */
    HTTP_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(50_000_000).default(1_000_000),
    /** Number of reverse proxies in front (express "trust proxy"), so client IPs in audit rows are right. */
    TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),

    // ── auth ──
    /** builtin: the orchestrator checks passwords and issues tokens. supabase: Supabase Auth issues them. */
    AUTH_PROVIDER: z.enum(["builtin", "supabase"]).default("builtin"),
    /** HS256 secret: signs tokens (builtin) or verifies Supabase's legacy HS256 tokens. At least 32 characters. */
    JWT_SECRET: z.string().min(32).optional(),
    /** Supabase's JWKS URL (asymmetric signing keys), e.g. https://<ref>.supabase.co/auth/v1/.well-known/jwks.json */
    SUPABASE_JWKS_URL: z.url().optional(),
    /** Expected `iss` of Supabase tokens, e.g. https://<ref>.supabase.co/auth/v1; unset skips the check. */
    SUPABASE_JWT_ISSUER: z.string().optional(),
    JWT_AUDIENCE: z.string().default("authenticated"),
    /** Access token lifetime in seconds (short: a stolen token is useful briefly). */
    ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(900),
    /** Clock difference tolerated between a token's issuer and this server (exp, nbf, and iat in the future). */
    JWT_CLOCK_SKEW_SECONDS: z.coerce.number().int().min(0).max(600).default(60),
    /** Refresh token lifetime in seconds. */
    REFRESH_TOKEN_TTL_SECONDS: z.coerce
      .number()
      .int()
      .min(3600)
      .default(30 * 86_400),
    /** Failed logins for one email within LOGIN_WINDOW_SECONDS before it is locked for LOGIN_LOCKOUT_SECONDS. */
    LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
    LOGIN_WINDOW_SECONDS: z.coerce.number().int().min(1).default(900),
    LOGIN_LOCKOUT_SECONDS: z.coerce.number().int().min(1).default(900),
    /** Login attempts per client IP per minute (any email), against password spraying. */
    LOGIN_RATE_PER_IP_PER_MINUTE: z.coerce.number().int().min(1).default(30),
    /** How long a member invitation's one-time token stays valid, in hours. */
    INVITATION_TTL_HOURS: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 90)
      .default(168),
    /** bcrypt cost for passwords the orchestrator writes (CLI, accepted invitations). */
    BCRYPT_COST: z.coerce.number().int().min(4).max(15).default(10),

    // ── webhooks ──
    /** AES-256-GCM key ring for webhook signing secrets at rest: "id:key[,id:key…]"; the first encrypts. Parsed
     *  after the object (below) so a bad key is listed together with the cross-field problems. */
    MIRAGE_ENCRYPTION_KEYS: z.string().min(1),
    /** Hosts or CIDRs that webhooks may target even though private/loopback (e.g. "127.0.0.1/32,10.0.0.0/8"). */
    WEBHOOK_ALLOW_PRIVATE: csvEnv([]),
    WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
    WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(30).default(8),
    /** Backoff before retry n: random in [0, min(cap, base·2^(n-1))] ms. */
    WEBHOOK_BACKOFF_BASE_MS: z.coerce.number().int().min(1).default(2_000),
    WEBHOOK_BACKOFF_CAP_MS: z.coerce.number().int().min(1).default(600_000),
    /** Run the delivery worker in this process (turn off when dedicated workers consume the webhooks queue). */
    WEBHOOK_WORKER_ENABLED: boolEnv(true),
    WEBHOOK_DISPATCH_INTERVAL_MS: z.coerce.number().int().min(50).default(2_000),

    /** Request-path Redis commands (login limiter, token revocation, worker registry, QR) give up after this
     *  many ms; with Redis down they fail at once (no offline queue), so the API answers 503 quickly. */
    REDIS_COMMAND_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(2_000),

    // ── queues and realtime ──
    /** BullMQ key prefix shared by every process of one deployment. */
    QUEUE_PREFIX: z.string().min(1).default("mirage"),
    /** Redis stream the realtime gateway tails (workers append to it). */
    REALTIME_STREAM: z.string().min(1).default("mirage:realtime"),
    /** Events kept per organization for reconnect catch-up. */
    REALTIME_REPLAY_MAX: z.coerce.number().int().min(0).max(100_000).default(1_000),

    // ── instances ──
    /** Place new instances and move those of dead workers (turn off on all but a few replicas if you like; a
     *  Redis lease keeps one placer active at a time anyway). */
    PLACEMENT_ENABLED: boolEnv(true),
    PLACEMENT_INTERVAL_MS: z.coerce.number().int().min(100).default(2_000),
    /** How long the API waits for a worker to answer a command (start, pairing code, …) before 503. */
    WORKER_COMMAND_TIMEOUT_MS: z.coerce.number().int().min(1_000).default(20_000),

    // ── Evolution API compatibility ──
    /** Where Evolution API v2 clients find Mirage (their SERVER_URL is http://host:port<this>); "off" disables it. */
    EVOLUTION_BASE_PATH: z
      .string()
      .trim()
      .regex(/^(off|\/[A-Za-z0-9._~/-]*[A-Za-z0-9._~-])$/, "a path like /evolution, or off")
      .default("/evolution"),
    /** How long /instance/create (qrcode: true) and /instance/connect wait for the worker's first QR code. */
    EVOLUTION_QR_WAIT_MS: z.coerce.number().int().min(0).max(30_000).default(5_000),

    // ── messaging ──
    /** Messages the send API accepts per instance per minute (a runaway integration cannot burn a number). */
    SEND_RATE_PER_INSTANCE_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(120),
    /** Messages an instance may take at once above its rate before the limit applies. */
    SEND_BURST_PER_INSTANCE: z.coerce.number().int().min(1).max(100_000).default(30),

    // ── audience ──
    /** Largest contact file accepted by POST …/imports (bytes); larger uploads get 413. */
    IMPORT_MAX_BYTES: z.coerce.number().int().min(1024).max(2_000_000_000).default(250_000_000),
    /** Run the contact import worker in this process (turn off when other replicas consume the imports queue). */
    IMPORT_WORKER_ENABLED: boolEnv(true),

    // ── campaigns ──
    /** How often the campaign tick runs (activate what is due, failover, error threshold, end, completion), ms. */
    CAMPAIGN_TICK_MS: z.coerce.number().int().min(200).max(60_000).default(1_000),
    /** At most one campaign:progress event per campaign per this many ms. */
    CAMPAIGN_PROGRESS_MS: z.coerce.number().int().min(100).max(60_000).default(2_000),
    /** Run the campaign tick in this process (every replica may: ticks are idempotent). */
    CAMPAIGN_SCHEDULER_ENABLED: boolEnv(true),

    // ── operations ──
    /** People (emails) allowed into Bull Board at /admin/queues; empty leaves it unmounted. */
    OPS_ADMIN_EMAILS: csvEnv([]),
    /** Bearer token for /metrics (Prometheus); unset leaves /metrics open (bind to a private network then). */
    METRICS_TOKEN: z.string().min(16).optional(),
    /** Shutdown gives in-flight work this long before exiting anyway. */
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  })
  .superRefine((env, ctx) => {
    if (env.AUTH_PROVIDER === "builtin" && !env.JWT_SECRET) {
      ctx.addIssue({ code: "custom", path: ["JWT_SECRET"], message: "required when AUTH_PROVIDER=builtin" });
    }
    if (env.AUTH_PROVIDER === "supabase" && !env.JWT_SECRET && !env.SUPABASE_JWKS_URL) {
      ctx.addIssue({
        code: "custom",
        path: ["SUPABASE_JWKS_URL"],
        message: "AUTH_PROVIDER=supabase needs SUPABASE_JWKS_URL or JWT_SECRET (legacy HS256)",
      });
    }
    try {
      parseKeyRing(env.MIRAGE_ENCRYPTION_KEYS);
    } catch (err) {
      ctx.addIssue({ code: "custom", path: ["MIRAGE_ENCRYPTION_KEYS"], message: (err as Error).message });
    }
  })
  .transform((env) => ({ ...env, MIRAGE_ENCRYPTION_KEYS: parseKeyRing(env.MIRAGE_ENCRYPTION_KEYS) }));

export type OrchestratorEnv = z.infer<typeof OrchestratorEnv>;
