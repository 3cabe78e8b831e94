/**
 * Benchmark: N instances (default 500) on one worker process against wa-sim (in its own process).
 *  - pairing: every instance paired by QR through the worker (throughput);
 *  - RSS per instance of the worker process (goal < 10 MB);
 *  - restart: time for all N to be connected again after a worker restart, staggered (goal < 120 s);
 *  - storm: wa-sim drops all N sockets at once; recovery time and peak reconnect rate.
 *
 *   npx tsx bench/sessions/worker-500.ts [N=500] [--restore-rate 10] [--pool 10]
 *
 * The pool is checked against the server's free connections before anything starts; the worker, the simulator,
 * the database and the run's Redis keys are removed on exit, on an error and on Ctrl-C.
 */
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { assertPoolFits, BENCH_ADMIN_URL, intArg, shutdown } from "../lib.ts";
import { instancesDatabase, relayQrs, rssMb, sleep, startSimProcess, startWorker, stop, waitFor } from "./harness.ts";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { "restore-rate": { type: "string" }, pool: { type: "string" } },
});
const N = intArg("N", positionals[0], 500);
const restoreRate = intArg("restore-rate", values["restore-rate"], 10);
const poolMax = intArg("pool", values.pool, 10);
await assertPoolFits(BENCH_ADMIN_URL, poolMax);
const DB = "mirage_bench_sessions";
const WORKER_ID = `bench-${process.pid}`;
const PREFIX = `bench-${process.pid}`;
const phoneOf = (i: number) => `55119${String(10_000_000 + i)}`;

const sim = await startSimProcess();
const online = sim.online;
const { admin, appUrl, ids } = await instancesDatabase(DB, N);
const qr = await relayQrs(PREFIX, sim, new Map(ids.map((id, i) => [id, phoneOf(i)])));
const startWorkerProcess = () =>
  startWorker({ appUrl, sim, workerId: WORKER_ID, prefix: PREFIX, capacity: N, pool: poolMax, restoreRate });
const waitOnline = (target: number, timeoutMs: number, onSample?: (n: number, t: number) => void) =>
  waitFor(online, target, timeoutMs, onSample);

let worker = startWorkerProcess();
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
  `pairing: ${N} instances connected in ${(pairMs / 1000).toFixed(1)} s (${((N * 1000) / pairMs).toFixed(1)}/s, ${qr.scans()} QR scans, ${connected?.n} connected in Postgres)`,
);
console.log(`worker RSS ${rss.toFixed(0)} MB → ${((rss - baseline) / N).toFixed(2)} MB per instance (goal < 10 MB)`);

// Phase B: restart
await stop(worker);
await sleep(500);
const tRestart = performance.now();
worker = startWorkerProcess();
const restoreMs = await waitOnline(N, 300_000);
console.log(
  `restart: all ${N} connected ${(restoreMs / 1000).toFixed(1)} s after the worker started (restore rate ${restoreRate}/s; goal < 120 s); ${((performance.now() - tRestart) / 1000).toFixed(1)} s incl. process start`,
);

// Phase C: drop every socket at once
await sleep(2000);
const samples: { n: number; t: number }[] = [];
const tDrop = performance.now();
await sim.dropAll(ids.map((_, i) => phoneOf(i)));
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
  `worker RSS after the storm ${rssMb(worker.pid).toFixed(0)} MB; simulator RSS ${(Number((await sim.ask({ type: "stats" })).rss) / 1048576).toFixed(0)} MB`,
);

await shutdown(0);
