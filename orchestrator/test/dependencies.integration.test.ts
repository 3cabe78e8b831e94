import { spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { createServer } from "node:net";
import path from "node:path";
import { instanceQrKey } from "@mirage/contracts/worker-bus";
import { createOrgWithMembers, type OrgFixture } from "@mirage/testing/fixtures";
import { createTestDatabase, type TestDatabase } from "@mirage/testing/postgres";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { api, type Harness, REDIS_URL, startHarness } from "./harness.ts";
import { startTcpProxy } from "./tcp-proxy.ts";

// Dependencies going away under a running orchestrator (a proxy the test cuts), and missing at start.
let h: Harness;
let a: OrgFixture;
let redisProxy: Awaited<ReturnType<typeof startTcpProxy>>;
let pgProxy: Awaited<ReturnType<typeof startTcpProxy>>;
let instanceId: string;
const PASSWORD = "dependency-test-password";

beforeAll(async () => {
  const redisTarget = new URL(REDIS_URL);
  redisProxy = await startTcpProxy({ host: redisTarget.hostname, port: Number(redisTarget.port || 6379) });
  const pgTarget = new URL(inject("pgAdminUrl"));
  pgProxy = await startTcpProxy({ host: pgTarget.hostname, port: Number(pgTarget.port || 5432) });
  h = await startHarness(
    { REDIS_URL: `redis://127.0.0.1:${redisProxy.port}`, REDIS_COMMAND_TIMEOUT_MS: "500" },
    {
      databaseUrl: (appUrl) => {
        const u = new URL(appUrl);
        u.hostname = "127.0.0.1";
        u.port = String(pgProxy.port);
        return u.toString();
      },
    },
  );
  a = await createOrgWithMembers(h.t.admin, "deps-a");
  await h.t.admin`update auth.users set encrypted_password = extensions.crypt(${PASSWORD}, extensions.gen_salt('bf', 4))
                  where id = ${a.users.owner.id}`;
  const [inst] = await h.t.admin<{ id: string }[]>`
    insert into public.instances (org_id, name) values (${a.orgId}, 'deps-1') returning id`;
  instanceId = inst?.id ?? "";
}, 60_000);
afterAll(async () => {
  await redisProxy?.restore();
  await pgProxy?.restore();
  await h?.close();
  await redisProxy?.close();
  await pgProxy?.close();
});

/** Polls until `path` answers 200 again (each try bounded, errors are just "not yet"). */
async function recovered(path: string, token: string): Promise<number> {
  let status = 0;
  for (let i = 0; i < 100 && status !== 200; i++) {
    status = await api(h, "get", path, { token, signal: AbortSignal.timeout(3_000) })
      .then((r) => r.status)
      .catch(() => 0);
    if (status !== 200) await new Promise((r) => setTimeout(r, 100));
  }
  return status;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; out: T }> {
  const started = performance.now();
  const out = await fn();
  return { ms: performance.now() - started, out };
}

function expectUnavailable(res: { status: number; body: { code?: string }; headers: Headers }) {
  expect(res.status, JSON.stringify(res.body)).toBe(503);
  expect(res.body.code).toBe("dependency_unavailable");
  expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
}

describe("Redis cut at runtime", () => {
  it("login, instance restart and QR answer 503 dependency_unavailable with Retry-After, quickly; then recover", async () => {
    const token = await h.tokenFor(a.users.owner);
    const base = `/api/v1/orgs/${a.orgId}/instances/${instanceId}`;
    await h.redis.set(
      instanceQrKey(h.prefix, instanceId),
      JSON.stringify({
        instanceId,
        qr: "2@abc",
        dataUrl: "data:image/png;base64,AA==",
        attempt: 1,
        expiresAt: new Date(Date.now() + 60_000).toISOString(),
      }),
    );
    expect((await api(h, "get", `${base}/qr`, { token })).status).toBe(200);

    await redisProxy.cut();
    const login = await timed(() =>
      api(h, "post", "/api/v1/auth/login", { body: { email: "owner@deps-a.test", password: PASSWORD } }),
    );
    expectUnavailable(login.out);
    const restart = await timed(() => api(h, "post", `${base}/restart`, { token }));
    expectUnavailable(restart.out);
    const qr = await timed(() => api(h, "get", `${base}/qr`, { token }));
    expectUnavailable(qr.out);
    // "Quickly": well under the 3–4 s of retries a default client spends (generous for a loaded machine).
    for (const r of [login, restart, qr]) expect(r.ms).toBeLessThan(2_000);

    await redisProxy.restore();
    expect(await recovered(`${base}/qr`, token)).toBe(200);
  }, 30_000);
});

describe("Postgres cut at runtime", () => {
  it("answers 503 dependency_unavailable with Retry-After, quickly; then recovers", async () => {
    const token = await h.tokenFor(a.users.owner);
    expect((await api(h, "get", `/api/v1/orgs/${a.orgId}`, { token })).status).toBe(200);
    await pgProxy.cut();
    const org = await timed(() => api(h, "get", `/api/v1/orgs/${a.orgId}`, { token }));
    expectUnavailable(org.out);
    const login = await timed(() =>
      api(h, "post", "/api/v1/auth/login", { body: { email: "owner@deps-a.test", password: PASSWORD } }),
    );
    expectUnavailable(login.out);
    for (const r of [org, login]) expect(r.ms).toBeLessThan(2_000);
    await pgProxy.restore();
    expect(await recovered(`/api/v1/orgs/${a.orgId}`, token)).toBe(200);
  }, 30_000);
});

/** A port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", () => resolve()));
  const address = s.address();
  const port = typeof address === "object" && address ? address.port : 0;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

function run(entry: string, cwd: string, env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", "tsx", entry], {
    cwd,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { exited, stdout: () => stdout, stderr: () => stderr };
}

describe("a dependency unreachable at start", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t?.drop();
  });

  const root = path.resolve(import.meta.dirname, "../..");
  const processes = [
    { name: "orchestrator", cwd: path.join(root, "orchestrator"), entry: "src/main.ts" },
    { name: "workers", cwd: path.join(root, "workers"), entry: "src/main.ts" },
  ];
  const baseEnv = () => ({
    DATABASE_URL: t.appUrl,
    JWT_SECRET: randomBytes(32).toString("hex"),
    MIRAGE_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString("base64")}`,
    QUEUE_PREFIX: `test-start-${randomUUID().slice(0, 8)}`,
    ORCHESTRATOR_PORT: "0",
    WORKER_ID: `w-${randomUUID().slice(0, 8)}`,
    WORKER_HTTP_PORT: "0",
    MIRAGE_WA: "simulator",
    WA_SIM_URL: "ws://127.0.0.1:9/ws",
    WA_SIM_ROOT_KEY: "00".repeat(32),
    LOG_LEVEL: "info",
  });

  for (const p of processes) {
    it(`${p.name}: one clear line naming Redis and the reason, exit code 1, no unhandled error event`, async () => {
      const port = await closedPort();
      const r = run(p.entry, p.cwd, { ...baseEnv(), REDIS_URL: `redis://127.0.0.1:${port}` });
      expect(await r.exited).toBe(1);
      const lines = `${r.stdout()}${r.stderr()}`.trim().split("\n");
      expect(lines, r.stdout() + r.stderr()).toEqual([
        `${p.name}: cannot reach Redis at redis://127.0.0.1:${port}: ECONNREFUSED`,
      ]);
    }, 40_000);

    it(`${p.name}: the same for Postgres, with the password masked`, async () => {
      const port = await closedPort();
      const u = new URL(t.appUrl);
      u.port = String(port);
      const r = run(p.entry, p.cwd, { ...baseEnv(), DATABASE_URL: u.toString(), REDIS_URL });
      expect(await r.exited).toBe(1);
      const out = `${r.stdout()}${r.stderr()}`.trim();
      expect(out.split("\n")).toHaveLength(1);
      expect(out).toMatch(
        new RegExp(`^${p.name}: cannot reach Postgres at postgres://mirage_app:\\*\\*\\*@.*:${port}/.*: ECONNREFUSED$`),
      );
    }, 40_000);
  }
});
