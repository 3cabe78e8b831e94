/**
 * Does a reconnect storm leak? N instances in one session host (in process, with the simulator), dropped all at
 * once R times; the V8 heap after a full GC is printed after each round. Flat = no leak; a steady climb per round =
 * something keeps old sockets alive.
 *
 *   node --expose-gc --import tsx bench/sessions/storm-heap.ts [N=100] [--rounds 5]
 */
import { createDb } from "@mirage/db";
import { assignInstance } from "@mirage/db/instances";
import { createLogger } from "@mirage/logger";
import { generateKeyRingSpec, parseKeyRing } from "@mirage/secrets";
import { Simulator } from "@mirage/wa-sim";
import postgres from "postgres";
import { createSessionHost } from "../../workers/src/sessions/index.ts";
import { benchDatabase } from "../lib.ts";

const argv = process.argv.slice(2);
const N = Number(argv.find((a) => /^\d+$/.test(a)) ?? 100);
const rounds = Number(argv[argv.indexOf("--rounds") + 1]) || 5;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with node --expose-gc");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const heapMb = async () => {
  for (let i = 0; i < 3; i++) {
    gc();
    await sleep(200);
  }
  return process.memoryUsage().heapUsed / 1048576;
};

const { adminUrl, appUrl } = await benchDatabase("mirage_bench_storm");
const admin = postgres(adminUrl, { max: 2, onnotice: () => {} });
const [org] = await admin<
  { id: string }[]
>`insert into public.organizations (name, slug) values ('Storm', 'storm') returning id`;
const ids = (
  await admin<{ id: string }[]>`
    insert into public.instances (org_id, name) select ${org?.id ?? ""}, 'i' || n from generate_series(1, ${N}) n returning id`
).map((r) => r.id);
const db = createDb({ url: appUrl, max: 8 });
for (const id of ids) await db.asService((tx) => assignInstance(tx, id, "storm"));

const sim = await Simulator.start({ seed: "storm" });
const silent = createLogger({ service: "storm", level: "silent" });
const qrs = new Map<string, string>();
const host = createSessionHost({
  workerId: "storm",
  db,
  ring: parseKeyRing(generateKeyRingSpec()),
  target: { kind: "simulator", url: sim.url, rootPublicKeyHex: sim.rootPublicKey.toString("hex") },
  logger: silent,
  baileysLogger: silent,
  events: { publish: async () => {} },
  qrStore: {
    set: async (qr) => {
      qrs.set(qr.instanceId, qr.qr);
    },
    delete: async () => {},
  },
  options: {
    restoreRatePerSecond: 50,
    reconnect: { baseDelayMs: 200, maxDelayMs: 2_000, maxAttempts: 20, replacedWindowMs: 1 },
  },
});
const phone = (i: number) => `55119${String(20_000_000 + i)}`;
const online = () => sim.stats().companionsOnline;
const waitOnline = async (n: number) => {
  const t0 = Date.now();
  while (online() < n) {
    if (Date.now() - t0 > 300_000) throw new Error(`${online()} of ${n} online`);
    await sleep(100);
  }
};

await host.reconcile();
for (let i = 0; i < N; i++) {
  while (!qrs.has(ids[i] ?? "")) await sleep(20);
  sim.phone(phone(i)).scan(qrs.get(ids[i] ?? "") ?? "");
}
await waitOnline(N);
await sleep(3000);
const base = await heapMb();
console.log(`${N} sessions open: heap ${base.toFixed(0)} MB after GC`);
for (let r = 1; r <= rounds; r++) {
  for (let i = 0; i < N; i++) sim.phone(phone(i)).fault({ type: "dropped" });
  await sleep(500);
  await waitOnline(N);
  await sleep(3000);
  const h = await heapMb();
  console.log(
    `storm ${r}: all ${N} reconnected; heap ${h.toFixed(0)} MB (+${(((h - base) * 1024) / N).toFixed(0)} KB per session since open)`,
  );
}
await host.close();
await sim.close();
await db.close();
await admin.end();
process.exit(0);
