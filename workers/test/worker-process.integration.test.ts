import { spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { createServer } from "node:net";
import path from "node:path";
import { parseEnv } from "@mirage/config";
import { workerAliveKey, workerRegistryKey } from "@mirage/contracts/worker-bus";
import { createDb } from "@mirage/db";
import { assignInstance } from "@mirage/db/instances";
import { createWorkerCommandClient } from "@mirage/queue/worker-commands";
import { createOrgWithMembers } from "@mirage/testing/fixtures";
import { createTestDatabase, type TestDatabase } from "@mirage/testing/postgres";
import { Simulator } from "@mirage/wa-sim";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WorkersEnv } from "../src/env.ts";
import { type ConsumerFactory, createWorkerProcess } from "../src/worker-process.ts";
import { silent } from "./harness.ts";

// The worker's composition root, as the orchestrator's is tested: real Postgres, Redis, Baileys and wa-sim.
const REDIS_URL = process.env.MIRAGE_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const root = path.resolve(import.meta.dirname, "..");
const METRICS_TOKEN = "metrics-token-of-at-least-16";
let t: TestDatabase;
let sim: Simulator;
let redis: Redis;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  await new Promise((r) => server.close(r));
  return typeof address === "object" && address ? address.port : 0;
}

function env(prefix: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: t.appUrl,
    DATABASE_POOL_MAX: "4",
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    WORKER_ID: `wp-${prefix}`,
    WORKER_HEARTBEAT_MS: "300",
    WORKER_TTL_MS: "2000",
    WORKER_RECONCILE_MS: "500",
    MIRAGE_WA: "simulator",
    WA_SIM_URL: sim.url,
    WA_SIM_ROOT_KEY: sim.rootPublicKey.toString("hex"),
    MIRAGE_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString("base64")}`,
    METRICS_TOKEN,
    ...extra,
  };
}

beforeAll(async () => {
  t = await createTestDatabase();
  sim = await Simulator.start({ seed: "worker-process" });
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
});
afterAll(async () => {
  await redis?.quit();
  await sim?.close();
  await t?.drop();
});

describe("createWorkerProcess", () => {
  it("starts heartbeat, ops HTTP, commands and consumers; closes them in order, leaving the registry", async () => {
    const prefix = `wproc-${randomUUID().slice(0, 8)}`;
    const port = await freePort();
    const config = parseEnv(WorkersEnv, env(prefix, { WORKER_HTTP_PORT: String(port) }));
    const db = createDb({ url: t.appUrl, max: 4 });
    const order: string[] = [];
    const probe: ConsumerFactory = ({ sessions }) => ({
      name: "probe",
      start() {
        order.push("consumer:start");
      },
      async close() {
        // Closed before the host ends its sockets: the port still answers.
        order.push(`consumer:close:${sessions.canSend(randomUUID()).ok ? "ok" : "not_hosted"}`);
      },
    });
    const worker = createWorkerProcess({
      config,
      logger: silent,
      db,
      redis,
      consumers: [probe],
      baileysLogger: silent,
    });
    const started = await worker.start();
    expect(started).toEqual({ httpPort: port, restoring: 0 });
    expect(await redis.exists(workerAliveKey(prefix, config.WORKER_ID))).toBe(1);

    // /healthz is open; /metrics needs the token; both on loopback only by default.
    const address = worker.parts.http.address();
    expect(typeof address === "object" && address?.address).toBe("127.0.0.1");
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(await health.json()).toMatchObject({ ok: true, workerId: config.WORKER_ID });
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(401);
    const wrong = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: "Bearer nope" } });
    expect(wrong.status).toBe(401);
    const metrics = await fetch(`http://127.0.0.1:${port}/metrics`, {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain("mirage_worker_rss_bytes");

    // A command through the per-worker queue reaches the host.
    const org = await createOrgWithMembers(t.admin, `org-${prefix}`);
    const [row] = await t.admin<{ id: string }[]>`
      insert into public.instances (org_id, name) values (${org.orgId}, 'composed') returning id`;
    const id = row?.id ?? "";
    await t.db.asService((tx) => assignInstance(tx, id, config.WORKER_ID));
    const client = createWorkerCommandClient({ connection: redis, prefix });
    const answer = await client.request(config.WORKER_ID, { type: "start", instanceId: id }, 20_000);
    expect(answer).toMatchObject({ ok: true, status: "pending_pairing" });
    await client.close();
    expect(worker.parts.host.snapshot().map((s) => s.id)).toContain(id);

    await worker.close();
    await worker.close(); // idempotent
    expect(order).toEqual(["consumer:start", "consumer:close:not_hosted"]);
    expect(await redis.exists(workerAliveKey(prefix, config.WORKER_ID))).toBe(0);
    expect(await redis.hexists(workerRegistryKey(prefix), config.WORKER_ID)).toBe(0);
    expect(worker.parts.host.size).toBe(0);
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    await db.close();
  });
});

describe("main.ts", () => {
  it("runs from the environment and exits 128+15 on SIGTERM after a graceful close", async () => {
    const prefix = `wmain-${randomUUID().slice(0, 8)}`;
    const port = await freePort();
    const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "src/main.ts")], {
      cwd: root,
      env: { PATH: process.env.PATH ?? "", ...env(prefix, { WORKER_HTTP_PORT: String(port), LOG_LEVEL: "info" }) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (c: Buffer) => {
      output += c.toString();
    });
    child.stderr.on("data", (c: Buffer) => {
      output += c.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    await expect.poll(() => output, { timeout: 30_000, interval: 100 }).toContain('"msg":"worker started"');
    expect(output).toContain('"httpHost":"127.0.0.1"');
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    child.kill("SIGTERM");
    expect(await exited).toBe(143);
    expect(output).toContain('"msg":"stopped"');
    expect(await redis.hexists(workerRegistryKey(prefix), `wp-${prefix}`)).toBe(0);
  }, 60_000);
});
