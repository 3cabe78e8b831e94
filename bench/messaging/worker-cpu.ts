/**
 * The worker's CPU per message sent versus a bare Baileys `sendMessage` loop, in the same run, against the same
 * wa-sim and the same contacts. Mirage's path is the whole of it: a queued row claimed with SKIP LOCKED, blacklist
 * and consent checked, the number resolved (cached), the row marked `sending` with its id before the write, the
 * write through the sessions port, and every receipt (server ack, delivered, read) moving the row. The bare loop is
 * `await sock.sendMessage(jid, { text })` in a row, its socket handling the same receipts. Both run in their own
 * process; CPU is read from /proc (user + system) from the first send until wa-sim shows every message read.
 * Goal: Mirage ≤ 1.3× bare.
 *
 *   npx tsx bench/messaging/worker-cpu.ts [--messages 400] [--contacts 40] [--rounds 2] [--warmup 400] [--baseline <dir>]
 *
 * `--warmup`: messages each sender sends before the first round (at least one per contact), not measured: the worker
 * runs far more code than the loop, and a round measured while the JIT still compiles it is not the steady state.
 *
 * `--baseline <dir>`: a second worker started from another checkout of the repository (with its node_modules, e.g.
 * the commit before a change), hosting its own instance and number in the same database and simulator, measured in
 * the same rounds: before/after side by side, each against the same bare loop (to as many contacts of its own).
 */
import { type ChildProcess, fork, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { parseArgs } from "node:util";
import { instanceQrKey, ZInstanceQr } from "@mirage/contracts/worker-bus";
import { generateKeyRingSpec } from "@mirage/secrets";
import { Simulator } from "@mirage/wa-sim";
import { Redis } from "ioredis";
import postgres from "postgres";
import { BENCH_ADMIN_URL, benchDatabase, cpuMs, median, ROOT } from "../lib.ts";

const { values } = parseArgs({
  options: {
    messages: { type: "string", default: "400" },
    contacts: { type: "string", default: "40" },
    rounds: { type: "string", default: "2" },
    warmup: { type: "string", default: "400" },
    baseline: { type: "string" },
  },
});
const M = Math.min(Number(values.messages), 5_000);
const K = Math.max(1, Math.min(Number(values.contacts), 500));
const rounds = Math.max(1, Math.min(Number(values.rounds), 5));
const WARMUP = Math.max(K, Math.min(Number(values.warmup), 5_000));
const DB = `mirage_bench_cpu_${randomBytes(3).toString("hex")}`;
const prefix = `bench-cpu-${randomBytes(3).toString("hex")}`;
const MIRAGE_ACCOUNT = "5511955500001";
const BARE_ACCOUNT = "5511955500002";
const BASELINE_ACCOUNT = "5511955500003";
const contacts = Array.from({ length: K }, (_, i) => `55119${String(40_000_000 + i)}`);
// The baseline worker writes to its own, equally many contacts: with three senders writing to one simulated contact
// in turns, wa-sim's contact was seen re-keying its sessions on every message, which would bias both figures.
const baselineContacts = Array.from({ length: K }, (_, i) => `55119${String(41_000_000 + i)}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
  const orgId = org?.id ?? "";
  const newInstance = async (name: string, workerId: string) => {
    const [row] = await sql<{ id: string }[]>`
      insert into public.instances (org_id, name, worker_id) values (${orgId}, ${name}, ${workerId}) returning id`;
    return row?.id ?? "";
  };

  // ── Mirage's worker (and the baseline's), each hosting one instance ──
  // BENCH_WORKER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the worker; BENCH_BARE_NODE_ARGS
  // the bare sender (compare both profiles' self time).
  const nodeArgs = (process.env.BENCH_WORKER_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const startWorker = async (root: string, workerId: string, instanceId: string, account: string) => {
    const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", path.join(root, "workers/src/main.ts")], {
      cwd: path.join(root, "workers"),
      env: {
        ...process.env,
        DATABASE_URL: appUrl,
        DATABASE_POOL_MAX: "6",
        QUEUE_PREFIX: prefix,
        WORKER_ID: workerId,
        WORKER_HTTP_PORT: "0",
        SEND_SWEEP_MS: "100",
        HEALTH_INTERVAL_MS: "60000",
        MIRAGE_WA: "simulator",
        WA_SIM_URL: sim?.url ?? "",
        WA_SIM_ROOT_KEY: sim?.rootPublicKey.toString("hex") ?? "",
        MIRAGE_ENCRYPTION_KEYS: generateKeyRingSpec("k1"),
        LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "inherit", "inherit"],
    });
    children.push(child);
    let scanned = false;
    await until(
      async () => {
        const raw = await redis.get(instanceQrKey(prefix, instanceId));
        if (raw && !scanned) {
          sim?.phone(account).scan(ZInstanceQr.parse(JSON.parse(raw)).qr);
          scanned = true;
        }
        const [row] = await sql<{ status: string }[]>`select status from public.instances where id = ${instanceId}`;
        return row?.status === "connected";
      },
      180_000,
      `the instance of worker ${workerId} connected`,
    );
    return child;
  };
  const instanceId = await newInstance("cpu", "bench-cpu");
  const worker = await startWorker(ROOT, "bench-cpu", instanceId, MIRAGE_ACCOUNT);
  const baselineInstanceId = values.baseline ? await newInstance("cpu-baseline", "bench-cpu-baseline") : "";
  const baseline = values.baseline
    ? await startWorker(path.resolve(values.baseline), "bench-cpu-baseline", baselineInstanceId, BASELINE_ACCOUNT)
    : undefined;

  // ── the bare Baileys sender ──
  const bare = fork(path.join(import.meta.dirname, "bare-sender.ts"), {
    execArgv: [...(process.env.BENCH_BARE_NODE_ARGS ?? "").split(" ").filter(Boolean), "--import", "tsx"],
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
  await until(() => bareOpen, 180_000, "the bare socket open");

  const mirageSend = async (count: number, label: string, instance = instanceId) => {
    const to = instance === instanceId ? contacts : baselineContacts;
    await sql`
      insert into public.outbound_messages (org_id, instance_id, recipient_phone, body, source)
      select ${orgId}, ${instance}, '+' || (${to}::text[])[1 + (n % ${K})], ${label} || ' ' || n, 'api'
      from generate_series(0, ${count - 1}) n`;
  };
  const bareSend = (count: number, label: string) =>
    bare.send({ type: "send", jids: contacts.map((c) => `${c}@s.whatsapp.net`), count, text: label });

  // Warm-up, not measured: Signal sessions with every contact, on-WhatsApp lookups, JIT.
  await mirageSend(WARMUP, "aquecimento");
  if (baseline) await mirageSend(WARMUP, "aquecimento", baselineInstanceId);
  bareSend(WARMUP, "aquecimento");
  await until(
    () =>
      readCount(MIRAGE_ACCOUNT) >= WARMUP &&
      readCount(BARE_ACCOUNT) >= WARMUP &&
      (!baseline || readCount(BASELINE_ACCOUNT) >= WARMUP),
    120_000,
    "warm-up read",
  );
  await sleep(1_000);
  // What an idle worker spends (sweeps, queue polling, keep-alives), in ms of CPU per second: counted in the
  // per-message figure too, for as long as a round lasts.
  const idle0 = cpuMs(worker.pid ?? 0);
  await sleep(3_000);
  const idleCpuMsPerSecond = Math.round((cpuMs(worker.pid ?? 0) - idle0) / 3);
  console.log(JSON.stringify({ idleCpuMsPerSecond }));

  const results: { mirage: number; bare: number; baseline?: number }[] = [];
  const measureWorker = async (child: ChildProcess, instance: string, account: string, label: string) => {
    const base = readCount(account);
    const c0 = cpuMs(child.pid ?? 0);
    const t0 = Date.now();
    await mirageSend(M, label, instance);
    await until(() => readCount(account) >= base + M, 300_000, `${account}'s messages read`);
    const ms = (cpuMs(child.pid ?? 0) - c0) / M;
    console.log(JSON.stringify({ account, messagesPerSecond: Math.round((M * 1000) / (Date.now() - t0)) }));
    await sleep(500);
    return ms;
  };
  for (let r = 0; r < rounds; r++) {
    const mirage = await measureWorker(worker, instanceId, MIRAGE_ACCOUNT, `rodada ${r}`);
    const before = baseline ? await measureWorker(baseline, baselineInstanceId, BASELINE_ACCOUNT, `rodada ${r}`) : 0;

    const baseBare = readCount(BARE_ACCOUNT);
    const b0 = cpuMs(bare.pid ?? 0);
    const t0 = Date.now();
    bareSend(M, `rodada ${r}`);
    await until(() => readCount(BARE_ACCOUNT) >= baseBare + M, 300_000, "bare messages read");
    console.log(JSON.stringify({ account: "bare", messagesPerSecond: Math.round((M * 1000) / (Date.now() - t0)) }));
    const bareMs = (cpuMs(bare.pid ?? 0) - b0) / M;
    results.push({ mirage, bare: bareMs, ...(baseline ? { baseline: before } : {}) });
    // Each round as it ends: on a loaded machine a later round may not finish, and the earlier ones still count.
    console.log(JSON.stringify({ round: r, cpuMsPerMessage: results[results.length - 1] }));
    await sleep(500);
  }
  const [dupes] = await sql<{ n: number }[]>`
    select count(*)::int as n from public.outbound_messages where state not in ('sent', 'delivered', 'read')`;
  const mirageMs = median(results.map((r) => r.mirage));
  const bareMs = median(results.map((r) => r.bare));
  const received =
    sim.groundTruth.messages({ account: MIRAGE_ACCOUNT }).length +
    (baseline ? sim.groundTruth.messages({ account: BASELINE_ACCOUNT }).length : 0);
  console.log(
    JSON.stringify({
      bench: "worker CPU per message vs bare Baileys",
      messages: M,
      contacts: K,
      rounds,
      mirageCpuMsPerMessage: Math.round(mirageMs * 100) / 100,
      bareCpuMsPerMessage: Math.round(bareMs * 100) / 100,
      ratio: Math.round((mirageMs / bareMs) * 100) / 100,
      ...(baseline
        ? (() => {
            const b = median(results.map((r) => r.baseline ?? 0));
            return {
              baselineCpuMsPerMessage: Math.round(b * 100) / 100,
              baselineRatio: Math.round((b / bareMs) * 100) / 100,
              speedupVsBaseline: Math.round((b / mirageMs) * 100) / 100,
            };
          })()
        : {}),
      runs: results,
      mirageRowsNotSent: dupes?.n,
      mirageMessagesReceived: received,
      mirageRowsTotal: (WARMUP + M * rounds) * (baseline ? 2 : 1),
      goal: "ratio ≤ 1.3",
      pass: mirageMs / bareMs <= 1.3,
    }),
  );
} finally {
  await cleanup();
}
