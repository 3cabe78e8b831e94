/**
 * The stack Mirage's end-to-end tests run against: a fresh migrated database, wa-sim in this process (optionally
 * with its control API), the shared Redis under a private key prefix, an orchestrator (started by the caller: in this
 * process for the API tests, as a child process for the browser tests) and real worker processes hosting real
 * Baileys sockets. Nothing mocked. `close()` stops and removes everything the stack started.
 *
 * Also the helpers every such test needs: polling waits with a timeout (`waiter`, `waitFor`), pairing a virtual
 * phone through the API only (`pairByQr`), realtime listeners (`stack.listen`) and signed user tokens
 * (`stack.token`).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import path from "node:path";
import type { TRealtimeEnvelope } from "@mirage/contracts/realtime";
import { createLogger } from "@mirage/logger";
import { Simulator, type SimulatorOptions } from "@mirage/wa-sim";
import { type ControlServer, startControlServer } from "@mirage/wa-sim/control/http-api";
import { Redis } from "ioredis";
import { SignJWT } from "jose";
import { io as connect, type Socket } from "socket.io-client";
import { e2eEntryArgs } from "./e2e-entry.ts";
import { createOrgWithMembers, type OrgFixture } from "./fixtures.ts";
import { createTestDatabase, type TestDatabase } from "./postgres.ts";

/** The repository root: worker and orchestrator entry points are spawned from it. */
export const REPO_ROOT = path.resolve(import.meta.dirname, "../../..");
export const E2E_REDIS_URL = process.env.MIRAGE_TEST_REDIS_URL ?? process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
/**
 * `E2E_LOG=1` lets the processes' logs through (worker stdout, orchestrator errors, wa-sim's own) when a run needs
 * debugging.
 */
export const E2E_LOG = process.env.E2E_LOG === "1";

/** What the stack hands the orchestrator starter, and keeps for the test. */
export type E2eContext = {
  /** `<name>-<8 hex>`: Redis keys, queues and the realtime stream live under it; also wa-sim's seed. */
  prefix: string;
  t: TestDatabase;
  sim: Simulator;
  /** The stack's own Redis client (`maxRetriesPerRequest: 3`, as main.ts uses it); an in-process orchestrator may share it. */
  redis: Redis;
  /** `MIRAGE_ENCRYPTION_KEYS` of every process of the stack (one fresh key). */
  keys: string;
  /** HS256 secret the orchestrator verifies and `token()` signs with. */
  jwtSecret: string;
  /**
   * The orchestrator's environment: database, Redis, prefix, keys, JWT secret, realtime stream, a 500 ms placement
   * interval and silent logs, with the caller's `orchestratorEnv` on top.
   */
  orchestratorEnv: Record<string, string>;
};

export type E2eOrchestrator = { url: string; close(): Promise<void> };

export type E2eStackOptions = {
  /** Head of the prefix (e.g. `msg` → `msg-1a2b3c4d`). */
  name: string;
  /** Organization slugs, each created with one member per role (`stack.orgs` in this order). */
  orgs?: string[];
  /** Simulator options besides the seed (contact defaults, …). */
  sim?: Omit<SimulatorOptions, "seed">;
  /** Also start wa-sim's control API (`stack.control`). */
  control?: boolean;
  /** Variables added to (or overriding) the orchestrator's environment. */
  orchestratorEnv?: Record<string, string>;
  /** Starts the orchestrator against the stack; called once, after the database, Redis and wa-sim are up. */
  orchestrator: (ctx: E2eContext) => Promise<E2eOrchestrator>;
  /** Worker ids started before `startE2eStack` resolves; it waits until all of them registered. */
  workers?: string[];
  /** Variables added to (or overriding) every worker's environment. */
  workerEnv?: Record<string, string>;
  /** How long the workers may take to register (ms, default 120 000: tsx loading Baileys on a loaded machine). */
  workersReadyMs?: number;
};

export type E2eStack = E2eContext & {
  orgs: OrgFixture[];
  control: ControlServer | undefined;
  orchestrator: E2eOrchestrator;
  /** The orchestrator's base URL. */
  url: string;
  /** Worker processes by id (the latest one started under each id). */
  workers: Map<string, ChildProcess>;
  /** A Supabase-shaped access token for `user`, signed with the stack's secret (default lifetime 30 min). */
  token(user: { id: string; claims: { email: string } }, expiresIn?: string): Promise<string>;
  /**
   * Spawns the worker (`workers/src/main.ts`, bundled: ./e2e-entry.ts) as worker `id` (extra variables on top of the
   * stack's worker environment).
   */
  startWorker(id: string, env?: Record<string, string>): ChildProcess;
  /** Sends `signal` to worker `id` and resolves once it exited (at once when it is not running). */
  stopWorker(id: string, signal?: NodeJS.Signals): Promise<void>;
  /** A socket.io client of the token's organization, collecting every event named in `events`; closed by close(). */
  listen(token: string, events: string[]): Promise<TRealtimeEnvelope[]>;
  close(): Promise<void>;
};

/**
 * Starts the whole stack (see the file's docstring). Throws when a part does not come up; what was started by then
 * is stopped and removed first.
 */
export async function startE2eStack(options: E2eStackOptions): Promise<E2eStack> {
  const prefix = `${options.name}-${randomUUID().slice(0, 8)}`;
  const keys = `k1:${randomBytes(32).toString("base64")}`;
  const jwtSecret = randomBytes(32).toString("hex");
  const workers = new Map<string, ChildProcess>();
  const sockets: Socket[] = [];
  let t: TestDatabase | undefined;
  let sim: Simulator | undefined;
  let control: ControlServer | undefined;
  let orchestrator: E2eOrchestrator | undefined;
  // Options as main.ts uses them: BullMQ's blocking connections must not inherit them.
  const redis = new Redis(E2E_REDIS_URL, { maxRetriesPerRequest: 3 });

  const stopWorker = async (id: string, signal: NodeJS.Signals = "SIGTERM") => {
    const child = workers.get(id);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill(signal);
    await exited;
  };

  const close = async () => {
    // A worker that does not stop within 15 s (a loaded machine, a stuck shutdown) is killed: close() must return.
    const kill = setTimeout(() => {
      for (const child of workers.values())
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }, 15_000);
    await Promise.all([...workers.keys()].map((id) => stopWorker(id, "SIGTERM")));
    clearTimeout(kill);
    for (const socket of sockets) socket.close();
    await orchestrator?.close();
    await control?.close().catch(() => undefined);
    await sim?.close();
    let cursor = "0";
    do {
      const [next, found] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      cursor = next;
      if (found.length > 0) await redis.del(...found);
    } while (cursor !== "0");
    await redis.quit();
    await t?.drop();
  };

  try {
    t = await createTestDatabase();
    const db = t;
    const orgs: OrgFixture[] = [];
    for (const slug of options.orgs ?? []) orgs.push(await createOrgWithMembers(db.admin, slug));
    const simulator = await Simulator.start({
      ...(E2E_LOG ? { logger: createLogger({ service: "wa-sim", level: "info" }) } : {}),
      ...options.sim,
      seed: prefix,
    });
    sim = simulator;
    if (options.control) control = await startControlServer(simulator, { host: "127.0.0.1", port: 0 });
    const shared = {
      DATABASE_URL: db.appUrl,
      REDIS_URL: E2E_REDIS_URL,
      QUEUE_PREFIX: prefix,
      MIRAGE_ENCRYPTION_KEYS: keys,
    };
    const ctx: E2eContext = {
      prefix,
      t: db,
      sim: simulator,
      redis,
      keys,
      jwtSecret,
      orchestratorEnv: {
        ...shared,
        LOG_LEVEL: "silent",
        JWT_SECRET: jwtSecret,
        REALTIME_STREAM: `${prefix}:realtime`,
        PLACEMENT_INTERVAL_MS: "500",
        ...options.orchestratorEnv,
      },
    };
    orchestrator = await options.orchestrator(ctx);
    const url = orchestrator.url;

    const startWorker = (id: string, env: Record<string, string> = {}) => {
      const child = spawn(process.execPath, e2eEntryArgs(REPO_ROOT, "workers"), {
        cwd: path.join(REPO_ROOT, "workers"),
        env: {
          ...process.env,
          ...shared,
          DATABASE_POOL_MAX: "4",
          WORKER_ID: id,
          WORKER_HTTP_PORT: "0",
          WORKER_HEARTBEAT_MS: "500",
          // A heartbeat a loaded 2-core machine keeps: a lapse would (rightly) show the instances worker_lost.
          WORKER_TTL_MS: "5000",
          WORKER_RECONCILE_MS: "1000",
          RESTORE_RATE_PER_SECOND: "50",
          MIRAGE_WA: "simulator",
          WA_SIM_URL: simulator.url,
          WA_SIM_ROOT_KEY: simulator.rootPublicKey.toString("hex"),
          LOG_LEVEL: "warn",
          ...options.workerEnv,
          ...env,
        },
        stdio: ["ignore", E2E_LOG ? "inherit" : "ignore", "inherit"],
      });
      workers.set(id, child);
      return child;
    };

    const stack: E2eStack = {
      ...ctx,
      orgs,
      control,
      orchestrator,
      url,
      workers,
      token: (user, expiresIn = "30m") =>
        new SignJWT({ role: "authenticated", email: user.claims.email })
          .setProtectedHeader({ alg: "HS256" })
          .setSubject(user.id)
          .setAudience("authenticated")
          .setIssuedAt()
          .setExpirationTime(expiresIn)
          .sign(new TextEncoder().encode(jwtSecret)),
      startWorker,
      stopWorker,
      async listen(token, events) {
        const socket = connect(url, {
          auth: { token },
          transports: ["websocket"],
          forceNew: true,
          reconnection: false,
        });
        sockets.push(socket);
        const seen: TRealtimeEnvelope[] = [];
        for (const name of events) socket.on(name, (e: TRealtimeEnvelope) => seen.push(e));
        await new Promise((resolve, reject) => {
          socket.once("realtime:ready", resolve);
          socket.once("connect_error", reject);
        });
        return seen;
      },
      close,
    };
    const ids = options.workers ?? [];
    for (const id of ids) startWorker(id);
    if (ids.length > 0) {
      await waitFor(
        async () => (await redis.hlen(`${prefix}:workers`)) >= ids.length,
        options.workersReadyMs ?? 120_000,
        ids.length === 1 ? "the worker" : `${ids.length} workers`,
      );
    }
    return stack;
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
}

/** A polling wait: resolves with the first value of `fn` that is neither undefined nor false. */
export type WaitFor = <T>(
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs?: number,
  what?: string,
) => Promise<T>;

/**
 * Polls `fn` every 100 ms until it answers something other than undefined or false, and resolves with that; throws
 * `<what> not met within <timeoutMs> ms` after `timeoutMs` (default 30 s).
 */
export const waitFor: WaitFor = async (fn, timeoutMs = 30_000, what = "condition") => {
  const started = Date.now();
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() - started > timeoutMs) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

/** `waitFor` with another default timeout (ms): each suite sizes its waits to what it waits on. */
export function waiter(defaultTimeoutMs: number): WaitFor {
  return (fn, timeoutMs = defaultTimeoutMs, what) => waitFor(fn, timeoutMs, what);
}

/** JSON GET/POST against the stack's API with a bearer token; answers the status and the parsed body. */
async function call(url: string, method: string, p: string, token: string, body?: unknown) {
  const res = await fetch(`${url}${p}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/**
 * Pairs a virtual phone through the API only, as a user would: creates instance `name` in `org` (unless `id` names
 * an existing one), waits for the QR the worker produced, lets `phone` (digits, e.g. `5511966000001`) scan it and
 * waits until the instance is connected. `token` must be allowed to manage instances. Answers the instance id.
 * Throws when the instance cannot be created or a wait runs out (`timeoutMs` each, default 60 s).
 */
export async function pairByQr(
  stack: Pick<E2eStack, "url" | "sim">,
  opts: { org: OrgFixture; token: string; phone: string; name?: string; id?: string; timeoutMs?: number },
): Promise<string> {
  const base = `/api/v1/orgs/${opts.org.orgId}/instances`;
  const timeoutMs = opts.timeoutMs ?? 60_000;
  let id = opts.id;
  if (id === undefined) {
    const created = await call(stack.url, "POST", base, opts.token, { name: opts.name ?? `paired-${opts.phone}` });
    if (created.status !== 201) throw new Error(`creating instance ${opts.name}: ${created.status}`);
    id = created.body.id as string;
  }
  const qr = await waitFor(
    async () => {
      const r = await call(stack.url, "GET", `${base}/${id}/qr`, opts.token);
      return r.status === 200 ? (r.body.qr as string) : undefined;
    },
    timeoutMs,
    "a QR code",
  );
  stack.sim.phone(opts.phone).scan(qr);
  await waitFor(
    async () => (await call(stack.url, "GET", `${base}/${id}`, opts.token)).body.status === "connected",
    timeoutMs,
    `instance ${id} connected`,
  );
  return id;
}
