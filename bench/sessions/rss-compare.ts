/**
 * Benchmark: what Mirage's worker costs per WhatsApp session over bare Baileys. In one run, against one wa-sim
 * (its own process): N bare Baileys sockets in a process of their own (memory auth state, bare-process.ts), then N
 * instances hosted by Mirage's worker (workers/src/main.ts: Postgres-backed auth, health, heartbeat, commands).
 * For each: RSS with no session (Baileys loaded), RSS with N sessions open, and again after a reconnect storm (the
 * simulator drops every socket at once and each side reconnects). Per session = (RSS − idle RSS) / N; each RSS is
 * the median of 5 samples 1 s apart. Goal: worker/bare ≤ 1.3.
 *
 *   npx tsx bench/sessions/rss-compare.ts [N=200] [--pool 10] [--concurrency 8]
 *
 * Everything it starts (simulator, bare process, worker, database, Redis keys) is removed on exit, error or Ctrl-C.
 */
import { fork } from "node:child_process";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { assertPoolFits, BENCH_ADMIN_URL, intArg, median, shutdown, track } from "../lib.ts";
import { instancesDatabase, relayQrs, rssMb, sleep, startSimProcess, startWorker, stop, waitFor } from "./harness.ts";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { pool: { type: "string" }, concurrency: { type: "string" } },
});
const N = intArg("N", positionals[0], 200);
const pool = intArg("pool", values.pool, 10);
const concurrency = intArg("concurrency", values.concurrency, 8);
await assertPoolFits(BENCH_ADMIN_URL, pool);

const barePhone = (i: number) => `55119${String(30_000_000 + i)}`;
const workerPhone = (i: number) => `55119${String(40_000_000 + i)}`;
const sampleRss = async (pid: number | undefined) => {
  const xs: number[] = [];
  for (let i = 0; i < 5; i++) {
    xs.push(rssMb(pid));
    await sleep(1000);
  }
  return median(xs);
};
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const sim = await startSimProcess();

// ── bare Baileys ──
const bare = track(
  fork(path.join(import.meta.dirname, "bare-process.ts"), { execArgv: ["--import", "tsx"], stdio: "inherit" }),
);
let nextId = 1;
const pending = new Map<number, (m: Record<string, unknown>) => void>();
const bareReady = new Promise<void>((resolve) => {
  bare.on("message", (m: Record<string, unknown>) => {
    if (m.ready) resolve();
    const scan = m.scan as { id: number; phone: string; qr: string } | undefined;
    if (scan) {
      void sim.scan(scan.phone, scan.qr).then(({ deviceId }) => bare.send({ scanned: { id: scan.id, deviceId } }));
    }
    const id = m.id as number | undefined;
    if (id !== undefined) {
      pending.get(id)?.(m);
      pending.delete(id);
    }
  });
});
const askBare = (msg: Record<string, unknown>) =>
  new Promise<Record<string, unknown>>((resolve, reject) => {
    const id = nextId++;
    pending.set(id, (r) => (r.error ? reject(new Error(String(r.error))) : resolve(r)));
    bare.send({ ...msg, id });
  });
const bareOnline = async () => Number((await askBare({ type: "online" })).online);
await bareReady;
await sleep(4000);
const bareIdle = await sampleRss(bare.pid);

let t0 = performance.now();
await askBare({
  type: "pair",
  url: sim.url,
  rootPublicKey: sim.rootPublicKey,
  phones: Array.from({ length: N }, (_, i) => barePhone(i)),
  concurrency,
});
const barePairMs = performance.now() - t0;
await sleep(3000);
const barePaired = await sampleRss(bare.pid);

t0 = performance.now();
await sim.dropAll(Array.from({ length: N }, (_, i) => barePhone(i)));
await waitFor(async () => N - (await bareOnline()), Math.ceil(N / 2), 30_000);
await waitFor(bareOnline, N, 300_000);
const bareStormMs = performance.now() - t0;
await sleep(5000);
const bareStorm = await sampleRss(bare.pid);
await askBare({ type: "close" });
await stop(bare);
await waitFor(async () => N - (await sim.online()), N, 60_000);

// ── Mirage's worker ──
const workerId = `rss-${process.pid}`;
const prefix = `bench-rss-${process.pid}`;
const { admin, appUrl, ids } = await instancesDatabase("mirage_bench_rss", N);
const qr = await relayQrs(prefix, sim, new Map(ids.map((id, i) => [id, workerPhone(i)])));
const worker = startWorker({ appUrl, sim, workerId, prefix, capacity: N, pool, restoreRate: 50 });
await sleep(4000);
const workerIdle = await sampleRss(worker.pid);

t0 = performance.now();
await admin`update public.instances set worker_id = ${workerId}, epoch = 1`;
await waitFor(sim.online, N, 900_000);
const workerPairMs = performance.now() - t0;
await sleep(3000);
const workerPaired = await sampleRss(worker.pid);

t0 = performance.now();
await sim.dropAll(ids.map((_, i) => workerPhone(i)));
await waitFor(async () => N - (await sim.online()), Math.ceil(N / 2), 30_000);
await waitFor(sim.online, N, 300_000);
const workerStormMs = performance.now() - t0;
await sleep(5000);
const workerStorm = await sampleRss(worker.pid);

const per = (rss: number, idle: number) => (rss - idle) / N;
const row = (label: string, b: string, w: string, ratio = "") =>
  console.log(`${label.padEnd(30)}${b.padStart(14)}${w.padStart(16)}${ratio.padStart(10)}`);
const mb = (v: number, digits = 0) => `${v.toFixed(digits)} MB`;
const bp = per(barePaired, bareIdle);
const wp = per(workerPaired, workerIdle);
const bs = per(bareStorm, bareIdle);
const ws = per(workerStorm, workerIdle);
console.log(
  `\n${N} sessions against one wa-sim (same run); RSS = median of 5 samples; ${qr.scans()} QR scans by the worker`,
);
row("", "bare Baileys", "Mirage worker", "ratio");
row("RSS idle (Baileys loaded)", mb(bareIdle), mb(workerIdle));
row(`RSS with ${N} open`, mb(barePaired), mb(workerPaired));
row("per session", mb(bp, 2), mb(wp, 2), `${(wp / bp).toFixed(2)}×`);
row("RSS after a reconnect storm", mb(bareStorm), mb(workerStorm));
row("per session after the storm", mb(bs, 2), mb(ws, 2), `${(ws / bs).toFixed(2)}×`);
row("pairing time", secs(barePairMs), secs(workerPairMs));
row("storm: all back online after", secs(bareStormMs), secs(workerStormMs));
console.log("goal: per-session ratio ≤ 1.3×");
await shutdown(0);
