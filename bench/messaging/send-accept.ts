/**
 * Send API accept latency: POST /api/v1/orgs/:orgId/instances/:id/messages under an open-loop load at fixed rates
 * (default 50, 100 and 200 requests/s), each request a new message (half with an Idempotency-Key), spread over 4
 * connected instances — rate limit, RLS transaction (role, instance status, idempotent insert, conversation upsert)
 * and the nudge to the hosting worker's queue included — plus a sequential (closed-loop) p50. Goal: p95 < 25 ms at
 * 200 requests/s.
 *
 *   npx tsx bench/messaging/send-accept.ts [--rates 50,100,200] [--seconds 10] [--instances 4] [--baseline <dir>]
 *
 * The orchestrator runs in a child process (src/main.ts), the load generator here; loopback only, bounded. No worker
 * consumes the nudges: this measures accepting, not sending (see worker-cpu.ts for that). `--baseline <dir>` starts a
 * second orchestrator from another checkout (e.g. the commit before a change) on its own database and measures it
 * right after this one at every step: before/after side by side in one run.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { median } from "../lib.ts";
import { type BenchStack, percentiles, startBenchStack } from "../orchestrator/stack.ts";

const { values } = parseArgs({
  options: {
    rates: { type: "string", default: "50,100,200" },
    seconds: { type: "string", default: "10" },
    instances: { type: "string", default: "4" },
    sequential: { type: "string", default: "300" },
    baseline: { type: "string" },
  },
});
const rates = values.rates
  .split(",")
  .map(Number)
  .filter((r) => r > 0 && r <= 2_000);
const seconds = Math.min(Number(values.seconds), 120);
const instanceCount = Math.max(1, Math.min(Number(values.instances), 50));
const sequentialCount = Math.max(10, Math.min(Number(values.sequential), 5_000));

const env = {
  // The limit protects numbers from runaway integrations; the bench measures the path, not the limiter's refusals.
  SEND_RATE_PER_INSTANCE_PER_MINUTE: "100000",
  SEND_BURST_PER_INSTANCE: "100000",
  // No worker runs here: placement would (rightly) mark the instances connecting with reason worker_lost.
  PLACEMENT_ENABLED: "false",
};

type Target = { label: string; stack: BenchStack; once: () => Promise<number> };

const ticks = Number(process.env.CLK_TCK ?? 100);
/** user + system CPU of a process in ms; 0 once it has exited. */
function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticks;
  } catch {
    return 0;
  }
}

/**
 * CPU the orchestrator and its Postgres backends (this database's connections, on this machine) spend over a
 * phase, in ms per request: where an accept's cost goes on a machine whose cores all three share.
 */
async function cpuMeter(t: Target) {
  const backends = async () =>
    (
      await t.stack.admin<{ pid: number }[]>`
        select pid from pg_stat_activity where datname = current_database() and usename = 'mirage_app'`
    ).map((r) => r.pid);
  const before = new Map<number, number>();
  for (const pid of await backends()) before.set(pid, cpuMs(pid));
  const server0 = cpuMs(t.stack.pid);
  return async (requests: number) => {
    let pg = 0;
    for (const pid of new Set([...before.keys(), ...(await backends())])) pg += cpuMs(pid) - (before.get(pid) ?? 0);
    const per = (ms: number) => Math.round((ms / Math.max(1, requests)) * 100) / 100;
    return { serverCpuMsPerRequest: per(cpuMs(t.stack.pid) - server0), postgresCpuMsPerRequest: per(pg) };
  };
}

async function prepare(label: string, stack: BenchStack): Promise<Target> {
  const instances: string[] = [];
  for (let i = 0; i < instanceCount; i++) {
    const [row] = await stack.admin<{ id: string }[]>`
      insert into public.instances (org_id, name, phone_e164, status, worker_id)
      values (${stack.orgId}, ${`bench-${i}`}, ${`+55119000000${String(i).padStart(2, "0")}`}, 'connected', 'bench-w')
      returning id`;
    if (row) instances.push(row.id);
  }
  const token = await stack.token(stack.users.operator ?? "");
  let seq = 0;
  const once = async (): Promise<number> => {
    const n = seq++;
    const instanceId = instances[n % instances.length];
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    if (n % 2 === 0) headers["idempotency-key"] = randomUUID();
    const body = JSON.stringify({
      to: `+55119${String(70_000_000 + (n % 5_000)).padStart(8, "0")}`,
      text: `Olá! Seu pedido ${n} saiu para entrega e chega hoje até as 18h. Qualquer dúvida, responda aqui.`,
    });
    const t0 = performance.now();
    const res = await fetch(`${stack.url}/api/v1/orgs/${stack.orgId}/instances/${instanceId}/messages`, {
      method: "POST",
      headers,
      body,
    });
    const answer = await res.text();
    if (res.status !== 202) throw new Error(`${label}: unexpected answer ${res.status}: ${answer}`);
    return performance.now() - t0;
  };
  // Warm-up: JIT, connection pools, Postgres plan caches.
  for (let i = 0; i < 300; i++) await once();
  return { label, stack, once };
}

/** Open loop: requests start on schedule whether or not earlier ones finished (no coordinated omission). */
async function openLoop(t: Target, rate: number) {
  const total = rate * seconds;
  const interval = 1000 / rate;
  const samples: number[] = [];
  const inflight: Promise<void>[] = [];
  const start = performance.now();
  let failed = 0;
  const meter = await cpuMeter(t);
  for (let i = 0; i < total; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    // A request that fails (a reset socket on an overloaded machine) is counted, not fatal to the run.
    inflight.push(
      t.once().then(
        (ms) => void samples.push(ms),
        () => void failed++,
      ),
    );
  }
  await Promise.all(inflight);
  const elapsed = (performance.now() - start) / 1000;
  const { p50, p95, p99 } = percentiles(samples);
  const cpu = await meter(total);
  return { targetRate: rate, achievedRate: Math.round(samples.length / elapsed), p50, p95, p99, failed, ...cpu };
}

async function sequential(t: Target) {
  const samples: number[] = [];
  const meter = await cpuMeter(t);
  for (let i = 0; i < sequentialCount; i++) samples.push(await t.once());
  return { p50: Math.round(median(samples) * 10) / 10, ...(await meter(sequentialCount)) };
}

const loadAverage = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
const loadAtStart = loadAverage();
const stacks: BenchStack[] = [];
const stop = async () => {
  for (const s of stacks) await s.close().catch(() => undefined);
};
process.once("SIGINT", () => void stop().then(() => process.exit(130)));
process.once("SIGTERM", () => void stop().then(() => process.exit(143)));
try {
  const current = await startBenchStack(env);
  stacks.push(current);
  const targets = [await prepare("current", current)];
  if (values.baseline) {
    const before = await startBenchStack(env, { codeRoot: values.baseline });
    stacks.push(before);
    targets.push(await prepare("baseline", before));
  }
  type Result = { sequential?: Awaited<ReturnType<typeof sequential>>; rates: Awaited<ReturnType<typeof openLoop>>[] };
  const results: Record<string, Result> = {};
  for (const t of targets) results[t.label] = { rates: [] };
  // Interleaved, so both see the same minute of a noisy machine.
  for (const t of targets) (results[t.label] as Result).sequential = await sequential(t);
  for (const rate of rates) {
    for (const t of targets) results[t.label]?.rates.push(await openLoop(t, rate));
  }
  const at200 = results.current?.rates.find((r) => r.targetRate === 200);
  // Side by side, a line per rate: what the lead compares at a glance.
  for (const [i, rate] of rates.entries()) {
    const cells = targets.map((t) => {
      const r = results[t.label]?.rates[i];
      return r
        ? `${t.label} ${r.achievedRate}/s p50 ${r.p50} p95 ${r.p95} p99 ${r.p99} (server ${r.serverCpuMsPerRequest}, pg ${r.postgresCpuMsPerRequest} ms cpu/req)`
        : "";
    });
    console.log(`${String(rate).padStart(4)} req/s: ${cells.join(" | ")}`);
  }
  console.log(
    JSON.stringify({
      bench: "send API accept latency",
      endpoint: "POST /api/v1/orgs/:orgId/instances/:id/messages",
      instances: instanceCount,
      seconds,
      unit: "ms",
      loadAverage: { atStart: loadAtStart, atEnd: loadAverage() },
      ...results,
      goal: "p95 < 25 at 200 req/s",
      pass: at200 ? at200.p95 < 25 && at200.achievedRate >= 190 : undefined,
    }),
  );
} finally {
  await stop();
}
