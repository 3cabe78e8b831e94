/**
 * The worker's CPU per message sent versus a bare Baileys `sendMessage` loop, in the same run, against the same
 * wa-sim and the same contacts. Mirage's path is the whole of it: a queued row claimed with SKIP LOCKED, blacklist
 * and consent checked, the number resolved (cached), the row marked `sending` with its id before the write, the
 * write through the sessions port, and every receipt (server ack, delivered, read) moving the row. The bare loop is
 * `await sock.sendMessage(jid, { text })` in a row, its socket handling the same receipts. Both run in their own
 * process; CPU is read from /proc (user + system) from the first send until wa-sim shows every message read.
 * Goal: Mirage ≤ 1.3× bare.
 *
 *   npx tsx bench/messaging/worker-cpu.ts [--messages 400] [--contacts 40] [--rounds 2]
 */
import { type ChildProcess, fork, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { instanceQrKey, ZInstanceQr } from "@mirage/contracts/worker-bus";
import { generateKeyRingSpec } from "@mirage/secrets";
import { Simulator } from "@mirage/wa-sim";
import { Redis } from "ioredis";
import postgres from "postgres";
import { BENCH_ADMIN_URL, benchDatabase, median, ROOT } from "../lib.ts";

const { values } = parseArgs({
  options: {
    messages: { type: "string", default: "400" },
    contacts: { type: "string", default: "40" },
    rounds: { type: "string", default: "2" },
  },
});
const M = Math.min(Number(values.messages), 5_000);
const K = Math.max(1, Math.min(Number(values.contacts), 500));
const rounds = Math.max(1, Math.min(Number(values.rounds), 5));
const DB = `mirage_bench_cpu_${randomBytes(3).toString("hex")}`;
const prefix = `bench-cpu-${randomBytes(3).toString("hex")}`;
const MIRAGE_ACCOUNT = "5511955500001";
const BARE_ACCOUNT = "5511955500002";
const contacts = Array.from({ length: K }, (_, i) => `55119${String(40_000_000 + i)}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ticks = Number(process.env.CLK_TCK ?? 100);

/** user + system CPU of a process, in ms. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticks;
}

const children: ChildProcess[] = [];
const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
let admin: postgres.Sql | undefined;
let sim: Simulator | undefined;
async function cleanup() {
  for (const c of children) if (c.exitCode === null && c.pid) process.kill(c.pid, "SIGTERM");
  await sleep(500);
  await sim?.close();
  await admin?.end({ timeout: 5 }).catch(() => undefined);
  const server = postgres(BENCH_ADMIN_URL, { max: 1, onnotice: () => {} });
  await server.unsafe(`drop database if exists ${DB} with (force)`).catch(() => undefined);
  await server.end();
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== "0");
  redis.disconnect();
}
process.once("SIGINT", () => void cleanup().then(() => process.exit(130)));
process.once("SIGTERM", () => void cleanup().then(() => process.exit(143)));

async function until(fn: () => Promise<boolean> | boolean, timeoutMs: number, what: string) {
  const start = Date.now();
  while (!(await fn())) {
    if (Date.now() - start > timeoutMs) throw new Error(`${what} not reached within ${timeoutMs} ms`);
    await sleep(50);
  }
}
const readCount = (account: string) =>
  sim?.groundTruth.messages({ account }).filter((m) => m.readAt !== undefined).length ?? 0;

try {
  sim = await Simulator.start({ seed: prefix, contactDefaults: { deliveryDelayMs: 5, readDelayMs: 5 } });
  const { adminUrl, appUrl } = await benchDatabase(DB);
  const sql = postgres(adminUrl, { max: 2, onnotice: () => {} });
  admin = sql;
  const [org] = await sql<{ id: string }[]>`
    insert into public.organizations (name, slug) values ('Bench', 'bench') returning id`;
  const [inst] = await sql<{ id: string }[]>`
    insert into public.instances (org_id, name, worker_id) values (${org?.id ?? ""}, 'cpu', 'bench-cpu') returning id`;
  const orgId = org?.id ?? "";
  const instanceId = inst?.id ?? "";

  // ── Mirage's worker, hosting one instance ──
  // BENCH_WORKER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the worker.
  const nodeArgs = (process.env.BENCH_WORKER_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const worker = spawn(process.execPath, [...nodeArgs, "--import", "tsx", path.join(ROOT, "workers/src/main.ts")], {
    cwd: path.join(ROOT, "workers"),
    env: {
      ...process.env,
      DATABASE_URL: appUrl,
      DATABASE_POOL_MAX: "6",
      QUEUE_PREFIX: prefix,
      WORKER_ID: "bench-cpu",
      WORKER_HTTP_PORT: "0",
      SEND_SWEEP_MS: "100",
      HEALTH_INTERVAL_MS: "60000",
      MIRAGE_WA: "simulator",
      WA_SIM_URL: sim.url,
      WA_SIM_ROOT_KEY: sim.rootPublicKey.toString("hex"),
      MIRAGE_ENCRYPTION_KEYS: generateKeyRingSpec("k1"),
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  children.push(worker);
  let scanned = false;
  await until(
    async () => {
      const raw = await redis.get(instanceQrKey(prefix, instanceId));
      if (raw && !scanned) {
        sim?.phone(MIRAGE_ACCOUNT).scan(ZInstanceQr.parse(JSON.parse(raw)).qr);
        scanned = true;
      }
      const [row] = await sql<{ status: string }[]>`select status from public.instances where id = ${instanceId}`;
      return row?.status === "connected";
    },
    60_000,
    "the worker's instance connected",
  );

  // ── the bare Baileys sender ──
  const bare = fork(path.join(import.meta.dirname, "bare-sender.ts"), {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, SIM_URL: sim.url, SIM_ROOT: sim.rootPublicKey.toString("hex") },
    stdio: "inherit",
  });
  children.push(bare);
  let bareOpen = false;
  let _bareDone = 0;
  bare.on("message", (m: { qr?: string; open?: boolean; done?: boolean; error?: string }) => {
    if (m.qr) bare.send({ type: "scanned", deviceId: sim?.phone(BARE_ACCOUNT).scan(m.qr).deviceId });
    if (m.open) bareOpen = true;
    if (m.done) _bareDone++;
    if (m.error) console.error("bare sender:", m.error);
  });
  await until(() => bareOpen, 60_000, "the bare socket open");

  const mirageSend = async (count: number, label: string) => {
    await sql`
      insert into public.outbound_messages (org_id, instance_id, recipient_phone, body, source)
      select ${orgId}, ${instanceId}, '+' || (${contacts}::text[])[1 + (n % ${K})], ${label} || ' ' || n, 'api'
      from generate_series(0, ${count - 1}) n`;
  };
  const bareSend = (count: number, label: string) =>
    bare.send({ type: "send", jids: contacts.map((c) => `${c}@s.whatsapp.net`), count, text: label });

  // Warm-up, not measured: Signal sessions with every contact, on-WhatsApp lookups, JIT.
  await mirageSend(K, "aquecimento");
  bareSend(K, "aquecimento");
  await until(() => readCount(MIRAGE_ACCOUNT) >= K && readCount(BARE_ACCOUNT) >= K, 120_000, "warm-up read");
  await sleep(1_000);

  const results: { mirage: number; bare: number }[] = [];
  for (let r = 0; r < rounds; r++) {
    const baseMirage = readCount(MIRAGE_ACCOUNT);
    const m0 = cpuMs(worker.pid ?? 0);
    await mirageSend(M, `rodada ${r}`);
    await until(() => readCount(MIRAGE_ACCOUNT) >= baseMirage + M, 300_000, "Mirage's messages read");
    const mirage = (cpuMs(worker.pid ?? 0) - m0) / M;
    await sleep(500);

    const baseBare = readCount(BARE_ACCOUNT);
    const b0 = cpuMs(bare.pid ?? 0);
    bareSend(M, `rodada ${r}`);
    await until(() => readCount(BARE_ACCOUNT) >= baseBare + M, 300_000, "bare messages read");
    const bareMs = (cpuMs(bare.pid ?? 0) - b0) / M;
    results.push({ mirage, bare: bareMs });
    await sleep(500);
  }
  const [dupes] = await sql<{ n: number }[]>`
    select count(*)::int as n from public.outbound_messages where state not in ('sent', 'delivered', 'read')`;
  const mirageMs = median(results.map((r) => r.mirage));
  const bareMs = median(results.map((r) => r.bare));
  const received = sim.groundTruth.messages({ account: MIRAGE_ACCOUNT }).length;
  console.log(
    JSON.stringify({
      bench: "worker CPU per message vs bare Baileys",
      messages: M,
      contacts: K,
      rounds,
      mirageCpuMsPerMessage: Math.round(mirageMs * 100) / 100,
      bareCpuMsPerMessage: Math.round(bareMs * 100) / 100,
      ratio: Math.round((mirageMs / bareMs) * 100) / 100,
      runs: results,
      mirageRowsNotSent: dupes?.n,
      mirageMessagesReceived: received,
      mirageRowsTotal: K + M * rounds,
      goal: "ratio ≤ 1.3",
      pass: mirageMs / bareMs <= 1.3,
    }),
  );
} finally {
  await cleanup();
}
