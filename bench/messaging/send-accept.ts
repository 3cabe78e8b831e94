/**
 * Send API accept latency: POST /api/v1/orgs/:orgId/instances/:id/messages under an open-loop load (default 200
 * requests/s), each request a new message (half with an Idempotency-Key), spread over 4 connected instances —
 * rate limit, RLS transaction (role, instance status, idempotent insert, conversation upsert) and the nudge to the
 * hosting worker's queue included. Goal: p95 < 25 ms.
 *
 *   npx tsx bench/messaging/send-accept.ts [--rate 200] [--seconds 15] [--instances 4]
 *
 * The orchestrator runs in a child process (src/main.ts), the load generator here; loopback only, bounded. No worker
 * consumes the nudges: this measures accepting, not sending (see worker-cpu.ts for that).
 */
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { percentiles, startBenchStack } from "../orchestrator/stack.ts";

const { values } = parseArgs({
  options: {
    rate: { type: "string", default: "200" },
    seconds: { type: "string", default: "15" },
    instances: { type: "string", default: "4" },
  },
});
const rate = Number(values.rate);
const seconds = Math.min(Number(values.seconds), 120);
const instanceCount = Math.max(1, Math.min(Number(values.instances), 50));

const stack = await startBenchStack({
  // The limit protects numbers from runaway integrations; the bench measures the path, not the limiter's refusals.
  SEND_RATE_PER_INSTANCE_PER_MINUTE: "100000",
  SEND_BURST_PER_INSTANCE: "100000",
  // No worker runs here: placement would (rightly) mark the instances connecting with reason worker_lost.
  PLACEMENT_ENABLED: "false",
});
const stop = async () => {
  await stack.close().catch(() => undefined);
};
process.once("SIGINT", () => void stop().then(() => process.exit(130)));
process.once("SIGTERM", () => void stop().then(() => process.exit(143)));
try {
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
    if (res.status !== 202) throw new Error(`unexpected answer ${res.status}: ${answer}`);
    return performance.now() - t0;
  };

  // Warm-up: JIT, connection pools, Postgres plan caches.
  for (let i = 0; i < 300; i++) await once();

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
  const [queued] = await stack.admin<{ n: number }[]>`
    select count(*)::int as n from public.outbound_messages where state = 'queued'`;
  console.log(
    JSON.stringify({
      bench: "send API accept latency",
      endpoint: "POST /api/v1/orgs/:orgId/instances/:id/messages",
      targetRate: rate,
      achievedRate: Math.round(samples.length / elapsed),
      instances: instanceCount,
      queuedRows: queued?.n,
      ...stats,
      unit: "ms",
      goal: "p95 < 25",
      pass: stats.p95 < 25,
    }),
  );
} finally {
  await stop();
}
