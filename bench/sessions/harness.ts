/**
 * Shared parts of the sessions benchmarks: wa-sim in its own process (sim-process.ts, over IPC), a database with N
 * instances, the QR relay (the worker publishes QR codes on Redis; the virtual phones scan them), Mirage's worker
 * as a child process, and RSS read from /proc. Every child is tracked by bench/lib.ts, so it dies with the bench.
 */
import { type ChildProcess, fork, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { workerEventsChannel, ZWorkerEvent } from "@mirage/contracts/worker-bus";
import { generateKeyRingSpec } from "@mirage/secrets";
import { Redis } from "ioredis";
import postgres from "postgres";
import { benchDatabase, onCleanup, ROOT, track } from "../lib.ts";

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resident set size of a process in MB (VmRSS). */
export function rssMb(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

export type SimProcess = {
  url: string;
  rootPublicKey: string;
  ask(msg: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** Companion sockets the simulator has logged in right now. */
  online(): Promise<number>;
  scan(phone: string, qr: string): Promise<{ deviceId: number }>;
  dropAll(phones: string[]): Promise<void>;
  child: ChildProcess;
};

export async function startSimProcess(): Promise<SimProcess> {
  const child = track(
    fork(path.join(import.meta.dirname, "sim-process.ts"), { execArgv: ["--import", "tsx"], stdio: "inherit" }),
  );
  let nextId = 1;
  const pending = new Map<number, (v: Record<string, unknown>) => void>();
  const ready = new Promise<{ url: string; rootPublicKey: string }>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`wa-sim process exited with ${code}`)));
    child.on("message", (m: Record<string, unknown>) => {
      if (m.ready) resolve(m as { url: string; rootPublicKey: string });
      const id = m.id as number | undefined;
      if (id !== undefined) {
        pending.get(id)?.(m);
        pending.delete(id);
      }
    });
  });
  const info = await ready;
  const ask = (msg: Record<string, unknown>) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, (reply) => (reply.error ? reject(new Error(String(reply.error))) : resolve(reply)));
      child.send({ ...msg, id });
    });
  return {
    ...info,
    child,
    ask,
    online: async () => ((await ask({ type: "stats" })).stats as { companionsOnline: number }).companionsOnline,
    scan: async (phone, qr) => (await ask({ type: "scan", phone, qr })) as { deviceId: number },
    dropAll: async (phones) => void (await ask({ type: "drop-all", phones })),
  };
}

/** A fresh bench database with `n` instances of one organization; ids in name order. Dropped at exit. */
export async function instancesDatabase(name: string, n: number) {
  const { adminUrl, appUrl } = await benchDatabase(name);
  const admin = postgres(adminUrl, { max: 2, onnotice: () => {} });
  onCleanup(async () => {
    await admin.end({ timeout: 5 });
    const server = postgres(new URL("/postgres", adminUrl).toString(), { max: 1, onnotice: () => {} });
    await server.unsafe(`drop database if exists ${name} with (force)`);
    await server.end();
  });
  const [org] = await admin<
    { id: string }[]
  >`insert into public.organizations (name, slug) values ('Bench', 'bench') returning id`;
  await admin`insert into public.instances (org_id, name)
              select ${org?.id ?? ""}, 'i' || lpad(n::text, 5, '0') from generate_series(1, ${n}) n`;
  const ids = (await admin<{ id: string }[]>`select id from public.instances order by name`).map((r) => r.id);
  return { adminUrl, appUrl, admin, ids };
}

/** Scans every QR the worker publishes for a known instance with that instance's virtual phone. */
export async function relayQrs(prefix: string, sim: SimProcess, phoneByInstance: Map<string, string>) {
  const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const sub = new Redis(redisUrl);
  let scans = 0;
  await sub.subscribe(workerEventsChannel(prefix));
  sub.on("message", (_channel, raw) => {
    const event = ZWorkerEvent.safeParse(JSON.parse(raw));
    if (!event.success || event.data.event !== "instance:qr") return;
    const phone = phoneByInstance.get(event.data.data.instanceId);
    if (!phone) return;
    scans++;
    void sim.scan(phone, event.data.data.qr).catch(() => {});
  });
  onCleanup(async () => {
    await sub.quit().catch(() => sub.disconnect());
    // The run's own keys only: the prefix is unique to this process.
    const redis = new Redis(redisUrl);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });
  return { scans: () => scans };
}

export type WorkerOptions = {
  appUrl: string;
  sim: SimProcess;
  workerId: string;
  prefix: string;
  capacity: number;
  pool: number;
  restoreRate: number;
};

const keyRing = generateKeyRingSpec("bench");

/** Mirage's worker (workers/src/main.ts) as its own process, in simulator mode, tracked. */
export function startWorker(o: WorkerOptions): ChildProcess {
  return track(
    spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "workers/src/main.ts")], {
      cwd: path.join(ROOT, "workers"),
      env: {
        ...process.env,
        DATABASE_URL: o.appUrl,
        DATABASE_POOL_MAX: String(o.pool),
        MIRAGE_WA: "simulator",
        WA_SIM_URL: o.sim.url,
        WA_SIM_ROOT_KEY: o.sim.rootPublicKey,
        WORKER_ID: o.workerId,
        WORKER_CAPACITY: String(o.capacity),
        WORKER_HTTP_PORT: "0",
        WORKER_RECONCILE_MS: "1000",
        RESTORE_RATE_PER_SECOND: String(o.restoreRate),
        HEALTH_INTERVAL_MS: "600000",
        MIRAGE_ENCRYPTION_KEYS: keyRing,
        QUEUE_PREFIX: o.prefix,
        LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "inherit", "inherit"],
    }),
  );
}

/** Waits until `count()` reaches `target`, sampling every 250 ms; returns the milliseconds it took. */
export async function waitFor(
  count: () => Promise<number>,
  target: number,
  timeoutMs: number,
  onSample?: (n: number, t: number) => void,
): Promise<number> {
  const t0 = performance.now();
  while (performance.now() - t0 < timeoutMs) {
    const n = await count();
    onSample?.(n, performance.now() - t0);
    if (n >= target) return performance.now() - t0;
    await sleep(250);
  }
  throw new Error(`only ${await count()} of ${target} after ${timeoutMs / 1000} s`);
}

/** Stops a child with SIGTERM and waits for it. */
export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}
