/**
 * Benchmark: realtime fan-out. 1,000 socket.io clients of one organization are connected; the database
 * changes an instance's status (an UPDATE through Postgres, as a worker does) and every client receives
 * `instance:status`. Latency = client receipt − the moment the UPDATE was issued, over every client × change.
 * Goal: p95 < 250 ms.
 *
 *   npx tsx bench/orchestrator/fanout.ts [--clients 1000] [--changes 40] [--gap-ms 250]
 *
 * The orchestrator runs in a child process (src/main.ts); clients and the database writer run here. Loopback only.
 */
import { parseArgs } from "node:util";
import { intArg } from "../lib.ts";
import { percentiles, requireFromOrchestrator, startBenchStack } from "./stack.ts";

type MiniSocket = {
  on(event: string, fn: (payload: { data: { instanceId: string; status: string } }) => void): void;
  once(event: string, fn: (arg?: unknown) => void): void;
  disconnect(): void;
};
const { io } = requireFromOrchestrator("socket.io-client") as {
  io: (url: string, opts: Record<string, unknown>) => MiniSocket;
};

const { values } = parseArgs({
  options: { clients: { type: "string" }, changes: { type: "string" }, "gap-ms": { type: "string" } },
});
const clients = Math.min(intArg("clients", values.clients, 1000), 5000);
const changes = Math.min(intArg("changes", values.changes, 40), 500);
const gapMs = intArg("gap-ms", values["gap-ms"], 250);

const stack = await startBenchStack();
const sockets: MiniSocket[] = [];
try {
  const instances = await stack.admin<{ id: string }[]>`
    insert into public.instances (org_id, name)
    select ${stack.orgId}, 'bench-' || n from generate_series(1, ${changes}) n returning id`;
  const issuedAt = new Map<string, number>();
  const samples: number[] = [];
  let received = 0;
  const token = await stack.token(stack.users.viewer ?? "");

  // Connect in batches so handshakes (token check + organization lookup each) do not all queue at once.
  const t0 = performance.now();
  for (let i = 0; i < clients; i += 50) {
    const batch: Promise<void>[] = [];
    for (let j = i; j < Math.min(clients, i + 50); j++) {
      const socket = io(stack.url, { auth: { token }, transports: ["websocket"], forceNew: true, reconnection: false });
      sockets.push(socket);
      socket.on("instance:status", (e) => {
        const sent = issuedAt.get(`${e.data.instanceId}:${e.data.status}`);
        if (sent === undefined) return;
        samples.push(performance.now() - sent);
        received++;
      });
      batch.push(
        new Promise((resolve, reject) => {
          socket.once("realtime:ready", () => resolve());
          socket.once("connect_error", (err) => reject(err));
        }),
      );
    }
    await Promise.all(batch);
  }
  const connectSeconds = (performance.now() - t0) / 1000;

  for (const [n, instance] of instances.entries()) {
    const status = n % 2 === 0 ? "connecting" : "connected";
    issuedAt.set(`${instance.id}:${status}`, performance.now());
    await stack.admin`update public.instances set status = ${status} where id = ${instance.id}`;
    await new Promise((r) => setTimeout(r, gapMs));
  }
  const expected = clients * changes;
  const deadline = performance.now() + 10_000;
  while (received < expected && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));

  const stats = percentiles(samples);
  console.log(
    JSON.stringify({
      bench: "orchestrator realtime fan-out",
      clients,
      changes,
      connectSeconds: Math.round(connectSeconds * 10) / 10,
      delivered: received,
      expected,
      ...stats,
      unit: "ms (database UPDATE issued → client receipt)",
      goal: "p95 < 250",
      pass: received === expected && stats.p95 < 250,
    }),
  );
} finally {
  for (const s of sockets) s.disconnect();
  await stack.close();
}
