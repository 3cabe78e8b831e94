/**
 * Inbound ingestion with dedupe: the worker's inbound pipeline (workers/src/messaging/inbound.ts — opt-out matching,
 * batching, private.ingest_inbound: dedupe on the WhatsApp id, contact and conversation upserts, reply linking,
 * webhook outbox) fed as fast as it takes messages, from `--senders` people over `--instances` instances, with a
 * share of replays (ids already stored, as after a reconnect) and of opt-out words. Goal: ≥ 1,000 messages/s stored.
 *
 *   npx tsx bench/messaging/inbound-ingest.ts [--messages 20000] [--senders 2000] [--instances 4] [--replays 0.1]
 *
 * Prints stored/s (new rows) and handled/s (replays included), medians of `--rounds` runs on a fresh database each.
 */
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { createDb } from "@mirage/db";
import { createLogger } from "@mirage/logger";
import postgres from "postgres";
import { createInboundPipeline } from "../../workers/src/messaging/inbound.ts";
import type { InboundMessage, SessionsPort } from "../../workers/src/sessions/index.ts";
import { BENCH_ADMIN_URL, benchDatabase, median } from "../lib.ts";

const { values } = parseArgs({
  options: {
    messages: { type: "string", default: "20000" },
    senders: { type: "string", default: "2000" },
    instances: { type: "string", default: "4" },
    replays: { type: "string", default: "0.1" },
    rounds: { type: "string", default: "3" },
    batch: { type: "string", default: "200" },
  },
});
const total = Math.min(Number(values.messages), 500_000);
const senders = Math.max(1, Number(values.senders));
const instanceCount = Math.max(1, Number(values.instances));
const replayShare = Math.min(0.9, Math.max(0, Number(values.replays)));
const rounds = Math.max(1, Math.min(Number(values.rounds), 10));
const batchMax = Number(values.batch);

const silent = createLogger({ service: "bench", level: "silent" });
const dbName = `mirage_bench_inbound_${randomBytes(4).toString("hex")}`;
let cleanup: (() => Promise<void>) | undefined;
process.once("SIGINT", () => void cleanup?.().then(() => process.exit(130)));
process.once("SIGTERM", () => void cleanup?.().then(() => process.exit(143)));

async function round(): Promise<{ stored: number; handled: number; seconds: number }> {
  const { adminUrl, appUrl } = await benchDatabase(dbName);
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
      logger: silent,
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
        text: texts[n % 97 === 0 ? 4 : n % 4] as string,
        at: new Date(),
        replay: false,
      };
    };
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
    const [check] = await admin<{ n: number }[]>`select count(*)::int as n from public.inbound_messages`;
    if (check?.n !== stored || stored !== sent.length) {
      throw new Error(`dedupe broke: ${check?.n} rows, ${stored} reported stored, ${sent.length} distinct sent`);
    }
    return { stored, handled: total, seconds };
  } finally {
    await cleanup?.();
    cleanup = undefined;
  }
}

const results: { stored: number; handled: number; seconds: number }[] = [];
for (let r = 0; r < rounds; r++) results.push(await round());
const storedPerSecond = median(results.map((r) => r.stored / r.seconds));
console.log(
  JSON.stringify({
    bench: "inbound ingestion with dedupe",
    messages: total,
    senders,
    instances: instanceCount,
    replayShare,
    batch: batchMax,
    rounds,
    storedPerSecond: Math.round(storedPerSecond),
    handledPerSecond: Math.round(median(results.map((r) => r.handled / r.seconds))),
    runs: results.map((r) => Math.round(r.stored / r.seconds)),
    goal: "≥ 1000 stored/s",
    pass: storedPerSecond >= 1000,
  }),
);
