/**
 * Benchmark: latency of an authenticated list endpoint (GET /api/v1/orgs/:orgId/audit-log, 50 rows per
 * page, through asUser/RLS) under an open-loop load of 200 requests/s. Goal: p95 < 25 ms.
 *
 *   npx tsx bench/orchestrator/list-latency.ts [--rate 200] [--seconds 15]
 *
 * The orchestrator runs in a child process (src/main.ts), the load generator here; loopback only, bounded.
 */
import { parseArgs } from "node:util";
import { intArg } from "../lib.ts";
import { percentiles, startBenchStack } from "./stack.ts";

const { values } = parseArgs({ options: { rate: { type: "string" }, seconds: { type: "string" } } });
const rate = intArg("rate", values.rate, 200);
const seconds = Math.min(intArg("seconds", values.seconds, 15), 120);

const stack = await startBenchStack();
try {
  await stack.admin`
    insert into public.audit_log (org_id, actor_user_id, action, target_type, target_id, detail)
    select ${stack.orgId}, ${stack.users.admin ?? null}, 'member.add', 'user', gen_random_uuid()::text, '{"role":"viewer"}'
    from generate_series(1, 500)`;
  const token = await stack.token(stack.users.admin ?? "");
  const path = `${stack.url}/api/v1/orgs/${stack.orgId}/audit-log?limit=50`;
  const once = async (): Promise<number> => {
    const t0 = performance.now();
    const res = await fetch(path, { headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as { items?: unknown[] };
    if (res.status !== 200 || body.items?.length !== 50) throw new Error(`unexpected answer ${res.status}`);
    return performance.now() - t0;
  };

  // Warm-up: JIT, connection pools, Postgres plan caches.
  for (let i = 0; i < 200; i++) await once();

  // Open loop: requests start on schedule whether or not earlier ones finished (no coordinated omission).
  const total = rate * seconds;
  const interval = 1000 / rate;
  const samples: number[] = [];
  const inflight: Promise<void>[] = [];
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inflight.push(once().then((ms) => void samples.push(ms)));
  }
  await Promise.all(inflight);
  const elapsed = (performance.now() - start) / 1000;
  const stats = percentiles(samples);
  // The server's own view (its latency histogram), to tell server time from machine contention.
  const metrics = await (await fetch(`${stack.url}/metrics`)).text();
  const buckets = [
    ...metrics.matchAll(
      /mirage_http_request_duration_seconds_bucket\{le="([^"]+)",method="GET",route="\/api\/v1\/orgs\/:orgId\/audit-log",status="200"\} (\d+)/g,
    ),
  ].map((m) => ({ le: m[1] === "+Inf" ? Number.POSITIVE_INFINITY : Number(m[1]) * 1000, count: Number(m[2]) }));
  const served = buckets.at(-1)?.count ?? 0;
  const serverP95Le = buckets.find((b) => b.count >= served * 0.95)?.le;
  console.log(
    JSON.stringify({
      bench: "orchestrator list latency",
      endpoint: "GET /api/v1/orgs/:orgId/audit-log?limit=50",
      targetRate: rate,
      achievedRate: Math.round(samples.length / elapsed),
      ...stats,
      unit: "ms",
      serverP95AtMostMs: serverP95Le,
      goal: "p95 < 25",
      pass: stats.p95 < 25,
    }),
  );
} finally {
  await stack.close();
}
