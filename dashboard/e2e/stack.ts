/**
 * The whole Mirage stack for browser tests, started the way ./mirage start does: `@mirage/testing/e2e-stack` (wa-sim
 * in this process with its control API, a fresh migrated database, a private Redis prefix, one worker process) with
 * the orchestrator as a child process, and the dashboard's production build (standalone server). close() stops
 * everything it started.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { e2eEntryArgs } from "@mirage/testing/e2e-entry";
import { REPO_ROOT, startE2eStack, waitFor } from "@mirage/testing/e2e-stack";
import { createOrgWithMembers, type OrgFixture } from "@mirage/testing/fixtures";
import type { TestDatabase } from "@mirage/testing/postgres";
import type { Simulator } from "@mirage/wa-sim";
import type { ControlServer } from "@mirage/wa-sim/control/http-api";
import { type GoTrueStandIn, startGoTrueStandIn } from "./gotrue-stand-in";

export const PASSWORD = "e2e-password-123";

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
  execFileSync(process.execPath, [path.join(REPO_ROOT, "dashboard/scripts/build.mjs"), "--if-stale"], {
    cwd: path.join(REPO_ROOT, "dashboard"),
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
  /** More orchestrator environment, on top of the stack's (e.g. WEBHOOK_ALLOW_PRIVATE for a receiver in the test). */
  orchestratorEnv?: Record<string, string>;
};

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  buildDashboard();
  let gotrue: GoTrueStandIn | undefined;
  let auth: Record<string, string> = { AUTH_PROVIDER: "builtin" };
  const [apiPort, dashPort] = [await freePort(), await freePort()];
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const dashboardUrl = `http://127.0.0.1:${dashPort}`;
  let orchestratorEnv: NodeJS.ProcessEnv = { ...process.env };
  let orchestrator: ChildProcess | undefined;
  const spawnOrchestrator = () => {
    const child = spawn(process.execPath, e2eEntryArgs(REPO_ROOT, "orchestrator"), {
      cwd: path.join(REPO_ROOT, "orchestrator"),
      env: orchestratorEnv,
      stdio: ["ignore", "ignore", "inherit"],
    });
    child.once("exit", (code) => {
      if (code !== null && code !== 0) process.stderr.write(`orchestrator exited with ${code}\n`);
    });
    orchestrator = child;
    return child;
  };
  const stopOrchestrator = () => stopChild(orchestrator);

  // The orchestrator as ./mirage start runs it: its own process, production mode, builtin auth (or Supabase Auth
  // against the stand-in).
  const stack = await startE2eStack({
    name: "dash-e2e",
    control: true,
    orchestrator: async (ctx) => {
      if (opts.auth === "supabase") {
        gotrue = await startGoTrueStandIn({ sql: ctx.t.admin, accessTtlSeconds: opts.accessTtlSeconds ?? 3600 });
        auth = { AUTH_PROVIDER: "supabase", SUPABASE_URL: gotrue.url, SUPABASE_ANON_KEY: "stand-in-anon-key" };
      }
      orchestratorEnv = {
        ...process.env,
        ...ctx.orchestratorEnv,
        DATABASE_POOL_MAX: "4",
        LOG_LEVEL: "warn",
        NODE_ENV: "production",
        ORCHESTRATOR_HOST: "127.0.0.1",
        ORCHESTRATOR_PORT: String(apiPort),
        CORS_ORIGINS: dashboardUrl,
        AUTH_PROVIDER: auth.AUTH_PROVIDER ?? "builtin",
        ...(gotrue ? { SUPABASE_JWKS_URL: gotrue.jwksUrl } : {}),
        BCRYPT_COST: "4",
        WEBHOOK_DISPATCH_INTERVAL_MS: "500",
        LOGIN_RATE_PER_IP_PER_MINUTE: "1000",
        ...opts.orchestratorEnv,
      };
      spawnOrchestrator();
      return { url: apiUrl, close: stopOrchestrator };
    },
    workerEnv: { WORKER_HEARTBEAT_MS: "1000", NODE_ENV: "production" },
  });
  const { t, sim, prefix, redis } = stack;
  const control = stack.control as ControlServer;
  const dashboard = spawn(process.execPath, [path.join(REPO_ROOT, "dashboard/scripts/serve.mjs")], {
    cwd: path.join(REPO_ROOT, "dashboard"),
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

  const close = async () => {
    await stopChild(dashboard);
    await stack.close();
    await gotrue?.close().catch(() => undefined);
  };

  let org: OrgFixture;
  try {
    org = await createOrgWithMembers(t.admin, `dash-${prefix.slice(-8)}`);
    await t.admin`update auth.users set encrypted_password = extensions.crypt(${PASSWORD}, extensions.gen_salt('bf', 4))`;
    stack.startWorker(`${prefix}-w1`);
    await waitForUrl(`${apiUrl}/healthz`, orchestrator as ChildProcess, "orchestrator", 120_000);
    await waitForUrl(`${dashboardUrl}/sign-in`, dashboard, "dashboard", 120_000);
    await waitFor(async () => (await redis.hlen(`${prefix}:workers`)) >= 1, 120_000, "the worker registered");
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
    stopOrchestrator,
    async restartOrchestrator() {
      await waitForUrl(`${apiUrl}/healthz`, spawnOrchestrator(), "orchestrator", 120_000);
    },
    close,
  };
}

/** SIGTERM, then SIGKILL after 15 s; resolves once the child exited (at once when it is not running). */
async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(timer);
}
