// Pairs N real Baileys 7.0.0-rc14 sessions against one wa-sim (in a child process), then measures messages.
// Usage: npx tsx bench/wa-sim/pair-1000.ts [N=1000] [--concurrency 16] [--messages 1000] [--rounds 3]
// Prints pairing throughput, client RSS per session, and simulator RSS and CPU per 1,000 messages delivered and
// read (round 0: new contacts; then `rounds` repeat rounds to the same contacts, reported as medians).
import { fork } from "node:child_process";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import {
  closeSocket,
  type PairedSession,
  pairSession,
  type SimTarget,
  trackMessageStatus,
} from "../../packages/wa-sim/src/testing/index.ts";
import { intArg, shutdown, track } from "../lib.ts";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    concurrency: { type: "string", default: "16" },
    "send-concurrency": { type: "string", default: "16" },
    messages: { type: "string", default: "1000" },
    rounds: { type: "string", default: "3" },
  },
});
const N = intArg("N", positionals[0], 1000);
const CONCURRENCY = intArg("concurrency", values.concurrency, 16);
const SEND_CONCURRENCY = intArg("send-concurrency", values["send-concurrency"], 16);
const MESSAGES = intArg("messages", values.messages, 1000);
const ROUNDS = intArg("rounds", values.rounds, 3);
const READ = 4;

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};
function clientRss(): number {
  gc();
  gc();
  return process.memoryUsage().rss;
}

type Usage = { memory: NodeJS.MemoryUsage; cpu: NodeJS.CpuUsage; stats: Record<string, number> };
const child = track(
  fork(new URL("./sim-process.ts", import.meta.url), { execArgv: [...process.execArgv, "--expose-gc"] }),
);
let nextId = 1;
const pending = new Map<number, (body: Record<string, unknown>) => void>();
const ready = new Promise<{ url: string; rootPublicKey: string }>((resolve) => {
  child.on("message", (raw) => {
    const msg = raw as Record<string, unknown>;
    if (msg.ready) resolve(msg as { url: string; rootPublicKey: string });
    const waiter = pending.get(msg.id as number);
    if (waiter) {
      pending.delete(msg.id as number);
      waiter(msg);
    }
  });
});
function ask<T>(body: Record<string, unknown>): Promise<T> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, (reply) => (reply.error ? reject(new Error(String(reply.error))) : resolve(reply as T)));
    child.send({ ...body, id });
  });
}

async function pool<T>(count: number, limit: number, work: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, count) }, async () => {
      while (next < count) {
        const i = next++;
        out[i] = await work(i);
      }
    }),
  );
  return out;
}

// A socket that closes mid-run must not kill the benchmark: count it instead.
const closes = new Map<string, number>();
const failures = { sends: 0, statuses: 0 };
process.on("unhandledRejection", (err) => {
  failures.sends++;
  console.error("  unhandled rejection:", (err as Error)?.message ?? err);
});

const info = await ready;
const target: SimTarget = { url: info.url, rootPublicKey: Buffer.from(info.rootPublicKey, "hex") };
const phoneOf = (i: number) => String(5511800000000 + i);

// Warm up Baileys' modules so the baseline includes the library, not the sessions.
const warm = await pairSession(target, (qr) => ask<{ deviceId: number }>({ type: "scan", phone: phoneOf(N), qr }));
await closeSocket(warm.sock);
const rssBefore = clientRss();
const serverBefore = await ask<Usage>({ type: "usage" });

// Baileys ends a socket with 408 when no frame was processed for keepAlive + 5 s: event-loop stalls in the client
// process (CPU saturation, GC) show up as 408s, so the stall is measured too.
const loopDelay = monitorEventLoopDelay({ resolution: 20 });
loopDelay.enable();
const lagOf = () => {
  const out = { p99Ms: Math.round(loopDelay.percentile(99) / 1e6), maxMs: Math.round(loopDelay.max / 1e6) };
  loopDelay.reset();
  return out;
};
let finished = false;
const t0 = performance.now();
let done = 0;
const sessions: PairedSession[] = await pool(N, CONCURRENCY, async (i) => {
  const s = await pairSession(target, (qr) => ask<{ deviceId: number }>({ type: "scan", phone: phoneOf(i), qr }));
  s.sock.ev.on("connection.update", (u) => {
    if (u.connection !== "close" || finished) return;
    const code = String((u.lastDisconnect?.error as { output?: { statusCode?: number } })?.output?.statusCode);
    closes.set(code, (closes.get(code) ?? 0) + 1);
    console.error(`  session ${i} closed: ${code} after ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  });
  done++;
  if (done % 100 === 0) console.error(`  ${done}/${N} open (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  return s;
});
const pairSeconds = (performance.now() - t0) / 1000;
const pairingLag = lagOf();
await new Promise((r) => setTimeout(r, 2_000));
const rssAfter = clientRss();
const serverAfterPairing = await ask<Usage>({ type: "usage" });
const trackers = sessions.map((s) => trackMessageStatus(s.sock));

// Messages: round 0 writes to MESSAGES contacts never written to before (usync, key fetch, X3DH, the contact's
// keys derived); the next rounds write to the same contacts again. Every message is waited for until read.
const rounds: Array<{ cpuMs: number; seconds: number; rssMb: number; clientLoopLag: ReturnType<typeof lagOf> }> = [];
for (let round = 0; round <= ROUNDS; round++) {
  const before = await ask<Usage>({ type: "usage" });
  const start = performance.now();
  await pool(MESSAGES, SEND_CONCURRENCY, async (k) => {
    const s = sessions[k % sessions.length];
    const t = trackers[k % sessions.length];
    if (!s || !t) return;
    const to = `${5521700000000 + k}@s.whatsapp.net`;
    try {
      const sent = await s.sock.sendMessage(to, { text: `round ${round} message ${k}` });
      await t.waitFor(sent?.key.id ?? "", READ, 60_000);
    } catch {
      failures.statuses++;
    }
  });
  const seconds = (performance.now() - start) / 1000;
  const after = await ask<Usage>({ type: "usage" });
  const cpuMs = (after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system) / 1000;
  rounds.push({ cpuMs: (cpuMs * 1000) / MESSAGES, seconds, rssMb: mb(after.memory.rss), clientLoopLag: lagOf() });
}
const received = await ask<{ count: number }>({ type: "received" });

const pairCpuMs =
  (serverAfterPairing.cpu.user + serverAfterPairing.cpu.system - serverBefore.cpu.user - serverBefore.cpu.system) /
  1000;
const serverEnd = await ask<Usage>({ type: "usage" });
const result = {
  sessions: N,
  openAfterPairing: serverAfterPairing.stats.companionsOnline,
  openAtEnd: serverEnd.stats.companionsOnline,
  closedDuringRun: Object.fromEntries(closes),
  failedMessages: failures,
  concurrency: CONCURRENCY,
  pairing: {
    seconds: Math.round(pairSeconds * 10) / 10,
    sessionsPerSecond: Math.round((N / pairSeconds) * 10) / 10,
  },
  client: {
    rssBeforeMb: mb(rssBefore),
    rssAfterMb: mb(rssAfter),
    rssPerSessionMb: Math.round(((rssAfter - rssBefore) / N / 2 ** 20) * 100) / 100,
    eventLoopLagDuringPairing: pairingLag,
  },
  simulator: {
    rssBeforeMb: mb(serverBefore.memory.rss),
    rssAfterPairingMb: mb(serverAfterPairing.memory.rss),
    heapAfterPairingMb: mb(serverAfterPairing.memory.heapUsed),
    cpuMsPerPairing: Math.round((pairCpuMs / N) * 10) / 10,
    messagesPerRound: MESSAGES,
    sendConcurrency: SEND_CONCURRENCY,
    newContactsRound: {
      cpuMsPer1000Messages: Math.round(rounds[0]?.cpuMs ?? 0),
      clientLoopLag: rounds[0]?.clientLoopLag,
      secondsPer1000Messages: Math.round((((rounds[0]?.seconds ?? 0) * 1000) / MESSAGES) * 10) / 10,
    },
    repeatRounds: rounds
      .slice(1)
      .map((r) => ({ ...r, cpuMs: Math.round(r.cpuMs), seconds: Math.round(r.seconds * 10) / 10 })),
    medianCpuMsPer1000Messages: Math.round(median(rounds.slice(1).map((r) => r.cpuMs))),
    medianSecondsPer1000Messages:
      Math.round(median(rounds.slice(1).map((r) => (r.seconds * 1000) / MESSAGES)) * 10) / 10,
    rssAfterMessagesMb: rounds.at(-1)?.rssMb,
    messagesReceivedByContacts: received.count,
  },
};
console.log(JSON.stringify(result, null, 2));

finished = true;
await Promise.all(sessions.map((s) => closeSocket(s.sock)));
await shutdown(0);
