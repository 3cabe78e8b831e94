/**
 * Benchmark: N instances (default 500) on one worker process against wa-sim (in its own process).
 *  - pairing: every instance paired by QR through the worker (throughput);
 *  - RSS per instance of the worker process (goal < 10 MB);
 *  - restart: time for all N to be connected again after a worker restart, staggered (goal < 120 s);
 *  - storm: wa-sim drops all N sockets at once; recovery time and peak reconnect rate.
 *
 *   npx tsx bench/sessions/worker-500.ts [N] [--restore-rate 10] [--pool 10]
 */
import { type ChildProcess, fork, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { workerEventsChannel, ZWorkerEvent } from "@mirage/contracts/worker-bus";
import { generateKeyRingSpec } from "@mirage/secrets";
import { Redis } from "ioredis";
import postgres from "postgres";
import { benchDatabase, ROOT as root } from "../lib.ts";

const argv = process.argv.slice(2);
const N = Number(argv.find((a) => /^\d+$/.test(a)) ?? 500);
const restoreRate = Number(argv[argv.indexOf("--restore-rate") + 1]) || 10;
const poolMax = Number(argv[argv.indexOf("--pool") + 1]) || 10;
const DB = "mirage_bench_sessions";
const WORKER_ID = `bench-${process.pid}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const phoneOf = (i: number) => `55119${String(10_000_000 + i)}`;

// ── simulator process ──
const sim = fork(path.join(import.meta.dirname, "sim-process.ts"), { execArgv: ["--import", "tsx"], stdio: "inherit" });
let nextId = 1;
const pending = new Map<number, (v: Record<string, unknown>) => void>();
let simInfo: { url: string; rootPublicKey: string } | undefined;
sim.on("message", (m: Record<string, unknown>) => {
  if (m.ready) simInfo = m as { url: string; rootPublicKey: string };
  const id = m.id as number | undefined;
  if (id !== undefined) pending.get(id)?.(m);
});
const ask = (msg: Record<string, unknown>) =>
  new Promise<Record<string, unknown>>((resolve) => {
    const id = nextId++;
    pending.set(id, resolve);
    sim.send({ ...msg, id });
  });
while (!simInfo) await sleep(50);
const online = async () => ((await ask({ type: "stats" })).stats as { companionsOnline: number }).companionsOnline;

// ── database ──
const { adminUrl, appUrl } = await benchDatabase(DB);
const admin = postgres(adminUrl, { max: 2, onnotice: () => {} });
const [org] = await admin<
  { id: string }[]
>`insert into public.organizations (name, slug) values ('Bench', 'bench') returning id`;
await admin`insert into public.instances (org_id, name) select ${org?.id ?? ""}, 'i' || n from generate_series(1, ${N}) n`;
const ids = (await admin<{ id: string; name: string }[]>`select id, name from public.instances order by name`).map(
  (r) => r.id,
);

// ── QR events → the virtual phones scan ──
const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
const sub = redis.duplicate();
const phoneByInstance = new Map(ids.map((id, i) => [id, phoneOf(i)]));
await sub.subscribe(workerEventsChannel(`bench-${process.pid}`));
let scans = 0;
sub.on("message", (_channel, raw) => {
  const event = ZWorkerEvent.safeParse(JSON.parse(raw));
  if (!event.success || event.data.event !== "instance:qr") return;
  const phone = phoneByInstance.get(event.data.data.instanceId);
  if (!phone) return;
  scans++;
  void ask({ type: "scan", phone, qr: event.data.data.qr });
});

// ── worker process ──
const keys = generateKeyRingSpec("bench");
function startWorker(): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "workers/src/main.ts")], {
    cwd: path.join(root, "workers"),
    env: {
      ...process.env,
      DATABASE_URL: appUrl,
      DATABASE_POOL_MAX: String(poolMax),
      MIRAGE_WA: "simulator",
      WA_SIM_URL: simInfo?.url,
      WA_SIM_ROOT_KEY: simInfo?.rootPublicKey,
      WORKER_ID,
      WORKER_CAPACITY: String(N),
      WORKER_HTTP_PORT: "0",
      WORKER_RECONCILE_MS: "1000",
      RESTORE_RATE_PER_SECOND: String(restoreRate),
      HEALTH_INTERVAL_MS: "600000",
      MIRAGE_ENCRYPTION_KEYS: keys,
      QUEUE_PREFIX: `bench-${process.pid}`,
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  return child;
}
const rssMb = (pid: number | undefined) => {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
};
async function waitOnline(
  target: number,
  timeoutMs: number,
  onSample?: (n: number, t: number) => void,
): Promise<number> {
  const t0 = performance.now();
  while (performance.now() - t0 < timeoutMs) {
    const n = await online();
    onSample?.(n, performance.now() - t0);
    if (n >= target) return performance.now() - t0;
    await sleep(250);
  }
  throw new Error(`only ${await online()} of ${target} online after ${timeoutMs / 1000}s`);
}

let worker = startWorker();
await sleep(4000);
const baseline = rssMb(worker.pid);
console.log(`worker baseline RSS ${baseline.toFixed(0)} MB (Baileys loaded, no instance)`);

// Phase A: pairing
await admin`update public.instances set worker_id = ${WORKER_ID}, epoch = 1`;
const pairMs = await waitOnline(N, 900_000);
await sleep(3000);
const [connected] = await admin<
  { n: number }[]
>`select count(*)::int as n from public.instances where status = 'connected'`;
const rss = rssMb(worker.pid);
console.log(
  `pairing: ${N} instances connected in ${(pairMs / 1000).toFixed(1)} s (${((N * 1000) / pairMs).toFixed(1)}/s, ${scans} QR scans, ${connected?.n} connected in Postgres)`,
);
console.log(`worker RSS ${rss.toFixed(0)} MB → ${((rss - baseline) / N).toFixed(2)} MB per instance (goal < 10 MB)`);

// Phase B: restart
worker.kill("SIGTERM");
await new Promise((r) => worker.once("exit", r));
await sleep(500);
const tRestart = performance.now();
worker = startWorker();
const restoreMs = await waitOnline(N, 300_000);
console.log(
  `restart: all ${N} connected ${(restoreMs / 1000).toFixed(1)} s after the worker started (restore rate ${restoreRate}/s; goal < 120 s); ${((performance.now() - tRestart) / 1000).toFixed(1)} s incl. process start`,
);

// Phase C: drop every socket at once
await sleep(2000);
const samples: { n: number; t: number }[] = [];
const tDrop = performance.now();
await ask({ type: "drop-all", phones: ids.map((_, i) => phoneOf(i)) });
let low = N;
while (performance.now() - tDrop < 10_000) {
  low = Math.min(low, await online());
  if (low < N / 2) break;
  await sleep(20);
}
console.log(`storm: ${N - low} of ${N} sockets seen down`);
const recoverMs = await waitOnline(N, 300_000, (n, t) => samples.push({ n, t }));
let peak = 0;
for (let i = 1; i < samples.length; i++) {
  const a = samples[i - 1];
  const b = samples[i];
  if (a && b && b.t > a.t) peak = Math.max(peak, ((b.n - a.n) * 1000) / (b.t - a.t));
}
const totalRecover = performance.now() - tDrop;
console.log(
  `storm: all ${N} dropped at once, all reconnected ${(totalRecover / 1000).toFixed(1)} s after the drop; peak reconnect rate ${peak.toFixed(0)}/s`,
);
void recoverMs;
// The sockets are back; how long until Postgres (what the API and dashboard show) says so for all of them?
let statuses: { status: string; n: number }[] = [];
while (performance.now() - tDrop < 180_000) {
  statuses = await admin<{ status: string; n: number }[]>`
    select status::text, count(*)::int as n from public.instances group by 1 order by 1`;
  if (statuses.length === 1 && statuses[0]?.status === "connected") break;
  await sleep(250);
}
console.log(
  `storm: Postgres shows ${statuses.map((r) => `${r.n} ${r.status}`).join(", ")} ${((performance.now() - tDrop) / 1000).toFixed(1)} s after the drop`,
);
console.log(
  `worker RSS after the storm ${rssMb(worker.pid).toFixed(0)} MB; simulator RSS ${(Number((await ask({ type: "stats" })).rss) / 1048576).toFixed(0)} MB`,
);

worker.kill("SIGTERM");
await new Promise((r) => worker.once("exit", r));
sim.disconnect();
await sub.quit();
await redis.quit();
await admin.end();
process.exit(0);
