/**
 * Evolution compatibility overhead: accept latency of POST /evolution/message/sendText/{name} against Mirage's
 * native POST /api/v1/orgs/:orgId/instances/:id/messages, in the same run, both authenticated by the same
 * organization API key, under the same open-loop load (default 200 requests/s). Phases alternate native,
 * Evolution, native, Evolution… so drift (autovacuum, other load on the machine) hits both alike. Goal: the
 * Evolution p95 within 10 % of the native p95.
 *
 *   npx tsx bench/evolution/send-text-accept.ts [--rate 200] [--seconds 10] [--rounds 2] [--instances 4]
 *
 * The orchestrator runs in a child process (src/main.ts); no worker consumes the nudges (this measures accepting).
 */
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { percentiles, startBenchStack } from "../orchestrator/stack.ts";

const { values } = parseArgs({
  options: {
    rate: { type: "string", default: "200" },
    seconds: { type: "string", default: "10" },
    rounds: { type: "string", default: "2" },
    instances: { type: "string", default: "4" },
  },
});
const rate = Number(values.rate);
const seconds = Math.min(Number(values.seconds), 120);
const rounds = Math.max(1, Math.min(Number(values.rounds), 10));
const instanceCount = Math.max(1, Math.min(Number(values.instances), 50));

const stack = await startBenchStack({
  SEND_RATE_PER_INSTANCE_PER_MINUTE: "100000",
  SEND_BURST_PER_INSTANCE: "100000",
  PLACEMENT_ENABLED: "false",
});
const stop = async () => {
  await stack.close().catch(() => undefined);
};
process.once("SIGINT", () => void stop().then(() => process.exit(130)));
process.once("SIGTERM", () => void stop().then(() => process.exit(143)));
try {
  const instances: { id: string; name: string }[] = [];
  for (let i = 0; i < instanceCount; i++) {
    const [row] = await stack.admin<{ id: string; name: string }[]>`
      insert into public.instances (org_id, name, phone_e164, status, worker_id)
      values (${stack.orgId}, ${`bench-${i}`}, ${`+55119000000${String(i).padStart(2, "0")}`}, 'connected', 'bench-w')
      returning id, name`;
    if (row) instances.push(row);
  }
  const owner = await stack.token(stack.users.owner ?? "");
  const created = await fetch(`${stack.url}/api/v1/orgs/${stack.orgId}/api-keys`, {
    method: "POST",
    headers: { authorization: `Bearer ${owner}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "bench", scopes: ["send"] }),
  });
  const key = ((await created.json()) as { key: string }).key;

  let seq = 0;
  const once = async (route: "native" | "evolution"): Promise<number> => {
    const n = seq++;
    const inst = instances[n % instances.length] as { id: string; name: string };
    const number = `55119${String(70_000_000 + (n % 5_000)).padStart(8, "0")}`;
    const text = `Olá! Seu pedido ${n} saiu para entrega e chega hoje até as 18h. Qualquer dúvida, responda aqui.`;
    const idem: Record<string, string> = n % 2 === 0 ? { "idempotency-key": randomUUID() } : {};
    const t0 = performance.now();
    const res =
      route === "native"
        ? await fetch(`${stack.url}/api/v1/orgs/${stack.orgId}/instances/${inst.id}/messages`, {
            method: "POST",
            headers: { "x-api-key": key, "content-type": "application/json", ...idem },
            body: JSON.stringify({ to: `+${number}`, text }),
          })
        : await fetch(`${stack.url}/evolution/message/sendText/${inst.name}`, {
            method: "POST",
            headers: { apikey: key, "content-type": "application/json", ...idem },
            body: JSON.stringify({ number, text }),
          });
    const answer = await res.text();
    if (res.status !== (route === "native" ? 202 : 201)) throw new Error(`${route}: ${res.status} ${answer}`);
    return performance.now() - t0;
  };

  const errors = { native: 0, evolution: 0 };
  /** One open-loop phase: requests start on schedule whether or not earlier ones finished. */
  const phase = async (route: "native" | "evolution", into: number[]) => {
    const total = rate * seconds;
    const interval = 1000 / rate;
    const inflight: Promise<void>[] = [];
    const start = performance.now();
    for (let i = 0; i < total; i++) {
      const wait = start + i * interval - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      inflight.push(
        once(route).then(
          (ms) => void into.push(ms),
          () => void errors[route]++,
        ),
      );
    }
    await Promise.all(inflight);
    return (performance.now() - start) / 1000;
  };

  for (let i = 0; i < 300; i++) await once(i % 2 === 0 ? "native" : "evolution");
  const samples = { native: [] as number[], evolution: [] as number[] };
  const elapsed = { native: 0, evolution: 0 };
  for (let r = 0; r < rounds; r++) {
    for (const route of ["native", "evolution"] as const) elapsed[route] += await phase(route, samples[route]);
  }
  const native = percentiles(samples.native);
  const evolution = percentiles(samples.evolution);
  const ratio = evolution.p95 / native.p95;
  console.log(
    JSON.stringify({
      bench: "sendText accept latency: Evolution layer vs native",
      targetRate: rate,
      achievedRate: {
        native: Math.round(samples.native.length / elapsed.native),
        evolution: Math.round(samples.evolution.length / elapsed.evolution),
      },
      instances: instanceCount,
      // Requests that failed (connection resets when the machine saturates); not in the percentiles.
      errors,
      native,
      evolution,
      p95Ratio: Math.round(ratio * 1000) / 1000,
      unit: "ms",
      goal: "evolution p95 within 10 % of native p95",
      pass: ratio <= 1.1,
    }),
  );
} finally {
  await stop();
}
