import { randomBytes, randomUUID } from "node:crypto";
import { parseEnv } from "@mirage/config";
import { createDb } from "@mirage/db";
import { createLogger } from "@mirage/logger";
import { createTestDatabase, type TestDatabase } from "@mirage/testing/postgres";
import { Redis } from "ioredis";
import { SignJWT } from "jose";
import { OrchestratorEnv } from "../src/env.ts";
import { createOrchestrator, type Orchestrator, type OrchestratorConfig } from "../src/orchestrator.ts";

// biome-ignore lint/suspicious/noExplicitAny: responses are asserted field by field; typing them would add nothing.
export type Json = any;

export const JWT_SECRET = "test-secret-that-is-long-enough-for-hs256!";
export const REDIS_URL = process.env.MIRAGE_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

export type Harness = {
  t: TestDatabase;
  redis: Redis;
  orch: Orchestrator;
  url: string;
  config: OrchestratorConfig;
  prefix: string;
  /** A Supabase-shaped access token for a user, signed with the test secret. */
  tokenFor(
    user: { id: string; email?: string; claims?: { email?: string } },
    opts?: { expiresIn?: string | number; secret?: string },
  ): Promise<string>;
  close(): Promise<void>;
};

/** Overrides for a harness whose background loops (webhooks, imports, campaign scheduler) stay off: the test drives. */
export const NO_BACKGROUND = {
  WEBHOOK_WORKER_ENABLED: "false",
  IMPORT_WORKER_ENABLED: "false",
  CAMPAIGN_SCHEDULER_ENABLED: "false",
  LOG_LEVEL: process.env.TEST_LOG ?? "silent",
} as const;

/**
 * A real orchestrator on 127.0.0.1:<random port> over a fresh migrated database and the shared Redis under a
 * unique prefix (queues, realtime stream, login counters), torn down completely by close().
 */
export async function startHarness(
  overrides: Record<string, string> = {},
  opts: {
    /** The orchestrator's own pool on another URL (e.g. through a proxy the test can cut); the fixtures keep t.db. */
    databaseUrl?: (appUrl: string) => string;
  } = {},
): Promise<Harness> {
  const t = await createTestDatabase();
  const prefix = `test-${randomUUID().slice(0, 8)}`;
  const env = parseEnv(OrchestratorEnv, {
    DATABASE_URL: t.appUrl,
    REDIS_URL,
    LOG_LEVEL: "silent",
    JWT_SECRET,
    MIRAGE_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString("base64")}`,
    QUEUE_PREFIX: prefix,
    REALTIME_STREAM: `${prefix}:realtime`,
    WEBHOOK_ALLOW_PRIVATE: "127.0.0.1/32",
    BCRYPT_COST: "4",
    WEBHOOK_DISPATCH_INTERVAL_MS: "100",
    ...overrides,
  });
  const logger = createLogger({ service: "orchestrator-test", level: env.LOG_LEVEL });
  const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 3 });
  redis.on("error", () => {}); // a test may cut this Redis on purpose
  const db = opts.databaseUrl ? createDb({ url: opts.databaseUrl(t.appUrl), max: 4 }) : t.db;
  const orch = createOrchestrator({ config: env, logger, db, redis });
  const { url } = await orch.listen(0, "127.0.0.1");

  return {
    t,
    redis,
    orch,
    url,
    config: env,
    prefix,
    async tokenFor(user, opts = {}) {
      return new SignJWT({ role: "authenticated", email: user.email ?? user.claims?.email })
        .setProtectedHeader({ alg: "HS256" })
        .setSubject(user.id)
        .setAudience("authenticated")
        .setIssuedAt()
        .setExpirationTime(opts.expiresIn ?? "10m")
        .sign(new TextEncoder().encode(opts.secret ?? JWT_SECRET));
    },
    async close() {
      await orch.close();
      for (const q of orch.parts.queues.all()) {
        // obliterate needs the queue's connection: reopen a fresh Queue handle is unnecessary since close() left
        // the shared connection open.
        await q.obliterate({ force: true }).catch(() => undefined);
      }
      // Cleanup through a direct connection: the harness's own client may be the one a test cut.
      const direct = new Redis(REDIS_URL, { maxRetriesPerRequest: 3 });
      let cursor = "0";
      do {
        const [next, keys] = await direct.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
        cursor = next;
        if (keys.length > 0) await direct.del(...keys);
      } while (cursor !== "0");
      await direct.quit();
      await redis.quit().catch(() => redis.disconnect());
      if (db !== t.db) await db.close(1).catch(() => undefined);
      await t.drop();
    },
  };
}

/** JSON fetch against the harness. */
export async function api(
  h: Pick<Harness, "url">,
  method: string,
  path: string,
  opts: {
    token?: string;
    apiKey?: string;
    body?: unknown;
    rawBody?: string;
    headers?: Record<string, string>;
    signal?: AbortSignal;
  } = {},
): Promise<{ status: number; body: Json; headers: Headers }> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.apiKey) headers["x-api-key"] = opts.apiKey;
  let body: string | undefined;
  if (opts.rawBody !== undefined) body = opts.rawBody;
  else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers["content-type"] ??= "application/json";
  }
  const res = await fetch(`${h.url}${path}`, { method: method.toUpperCase(), headers, body, signal: opts.signal });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON (metrics, docs)
  }
  return { status: res.status, body: parsed, headers: res.headers };
}
