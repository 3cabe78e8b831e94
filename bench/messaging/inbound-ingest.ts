/**
 * Inbound ingestion with dedupe: the worker's inbound pipeline (workers/src/messaging/inbound.ts — opt-out matching,
 * batching, private.ingest_inbound: dedupe on the WhatsApp id, contact and conversation upserts, reply linking,
 * webhook outbox) fed as fast as it takes messages, from `--senders` people over `--instances` instances, with a
 * share of replays (ids already stored, as after a reconnect) and of opt-out words. Goal: ≥ 1,000 messages/s stored.
 *
 *   npx tsx bench/messaging/inbound-ingest.ts [--messages 20000] [--senders 2000] [--instances 4] [--replays 0.1]
 *     [--quotes 0.2] [--rounds 3] [--batch 200] [--baseline]
 *
 * `--quotes`: the share of messages that are replies quoting a message — half of them one the instance sent (looked
 * up to link the reply to it), half the sender's own previous one.
 *
 * Prints stored/s (new rows) and handled/s (replays included), medians of `--rounds` runs on a fresh database each,
 * with the load average. `--baseline` also runs, in each round right before the current schema, the same workload
 * on a database built without the migrations from `BASELINE_BEFORE` on (the ingestion as it was, one message at a
 * time with row triggers; the worker's pipeline is today's in both), and prints both side by side with the ratio.
 */

import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, symlink } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { createDb } from "@mirage/db";
import { createLogger } from "@mirage/logger";
import postgres from "postgres";
import { createInboundPipeline } from "../../workers/src/messaging/inbound.ts";
import type { InboundMessage, SessionsPort } from "../../workers/src/sessions/index.ts";
import { BENCH_ADMIN_URL, benchDatabase, median, ROOT } from "../lib.ts";

/** The first migration of the set-based ingestion: `--baseline` builds its database from the ones before it. */
const BASELINE_BEFORE = "20261201100000";

const { values } = parseArgs({
  options: {
    messages: { type: "string", default: "20000" },
    senders: { type: "string", default: "2000" },
    instances: { type: "string", default: "4" },
    replays: { type: "string", default: "0.1" },
    quotes: { type: "string", default: "0.2" },
    rounds: { type: "string", default: "3" },
    batch: { type: "string", default: "200" },
    baseline: { type: "boolean", default: false },
  },
});
const total = Math.min(Number(values.messages), 500_000);
const senders = Math.max(1, Number(values.senders));
const instanceCount = Math.max(1, Number(values.instances));
const replayShare = Math.min(0.9, Math.max(0, Number(values.replays)));
const quoteShare = Math.min(1, Math.max(0, Number(values.quotes)));
const rounds = Math.max(1, Math.min(Number(values.rounds), 10));
const batchMax = Number(values.batch);

// Retries and lost batches are worth seeing: they explain a round that fails its checks.
const logger = createLogger({ service: "bench", level: "warn" });
const dbName = `mirage_bench_inbound_${randomBytes(4).toString("hex")}`;
let cleanup: (() => Promise<void>) | undefined;
let baselineDir: string | undefined;
const removeBaselineDir = () => (baselineDir ? rm(baselineDir, { recursive: true, force: true }) : Promise.resolve());
process.once(
  "SIGINT",
  () =>
    void cleanup?.()
      .then(removeBaselineDir)
      .then(() => process.exit(130)),
);
process.once(
  "SIGTERM",
  () =>
    void cleanup?.()
      .then(removeBaselineDir)
      .then(() => process.exit(143)),
);

/** Per round: messages newly stored, messages handled, wall seconds, CPU seconds of the database backends. */
type Result = { stored: number; handled: number; seconds: number; dbCpu: number | null };

/**
 * CPU seconds (user + system) of the backends serving the app role in the bench database, read from /proc every
 * 200 ms until stopped (when Postgres runs on this machine; null otherwise). Unlike rates, CPU per message barely
 * moves with the machine's load, so it compares two schemas fairly on a busy machine.
 */
function sampleBackendCpu(admin: postgres.Sql) {
  const ticks = new Map<number, number>();
  let stopped = false;
  const sample = async () => {
    const rows = await admin<{ pid: number }[]>`
      select pid from pg_stat_activity where datname = current_database() and usename = 'mirage_app'`;
    for (const { pid } of rows) {
      const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => undefined);
      // Fields after the command name: state is the 3rd field, utime the 14th, stime the 15th (clock ticks, 100/s).
      const f = stat?.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (f) ticks.set(pid, Number(f[11]) + Number(f[12]));
    }
  };
  const loop = (async () => {
    while (!stopped) {
      await sample();
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  return {
    async stop(): Promise<number | null> {
      stopped = true;
      await loop;
      await sample();
      return ticks.size > 0 ? [...ticks.values()].reduce((a, b) => a + b, 0) / 100 : null;
    },
  };
}

/** A directory of links to the migrations older than BASELINE_BEFORE. */
async function baselineMigrations(): Promise<string> {
  const source = path.join(ROOT, "supabase/migrations");
  const dir = await mkdtemp(path.join(tmpdir(), "mirage-inbound-baseline-"));
  for (const file of (await readdir(source)).filter((f) => f.endsWith(".sql") && f.slice(0, 14) < BASELINE_BEFORE)) {
    await symlink(path.join(source, file), path.join(dir, file));
  }
  return dir;
}

async function round(migrationsDir?: string): Promise<Result> {
  const { adminUrl, appUrl } = await benchDatabase(dbName, { migrationsDir });
  const admin = postgres(adminUrl, { max: 2, onnotice: () => {} });
  const db = createDb({ url: appUrl, max: 10 });
  cleanup = async () => {
    await db.close().catch(() => undefined);
    await admin.end({ timeout: 5 }).catch(() => undefined);
    const server = postgres(BENCH_ADMIN_URL, { max: 1, onnotice: () => {} });
    await server.unsafe(`drop database if exists ${dbName} with (force)`);
    await server.end();
  };
  try {
    const [org] = await admin<{ id: string }[]>`
      insert into public.organizations (name, slug) values ('Bench', 'bench') returning id`;
    if (!org) throw new Error("no org");
    await admin`insert into public.webhook_endpoints (org_id, url) values (${org.id}, 'https://hooks.example.com/in')`;
    const instances: string[] = [];
    for (let i = 0; i < instanceCount; i++) {
      const [row] = await admin<{ id: string }[]>`
        insert into public.instances (org_id, name, status) values (${org.id}, ${`in-${i}`}, 'connected') returning id`;
      if (row) instances.push(row.id);
    }
    const port = { onInbound: () => () => {} } as unknown as SessionsPort;
    let stored = 0;
    const pipeline = createInboundPipeline({
      db,
      sessions: port,
      logger,
      options: {
        batchMax,
        flushMs: 5,
        settingsTtlMs: 60_000,
        onStored: (rows) => {
          stored += rows.length;
        },
      },
    });
    const texts = ["Oi, tudo bem?", "Quero saber o preço", "Obrigado!", "Pode me ligar amanhã?", "PARAR"];
    const sent: InboundMessage[] = [];
    const make = (n: number): InboundMessage => {
      const sender = n % senders;
      const lidOnly = sender % 10 === 9;
      return {
        instanceId: instances[sender % instances.length] as string,
        orgId: org.id,
        messageId: `3EB0${n.toString(16).toUpperCase().padStart(16, "0")}`,
        fromJid: lidOnly ? `${10_000_000_000 + sender}@lid` : `55119${70_000_000 + sender}@s.whatsapp.net`,
        fromPhoneJid: lidOnly ? null : `55119${70_000_000 + sender}@s.whatsapp.net`,
        fromLid: lidOnly ? `${10_000_000_000 + sender}@lid` : null,
        pushName: `Pessoa ${sender}`,
        messageType: "text",
        text: texts[n % 97 === 0 ? 4 : n % 4] as string,
        at: new Date(),
        quoted:
          (n * 104_729) % 1000 < quoteShare * 1000
            ? n % 2 === 0
              ? {
                  id: `3EB0${Math.max(0, n - senders)
                    .toString(16)
                    .toUpperCase()
                    .padStart(16, "0")}`,
                  fromMe: false,
                  text: "Oi",
                }
              : { id: `MIRAGE${n.toString(16).toUpperCase()}`, fromMe: true, text: "Temos uma oferta para você" }
            : null,
        replay: false,
      };
    };
    const cpu = sampleBackendCpu(admin);
    const start = performance.now();
    for (let n = 0; n < total; n++) {
      // A replay delivers an id that was already delivered (same message again after a reconnect).
      const replay = sent.length > 0 && (n * 7919) % 1000 < replayShare * 1000;
      const m = replay ? (sent[(n * 31) % sent.length] as InboundMessage) : make(n);
      if (!replay) sent.push(m);
      pipeline.accept({ ...m, replay });
      // Yield now and then, as a socket's event loop would, so batches flush while messages keep coming.
      if (n % batchMax === 0) await new Promise((r) => setImmediate(r));
    }
    await pipeline.close();
    const seconds = (performance.now() - start) / 1000;
    const dbCpu = await cpu.stop();
    const [check] = await admin<{ n: number }[]>`select count(*)::int as n from public.inbound_messages`;
    if (check?.n !== stored || stored !== sent.length) {
      throw new Error(`dedupe broke: ${check?.n} rows, ${stored} reported stored, ${sent.length} distinct sent`);
    }
    // Each stored message counted unread once and written to the webhook once.
    const [after] = await admin<{ unread: number; hooks: number }[]>`
      select (select coalesce(sum(unread_count), 0)::int from public.conversations) as unread,
             (select count(*)::int from public.webhook_deliveries where event_type = 'message:inbound') as hooks`;
    if (after?.unread !== stored || after.hooks !== stored) {
      throw new Error(`counts broke: ${after?.unread} unread, ${after?.hooks} webhooks for ${stored} stored`);
    }
    return { stored, handled: total, seconds, dbCpu };
  } finally {
    await cleanup?.();
    cleanup = undefined;
  }
}

const results: Result[] = [];
const baseline: Result[] = [];
const loads: number[] = [];
if (values.baseline) baselineDir = await baselineMigrations();
try {
  for (let r = 0; r < rounds; r++) {
    loads.push(loadavg()[0] ?? 0);
    if (baselineDir) baseline.push(await round(baselineDir));
    results.push(await round());
  }
} finally {
  await removeBaselineDir();
}
loads.push(loadavg()[0] ?? 0);
const rate = (rs: Result[], k: "stored" | "handled") => Math.round(median(rs.map((r) => r[k] / r.seconds)));
const storedPerSecond = rate(results, "stored");
/** Median database CPU ms per stored message, or null when /proc could not be read. */
const cpuPerMessage = (rs: Result[]) => {
  const xs = rs.filter((r) => r.dbCpu !== null).map((r) => ((r.dbCpu as number) * 1000) / r.stored);
  return xs.length > 0 ? Number(median(xs).toFixed(3)) : null;
};
const load = loads.map((l) => l.toFixed(1)).join(" → ");
console.log(
  JSON.stringify({
    bench: "inbound ingestion with dedupe",
    messages: total,
    senders,
    instances: instanceCount,
    replayShare,
    batch: batchMax,
    rounds,
    loadAverage1m: load,
    storedPerSecond,
    handledPerSecond: rate(results, "handled"),
    runs: results.map((r) => Math.round(r.stored / r.seconds)),
    dbCpuMsPerStored: cpuPerMessage(results),
    ...(baseline.length > 0 && {
      baseline: {
        storedPerSecond: rate(baseline, "stored"),
        handledPerSecond: rate(baseline, "handled"),
        runs: baseline.map((r) => Math.round(r.stored / r.seconds)),
        dbCpuMsPerStored: cpuPerMessage(baseline),
      },
      speedup: Number((storedPerSecond / rate(baseline, "stored")).toFixed(2)),
    }),
    goal: "≥ 1000 stored/s",
    pass: storedPerSecond >= 1000,
  }),
);
if (baseline.length > 0) {
  console.log(
    `baseline (before ${BASELINE_BEFORE}): ${rate(baseline, "stored")} stored/s, ${rate(baseline, "handled")} handled/s, database CPU ${cpuPerMessage(baseline)} ms per stored message`,
  );
}
console.log(
  `inbound ingestion: ${storedPerSecond} stored/s, ${rate(results, "handled")} handled/s, database CPU ${cpuPerMessage(results)} ms per stored message (median of ${rounds}; load average ${load}); goal ≥ 1000 stored/s: ${storedPerSecond >= 1000 ? "met" : "NOT met"}`,
);
