/**
 * What the API says about an instance is true, end to end (the real orchestrator, one real worker process, wa-sim):
 * one status event per change, answers with the resulting status, logout and delete unlinking the phone's device,
 * pairing codes that stay valid, and no status outliving the heartbeat of the only worker.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import path from "node:path";
import { parseEnv } from "@mirage/config";
import type { TRealtimeEnvelope } from "@mirage/contracts/realtime";
import { createLogger } from "@mirage/logger";
import { createOrgWithMembers, type OrgFixture } from "@mirage/testing/fixtures";
import { createTestDatabase, type TestDatabase } from "@mirage/testing/postgres";
import { Simulator } from "@mirage/wa-sim";
import { Redis } from "ioredis";
import { SignJWT } from "jose";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OrchestratorEnv } from "../src/env.ts";
import { createOrchestrator, type Orchestrator } from "../src/orchestrator.ts";
import { api, type Json, JWT_SECRET, REDIS_URL } from "./harness.ts";

const root = path.resolve(import.meta.dirname, "../..");
const prefix = `truth-${randomUUID().slice(0, 8)}`;
const keys = `k1:${randomBytes(32).toString("base64")}`;
const silent = createLogger({ service: "e2e", level: "silent" });

let t: TestDatabase;
let a: OrgFixture;
let sim: Simulator;
let redis: Redis;
let orch: Orchestrator;
const sockets: Socket[] = [];
let url: string;
let tokenA: string;
const workers = new Map<string, ChildProcess>();
let phoneSeq = 0;

const token = (user: { id: string; claims: { email: string } }) =>
  new SignJWT({ role: "authenticated", email: user.claims.email })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(user.id)
    .setAudience("authenticated")
    .setIssuedAt()
    .setExpirationTime("30m")
    .sign(new TextEncoder().encode(JWT_SECRET));

function startWorker(id: string): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "workers/src/main.ts")], {
    cwd: path.join(root, "workers"),
    env: {
      ...process.env,
      DATABASE_URL: t.appUrl,
      DATABASE_POOL_MAX: "4",
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      WORKER_ID: id,
      WORKER_HTTP_PORT: "0",
      WORKER_HEARTBEAT_MS: "500",
      // Long enough that a loaded machine does not lapse a live heartbeat; the test measures against it.
      WORKER_TTL_MS: "5000",
      WORKER_RECONCILE_MS: "1000",
      RESTORE_RATE_PER_SECOND: "50",
      MIRAGE_WA: "simulator",
      WA_SIM_URL: sim.url,
      WA_SIM_ROOT_KEY: sim.rootPublicKey.toString("hex"),
      MIRAGE_ENCRYPTION_KEYS: keys,
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  workers.set(id, child);
  return child;
}

async function stopWorker(id: string, signal: NodeJS.Signals): Promise<void> {
  const child = workers.get(id);
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill(signal);
  await exited;
}

const orgPath = (org: OrgFixture) => `/api/v1/orgs/${org.orgId}/instances`;
const get = async (id: string, tok = tokenA): Promise<Json> =>
  (await api({ url }, "get", `${orgPath(a)}/${id}`, { token: tok })).body;

async function waitFor<T>(
  fn: () => Promise<T | undefined | false>,
  timeoutMs = 20_000,
  what = "condition",
): Promise<T> {
  const started = Date.now();
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() - started > timeoutMs) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const waitStatus = (id: string, status: string, timeoutMs = 20_000) =>
  waitFor(async () => ((await get(id)).status === status ? true : undefined), timeoutMs, `instance ${id} ${status}`);

async function createInstance(name: string, body: Record<string, unknown> = {}): Promise<string> {
  const res = await api({ url }, "post", orgPath(a), { token: tokenA, body: { name, ...body } });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

/** Through the API only: create, fetch the QR the worker produced, let the virtual phone scan it, wait connected. */
async function pairByQr(name: string): Promise<{ id: string; phone: string }> {
  phoneSeq++;
  const phone = `55119670${String(phoneSeq).padStart(5, "0")}`;
  const id = await createInstance(name);
  const qr = await waitFor(
    async () => {
      const r = await api({ url }, "get", `${orgPath(a)}/${id}/qr`, { token: tokenA });
      return r.status === 200 ? (r.body.qr as string) : undefined;
    },
    20_000,
    "a QR code",
  );
  sim.phone(phone).scan(qr);
  await waitStatus(id, "connected");
  return { id, phone };
}

beforeAll(async () => {
  t = await createTestDatabase();
  a = await createOrgWithMembers(t.admin, "e2e-a");
  sim = await Simulator.start({ seed: `e2e-${prefix}` });
  // Options as main.ts uses them: BullMQ's blocking connections must not inherit them.
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 3 });
  const env = parseEnv(OrchestratorEnv, {
    DATABASE_URL: t.appUrl,
    REDIS_URL,
    LOG_LEVEL: "silent",
    JWT_SECRET,
    MIRAGE_ENCRYPTION_KEYS: keys,
    QUEUE_PREFIX: prefix,
    REALTIME_STREAM: `${prefix}:realtime`,
    WEBHOOK_WORKER_ENABLED: "false",
    PLACEMENT_INTERVAL_MS: "500",
  });
  orch = createOrchestrator({ config: env, logger: silent, db: t.db, redis });
  url = (await orch.listen(0, "127.0.0.1")).url;
  tokenA = await token(a.users.operator);
  startWorker("w-only");
  await waitFor(async () => ((await redis.hlen(`${prefix}:workers`)) === 1 ? true : undefined), 30_000, "the worker");
}, 90_000);

afterAll(async () => {
  await Promise.all([...workers.keys()].map((id) => stopWorker(id, "SIGTERM")));
  for (const socket of sockets) socket.close();
  await orch?.close();
  await sim?.close();
  let cursor = "0";
  do {
    const [next, found] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
    cursor = next;
    if (found.length > 0) await redis.del(...found);
  } while (cursor !== "0");
  await redis?.quit();
  await t?.drop();
}, 60_000);

/** A socket.io client of an organization, collecting every instance event it receives. */
async function listen(tok: string): Promise<TRealtimeEnvelope[]> {
  const socket = connect(url, { auth: { token: tok }, transports: ["websocket"], forceNew: true, reconnection: false });
  sockets.push(socket);
  const events: TRealtimeEnvelope[] = [];
  for (const name of ["instance:status", "instance:qr", "instance:health"]) {
    socket.on(name, (e: TRealtimeEnvelope) => events.push(e));
  }
  await new Promise((resolve, reject) => {
    socket.once("realtime:ready", resolve);
    socket.once("connect_error", reject);
  });
  return events;
}

const post = (id: string, action: string, body?: Record<string, unknown>) =>
  api({ url }, "post", `${orgPath(a)}/${id}/${action}`, { token: tokenA, ...(body ? { body } : {}) });
const linkedDevices = (phone: string) =>
  sim
    .phone(phone)
    .devices()
    .filter((d) => !d.removed);

describe("status events", () => {
  it("creating an instance emits one instance:status event, not one per row update", async () => {
    const events = await listen(tokenA);
    const id = await createInstance("one-event");
    await waitFor(async () => (events.some((e) => e.type === "instance:qr") ? true : undefined), 20_000, "a QR");
    await new Promise((r) => setTimeout(r, 1_000));
    const statuses = events.filter(
      (e) => e.type === "instance:status" && (e.data as { instanceId: string }).instanceId === id,
    );
    expect(statuses.map((e) => (e.data as { status: string }).status)).toEqual(["pending_pairing"]);
  });
});

describe("pairing codes through the API", () => {
  it("a repeat request returns the same code and its expiry, and the first code links", async () => {
    const id = await createInstance("code-twice", { phone: "+5511967099001" });
    const first = await post(id, "pairing-code", { phone: "+5511967099001" });
    expect(first.status).toBe(200);
    expect(Date.parse(first.body.expiresAt) - Date.now()).toBeGreaterThan(60_000);
    const second = await post(id, "pairing-code", { phone: "+5511967099001" });
    expect(second.body).toEqual(first.body);
    await sim.phone("5511967099001").enterPairingCode(first.body.code);
    await waitStatus(id, "connected");
  });
});

describe("commands answer what happened", () => {
  it("stop twice: the second answer still names the status", async () => {
    const { id } = await pairByQr("stop-twice");
    expect((await post(id, "stop")).body).toMatchObject({ outcome: "stopped", status: "stopped" });
    expect((await post(id, "stop")).body).toMatchObject({ outcome: "not_running", status: "stopped" });
  });

  it("logout of a stopped instance logs out and unlinks the phone's device", async () => {
    const { id, phone } = await pairByQr("logout-stopped");
    await post(id, "stop");
    expect(linkedDevices(phone)).toHaveLength(1);
    const res = await post(id, "logout");
    expect(res.body).toMatchObject({ outcome: "logged_out", status: "logged_out", phoneUnlinked: true });
    expect(await get(id)).toMatchObject({ status: "logged_out", healthScore: null });
    const ev = (await api({ url }, "get", `${orgPath(a)}/${id}/events`, { token: tokenA })).body.items as Json[];
    expect(ev[0]).toMatchObject({ from: "stopped", to: "logged_out" });
    expect(linkedDevices(phone)).toHaveLength(0);
  });

  it("DELETE of a stopped instance unlinks the device and answers 204", async () => {
    const { id, phone } = await pairByQr("delete-stopped");
    await post(id, "stop");
    const res = await api({ url }, "delete", `${orgPath(a)}/${id}`, { token: tokenA });
    expect(res.status).toBe(204);
    expect(linkedDevices(phone)).toHaveLength(0);
    expect((await api({ url }, "get", `${orgPath(a)}/${id}`, { token: tokenA })).status).toBe(404);
  });
});

describe("the only worker dies", () => {
  it("the API stops saying connected once the heartbeat lapses, and logout says the phone keeps the device", async () => {
    const { id, phone } = await pairByQr("orphan");
    const other = await pairByQr("orphan-deleted");
    await waitStatus(id, "connected");
    expect(await get(id)).toMatchObject({ status: "connected", workerId: "w-only" });
    const killedAt = Date.now();
    await stopWorker("w-only", "SIGKILL");
    // The heartbeat vouches for WORKER_TTL_MS (5 s here): not a moment of "connected" much beyond that.
    await waitFor(async () => ((await get(id)).status !== "connected" ? true : undefined), 12_000, "not connected");
    expect(Date.now() - killedAt).toBeLessThan(8_000);
    expect(await get(id)).toMatchObject({ status: "connecting", statusReason: "worker_lost", healthScore: null });
    // Placement writes the same into the row (history, webhook), although no worker can take the instance.
    await waitFor(async () => {
      const [row] = await t.admin<{ status: string; status_reason: string | null }[]>`
        select status::text, status_reason from public.instances where id = ${id}`;
      return row?.status_reason === "worker_lost" ? true : undefined;
    }, 10_000);
    const res = await post(id, "logout");
    expect(res.body).toMatchObject({ outcome: "logged_out", status: "logged_out", phoneUnlinked: false });
    expect(await get(id)).toMatchObject({ status: "logged_out" });
    expect(linkedDevices(phone)).toHaveLength(1);
    // DELETE says so too: 200 instead of 204, with phoneUnlinked false.
    const deleted = await api({ url }, "delete", `${orgPath(a)}/${other.id}`, { token: tokenA });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ outcome: "deleted", phoneUnlinked: false });
    expect(linkedDevices(other.phone)).toHaveLength(1);
  }, 60_000);
});
