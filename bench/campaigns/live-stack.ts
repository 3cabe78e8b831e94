/**
 * The live stack of the campaign benchmarks: a fresh migrated database, wa-sim in this process, the real
 * orchestrator and one real worker (src/main.ts of each) as child processes, and `senders` numbers paired by QR
 * through the API. A campaign helper creates contacts, a template and a campaign over all numbers. close() stops the
 * children (by pid), the simulator, drops the database and deletes the run's Redis keys; bench/lib.ts does the same
 * on a signal or a crash. `codeRoot` runs another checkout's orchestrator, worker and migrations (a baseline measured
 * in the same run); `sim` shares one simulator between two stacks (then `accountBase` keeps their numbers apart, and
 * the simulator is left to its owner).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import path from "node:path";
import { runMigrations } from "@mirage/db/migrate";
import { Simulator } from "@mirage/wa-sim";
import postgres from "postgres";
import { onCleanup, track } from "../lib.ts";

const root = path.resolve(import.meta.dirname, "../..");
const requireFromOrchestrator = createRequire(path.join(root, "orchestrator/package.json"));
type MiniRedis = {
  scan(cursor: string, ...args: (string | number)[]): Promise<[string, string[]]>;
  del(...keys: string[]): Promise<number>;
  quit(): Promise<unknown>;
};
const { Redis } = requireFromOrchestrator("ioredis") as { Redis: new (url: string) => MiniRedis };

const base = process.env.MIRAGE_BENCH_ADMIN_URL ?? "postgres://postgres:postgres@127.0.0.1:5432/postgres";
const appPassword = process.env.MIRAGE_TEST_APP_PASSWORD ?? "mirage-app-local";
export const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

const withDb = (url: string, db: string, user?: string, password?: string) => {
  const u = new URL(url);
  u.pathname = `/${db}`;
  if (user) u.username = user;
  if (password) u.password = password;
  return u.toString();
};
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
function signToken(secret: string, sub: string): string {
  const enc = (v: object) => Buffer.from(JSON.stringify(v)).toString("base64url");
  const head = `${enc({ alg: "HS256", typ: "JWT" })}.${enc({
    sub,
    role: "authenticated",
    aud: "authenticated",
    exp: Math.floor(Date.now() / 1000) + 3600,
  })}`;
  return `${head}.${createHmac("sha256", secret).update(head).digest("base64url")}`;
}

/** Numbers paired at once when the stack starts. */
const PAIRING_AT_ONCE = 3;

export async function waitFor<T>(fn: () => Promise<T | undefined> | T | undefined, ms: number, what: string) {
  const started = Date.now();
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() - started > ms) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export type LiveStack = Awaited<ReturnType<typeof startLiveStack>>;

export async function startLiveStack(opts: {
  senders: number;
  codeRoot?: string;
  sim?: Simulator;
  accountBase?: number;
  /** First campaign number (the contacts' phones derive from it): two stacks on one simulator use distinct people. */
  campaignBase?: number;
  /** Node options of the worker process (default: BENCH_WORKER_NODE_ARGS). */
  workerNodeArgs?: string;
}) {
  const code = opts.codeRoot ? path.resolve(opts.codeRoot) : root;
  const name = `mirage_bench_camp_${randomBytes(4).toString("hex")}`;
  const prefix = `bcamp-${randomBytes(4).toString("hex")}`;
  const workerId = "bench-camp";
  const secret = randomBytes(32).toString("base64url");
  const keys = `k1:${randomBytes(32).toString("base64")}`;
  const server = postgres(base, { max: 1, onnotice: () => {} });
  await server.unsafe(`create database ${name}`);
  const adminUrl = withDb(base, name);
  const appUrl = withDb(base, name, "mirage_app", appPassword);
  let sim: Simulator | undefined;
  const children: ChildProcess[] = [];
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    for (const c of children.reverse()) {
      if (c.exitCode === null && c.signalCode === null && c.pid) {
        const exited = new Promise((r) => c.once("exit", r));
        process.kill(c.pid, "SIGTERM");
        await exited;
      }
    }
    if (!opts.sim) await sim?.close();
    await admin.end({ timeout: 5 });
    await server.unsafe(`drop database if exists ${name} with (force)`);
    await server.end({ timeout: 5 });
    const redis = new Redis(redisUrl);
    let cursor = "0";
    do {
      const [next, found] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      cursor = next;
      if (found.length > 0) await redis.del(...found);
    } while (cursor !== "0");
    await redis.quit();
  };
  onCleanup(close);
  await runMigrations({
    adminUrl,
    migrationsDir: path.join(code, "supabase/migrations"),
    bootstrapFile: path.join(code, "supabase/bootstrap/plain-postgres.sql"),
  });
  await server.unsafe(`alter role mirage_app password '${appPassword.replace(/'/g, "''")}'`);
  const admin = postgres(adminUrl, { max: 4, onnotice: () => {} });
  const [org] = await admin<{ id: string }[]>`
    insert into public.organizations (name, slug) values ('Bench', 'bench') returning id`;
  if (!org) throw new Error("no org");
  const orgId = org.id;
  const users: Record<string, string> = {};
  for (const role of ["admin", "marketer"]) {
    const [u] = await admin<
      { id: string }[]
    >`insert into auth.users (email) values (${`${role}@bench.test`}) returning id`;
    if (!u) throw new Error("no user");
    await admin`insert into public.organization_members (org_id, user_id, role) values (${org.id}, ${u.id}, ${role})`;
    users[role] = u.id;
  }
  sim =
    opts.sim ?? (await Simulator.start({ seed: prefix, contactDefaults: { deliveryDelayMs: 30, readDelayMs: null } }));

  const common = {
    ...process.env,
    DATABASE_URL: appUrl,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    MIRAGE_ENCRYPTION_KEYS: keys,
    LOG_LEVEL: "warn",
    NODE_ENV: "production",
  };
  const port = await freePort();
  // BENCH_WORKER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the worker.
  const workerArgs = (opts.workerNodeArgs ?? process.env.BENCH_WORKER_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const spawnMain = (app: string, env: Record<string, string>) => {
    const nodeArgs = app === "workers" ? workerArgs : [];
    const child = track(
      spawn(process.execPath, [...nodeArgs, "--import", "tsx", path.join(code, `${app}/src/main.ts`)], {
        cwd: path.join(code, app),
        env: { ...common, ...env },
        stdio: ["ignore", "ignore", "inherit"],
      }),
    );
    children.push(child);
    return child;
  };
  const orchestrator = spawnMain("orchestrator", {
    ORCHESTRATOR_HOST: "127.0.0.1",
    ORCHESTRATOR_PORT: String(port),
    DATABASE_POOL_MAX: "10",
    JWT_SECRET: secret,
    REALTIME_STREAM: `${prefix}:realtime`,
    WEBHOOK_WORKER_ENABLED: "false",
    IMPORT_WORKER_ENABLED: "false",
    PLACEMENT_INTERVAL_MS: "500",
    CAMPAIGN_TICK_MS: "300",
    CAMPAIGN_PROGRESS_MS: "1000",
  });
  const worker = spawnMain("workers", {
    DATABASE_POOL_MAX: "10",
    WORKER_ID: workerId,
    WORKER_HTTP_PORT: "0",
    WORKER_HEARTBEAT_MS: "500",
    WORKER_TTL_MS: "5000",
    WORKER_RECONCILE_MS: "1000",
    RESTORE_RATE_PER_SECOND: "50",
    SEND_SWEEP_MS: "300",
    OUTREACH_SWEEP_MS: "300",
    MIRAGE_WA: "simulator",
    WA_SIM_URL: sim.url,
    WA_SIM_ROOT_KEY: sim.rootPublicKey.toString("hex"),
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    () =>
      fetch(`${url}/readyz`)
        .then((r) => (r.ok ? true : undefined))
        .catch(() => undefined),
    // A loaded machine can take minutes to start a process under tsx.
    300_000,
    "orchestrator ready",
  );
  const token = (role: string) => signToken(secret, users[role] ?? "");
  const call = async (method: string, p: string, body?: unknown, role = "marketer") => {
    const res = await fetch(`${url}/api/v1/orgs/${orgId}${p}`, {
      method,
      headers: { authorization: `Bearer ${token(role)}`, ...(body ? { "content-type": "application/json" } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    // biome-ignore lint/suspicious/noExplicitAny: a benchmark reads a few fields of known answers.
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as any };
  };

  const instances: string[] = [];
  const accounts: string[] = [];
  const pair = async (i: number) => {
    const account = `55119662${String(10_000 + (opts.accountBase ?? 0) + i).padStart(5, "0")}`;
    const created = await call("POST", "/instances", { name: `sender-${i + 1}` }, "admin");
    if (created.status !== 201) throw new Error(`instance: ${created.status} ${JSON.stringify(created.body)}`);
    const id = created.body.id as string;
    const connected = async () =>
      (await call("GET", `/instances/${id}`, undefined, "admin")).body.status === "connected" ? true : undefined;
    // A QR read on a loaded machine may have rotated before the scan lands: scan the current one again until the
    // number connects (each attempt waits a minute, five minutes in all).
    const started = Date.now();
    let scanned: string | undefined;
    for (;;) {
      const qr = await waitFor(
        async () => {
          if (await connected()) return "";
          const r = await call("GET", `/instances/${id}/qr`, undefined, "admin");
          return r.status === 200 && r.body.qr !== scanned ? (r.body.qr as string) : undefined;
        },
        300_000,
        "QR",
      );
      if (qr === "") break;
      sim.phone(account).scan(qr);
      scanned = qr;
      const ok = await waitFor(connected, 60_000, "connected").catch(() => false);
      if (ok) break;
      if (Date.now() - started > 300_000) throw new Error(`sender ${i + 1}: not connected within 300000 ms`);
    }
    instances[i] = id;
    accounts[i] = account;
  };
  // A few at a time: fifty numbers one by one would take most of a benchmark's time on a loaded machine.
  for (let i = 0; i < opts.senders; i += PAIRING_AT_ONCE) {
    await Promise.all(Array.from({ length: Math.min(PAIRING_AT_ONCE, opts.senders - i) }, (_, k) => pair(i + k)));
  }

  let seq = opts.campaignBase ?? 0;
  /** A draft campaign over every number with `recipients` new contacts; answers its id and the phones. */
  async function campaign(recipients: number, pacing: unknown): Promise<{ id: string; phones: string[] }> {
    seq++;
    const phones = Array.from({ length: recipients }, (_, i) => `+55119${seq}${String(1_000_000 + i).slice(1)}0`);
    const list = await call("POST", "/lists", { name: `bench-${seq}` });
    await admin`insert into public.contacts (org_id, phone_e164, name)
      select ${orgId}, p, 'Pessoa' from unnest(${phones}::text[]) p`;
    await admin`insert into public.contact_list_members (org_id, list_id, contact_id)
      select ${orgId}, ${list.body.id}, id from public.contacts where phone_e164 = any(${phones}::text[])`;
    const tpl = await call("POST", "/templates", {
      name: `bench-${seq}`,
      body: "Oi {{first_name|cliente}}, tudo bem?",
    });
    const c = await call("POST", "/campaigns", {
      name: `bench-${seq}`,
      templateId: tpl.body.id,
      audience: { listIds: [list.body.id] },
      senderIds: instances,
      pacing,
      caps: { perHour: 100_000, perDay: 100_000, warmup: false },
      skipHolidays: false,
    });
    if (c.status !== 201) throw new Error(`campaign: ${c.status} ${JSON.stringify(c.body)}`);
    return { id: c.body.id as string, phones };
  }

  const pids = { orchestrator: orchestrator.pid ?? 0, worker: worker.pid ?? 0 };
  return { sim, admin, name, prefix, workerId, url, call, instances, accounts, campaign, pids, close };
}

/**
 * The baseline of a side-by-side run: another checkout's stack (`codeRoot`) on the same simulator, with numbers and
 * people of its own (accounts from 1,000 on, campaigns from 4 on), so both stacks can send at once. Its worker takes
 * BENCH_BASELINE_WORKER_NODE_ARGS when set (the same code under other Node options: `--baseline .`).
 */
export function startBaselineStack(opts: { senders: number; sim: Simulator; codeRoot: string }) {
  const workerNodeArgs = process.env.BENCH_BASELINE_WORKER_NODE_ARGS;
  return startLiveStack({
    ...opts,
    accountBase: 1_000,
    campaignBase: 4,
    ...(workerNodeArgs ? { workerNodeArgs } : {}),
  });
}
