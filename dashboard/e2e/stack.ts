/**
 * The whole Mirage stack for browser tests, started the way ./mirage start does: wa-sim (in this process, with its
 * control API), the orchestrator and one worker as child processes on a fresh migrated database and a private Redis
 * prefix, and the dashboard's production build (standalone server). close() stops everything it started.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { createServer } from "node:net";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { createOrgWithMembers, type OrgFixture } from "@mirage/testing/fixtures";
import { createTestDatabase, type TestDatabase } from "@mirage/testing/postgres";
import { Simulator } from "@mirage/wa-sim";
import { type ControlServer, startControlServer } from "@mirage/wa-sim/control/http-api";
import { Redis } from "ioredis";
import { type GoTrueStandIn, startGoTrueStandIn } from "./gotrue-stand-in";

export const PASSWORD = "e2e-password-123";
const root = path.resolve(import.meta.dirname, "../..");
const REDIS_URL = process.env.MIRAGE_TEST_REDIS_URL ?? process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

export type Stack = {
  t: TestDatabase;
  org: OrgFixture;
  sim: Simulator;
  control: ControlServer;
  apiUrl: string;
  dashboardUrl: string;
  email: (role: keyof OrgFixture["users"]) => string;
  /** Supabase Auth mode only: the GoTrue stand-in the dashboard and the orchestrator use. */
  gotrue?: GoTrueStandIn;
  /** Stops the orchestrator (SIGTERM) and resolves once it exited; restartOrchestrator() brings it back. */
  stopOrchestrator(): Promise<void>;
  restartOrchestrator(): Promise<void>;
  close(): Promise<void>;
};

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForUrl(url: string, child: ChildProcess, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode}`);
    const ok = await fetch(url, { signal: AbortSignal.timeout(3_000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await sleep(250);
  }
  throw new Error(`${what} not ready within ${timeoutMs} ms (${url})`);
}

/** Builds the dashboard when its sources changed since the last build (a no-op otherwise). */
export function buildDashboard(): void {
  execFileSync(process.execPath, [path.join(root, "dashboard/scripts/build.mjs"), "--if-stale"], {
    cwd: path.join(root, "dashboard"),
    stdio: ["ignore", "inherit", "inherit"],
  });
}

export type StackOptions = {
  /**
   * "supabase": the dashboard signs in through supabase-js against a GoTrue stand-in (GoTrue cannot run here) and the
   * orchestrator verifies its tokens by JWKS. Default "builtin".
   */
  auth?: "builtin" | "supabase";
  /** Supabase mode: the stand-in's access-token lifetime (the dashboard's access cookie lives 10 s less). */
  accessTtlSeconds?: number;
};

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  buildDashboard();
  const children: ChildProcess[] = [];
  const prefix = `dash-e2e-${randomUUID().slice(0, 8)}`;
  const t = await createTestDatabase();
  const org = await createOrgWithMembers(t.admin, `dash-${prefix.slice(-8)}`);
  await t.admin`update auth.users set encrypted_password = extensions.crypt(${PASSWORD}, extensions.gen_salt('bf', 4))`;
  const gotrue =
    opts.auth === "supabase"
      ? await startGoTrueStandIn({ sql: t.admin, accessTtlSeconds: opts.accessTtlSeconds ?? 3600 })
      : undefined;
  const auth: Record<string, string> = gotrue
    ? { AUTH_PROVIDER: "supabase", SUPABASE_URL: gotrue.url, SUPABASE_ANON_KEY: "stand-in-anon-key" }
    : { AUTH_PROVIDER: "builtin" };
  const sim = await Simulator.start({ seed: prefix });
  const control = await startControlServer(sim, { port: 0 });
  const [apiPort, dashPort] = [await freePort(), await freePort()];
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const dashboardUrl = `http://127.0.0.1:${dashPort}`;
  const keys = `k1:${randomBytes(32).toString("base64")}`;
  const common: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: t.appUrl,
    DATABASE_POOL_MAX: "4",
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    MIRAGE_ENCRYPTION_KEYS: keys,
    LOG_LEVEL: "warn",
    NODE_ENV: "production",
  };
  const tsx = (entry: string, env: NodeJS.ProcessEnv, name: string) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(root, entry)], {
      cwd: path.join(root, entry.split("/")[0] ?? ""),
      env,
      stdio: ["ignore", "ignore", "inherit"],
    });
    child.once("exit", (code) => {
      if (code !== null && code !== 0) process.stderr.write(`${name} exited with ${code}\n`);
    });
    children.push(child);
    return child;
  };
  const orchestratorEnv: NodeJS.ProcessEnv = {
    ...common,
    ORCHESTRATOR_HOST: "127.0.0.1",
    ORCHESTRATOR_PORT: String(apiPort),
    CORS_ORIGINS: dashboardUrl,
    JWT_SECRET: randomBytes(32).toString("hex"),
    AUTH_PROVIDER: auth.AUTH_PROVIDER,
    ...(gotrue ? { SUPABASE_JWKS_URL: gotrue.jwksUrl } : {}),
    REALTIME_STREAM: `${prefix}:realtime`,
    BCRYPT_COST: "4",
    PLACEMENT_INTERVAL_MS: "500",
    WEBHOOK_DISPATCH_INTERVAL_MS: "500",
    LOGIN_RATE_PER_IP_PER_MINUTE: "1000",
  };
  let orchestrator = tsx("orchestrator/src/main.ts", orchestratorEnv, "orchestrator");
  tsx(
    "workers/src/main.ts",
    {
      ...common,
      WORKER_ID: `${prefix}-w1`,
      WORKER_HTTP_PORT: "0",
      WORKER_HEARTBEAT_MS: "1000",
      WORKER_TTL_MS: "5000",
      WORKER_RECONCILE_MS: "1000",
      MIRAGE_WA: "simulator",
      WA_SIM_URL: sim.url,
      WA_SIM_ROOT_KEY: sim.rootPublicKey.toString("hex"),
    },
    "worker",
  );
  const dashboard = spawn(process.execPath, [path.join(root, "dashboard/scripts/serve.mjs")], {
    cwd: path.join(root, "dashboard"),
    env: {
      ...process.env,
      DASHBOARD_HOST: "127.0.0.1",
      DASHBOARD_PORT: String(dashPort),
      MIRAGE_API_URL: apiUrl,
      DASHBOARD_WA_SIM_CONTROL_URL: control.url,
      ...auth,
      DASHBOARD_SECURE_COOKIES: "false",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  children.push(dashboard);
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 3 });

  const close = async () => {
    for (const child of [...children].reverse()) {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    }
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            const timer = setTimeout(() => {
              c.kill("SIGKILL");
              resolve();
            }, 15_000);
            c.once("exit", () => {
              clearTimeout(timer);
              resolve();
            });
          }),
      ),
    );
    await control.close().catch(() => undefined);
    await gotrue?.close().catch(() => undefined);
    await sim.close().catch(() => undefined);
    let cursor = "0";
    do {
      const [next, found] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      cursor = next;
      if (found.length > 0) await redis.del(...found);
    } while (cursor !== "0");
    await redis.quit();
    await t.drop();
  };

  try {
    await waitForUrl(`${apiUrl}/healthz`, orchestrator, "orchestrator", 120_000);
    await waitForUrl(`${dashboardUrl}/sign-in`, dashboard, "dashboard", 120_000);
    const deadline = Date.now() + 120_000;
    while ((await redis.hlen(`${prefix}:workers`)) < 1) {
      if (Date.now() > deadline) throw new Error("the worker did not register within 120 s");
      await sleep(250);
    }
  } catch (err) {
    await close();
    throw err;
  }
  return {
    t,
    org,
    sim,
    control,
    apiUrl,
    dashboardUrl,
    email: (role) => org.users[role].claims.email,
    ...(gotrue ? { gotrue } : {}),
    async stopOrchestrator() {
      const exited = new Promise((resolve) => orchestrator.once("exit", resolve));
      orchestrator.kill("SIGTERM");
      await exited;
    },
    async restartOrchestrator() {
      orchestrator = tsx("orchestrator/src/main.ts", orchestratorEnv, "orchestrator");
      await waitForUrl(`${apiUrl}/healthz`, orchestrator, "orchestrator", 120_000);
    },
    close,
  };
}
