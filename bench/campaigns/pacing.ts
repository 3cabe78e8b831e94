/**
 * Benchmark: pacing accuracy of the campaign engine. Several numbers (real Baileys sockets on wa-sim, the real
 * orchestrator and worker processes) send one campaign with short gaps; for every message, the instant its write
 * was planned for (the end of its "typing…": the write job's `plannedAt`, read when the queue reports the job
 * delayed; a worker that schedules the job at its planned instant has none and its due instant counts) is compared
 * with the instant wa-sim received it. Prints |actual − planned| p50/p95/p99/max (goal: p99 < 250 ms), where the
 * lateness goes (due → `sending` committed → received), the lead the worker scheduled writes ahead by, and the
 * per-number gaps wa-sim saw against the profile (never below its minimum gap, never constant).
 *
 *   npx tsx bench/campaigns/pacing.ts [--senders 4] [--recipients 200] [--baseline <dir>]
 *
 * `--baseline <dir>`: a second stack started from another checkout of the repository (with its node_modules), on
 * the same simulator with numbers and contacts of its own; both campaigns run at the same time, so old and new see
 * the same load of a noisy machine.
 */
import { createRequire } from "node:module";
import path from "node:path";
import { parseArgs } from "node:util";
import { Simulator } from "@mirage/wa-sim";
import { writeJobMessageId } from "../../workers/src/outreach/job-ids.ts";
import { intArg, onCleanup, percentile, shutdown } from "../lib.ts";
import { type LiveStack, redisUrl, startBaselineStack, startLiveStack, waitFor } from "./live-stack.ts";

const { values } = parseArgs({
  options: { senders: { type: "string" }, recipients: { type: "string" }, baseline: { type: "string" } },
});
const SENDERS = intArg("senders", values.senders, 4);
const RECIPIENTS = intArg("recipients", values.recipients, 200);
const PACING = {
  gapMs: { min: 400, max: 900 },
  breakEvery: { min: 0, max: 0 },
  breakMs: { min: 0, max: 0 },
  typingMsPerChar: 10,
  typingMs: { min: 200, max: 500 },
};

const requireFromWorkers = createRequire(path.resolve(import.meta.dirname, "../../workers/package.json"));
type Events = {
  on(event: "delayed", fn: (args: { jobId: string; delay: number }) => void): void;
  on(event: "completed", fn: (args: { jobId: string; returnvalue: unknown }) => void): void;
  waitUntilReady(): Promise<unknown>;
  close(): Promise<void>;
};
const { QueueEvents } = requireFromWorkers("bullmq") as {
  QueueEvents: new (
    name: string,
    opts: { connection: { url: string }; prefix: string; lastEventId?: string },
  ) => Events;
};

const percentiles = (xs: number[]) => ({
  p50: Math.round(percentile(xs, 50)),
  p95: Math.round(percentile(xs, 95)),
  p99: Math.round(percentile(xs, 99)),
  max: Math.round(Math.max(...xs)),
});

async function main(): Promise<void> {
  const t0 = Date.now();
  const sim = await Simulator.start({
    seed: "bench-pacing",
    contactDefaults: { deliveryDelayMs: 30, readDelayMs: null },
  });
  onCleanup(() => sim.close());
  const stacks: [string, LiveStack][] = [["current", await startLiveStack({ senders: SENDERS, sim })]];
  if (values.baseline) {
    const base = await startBaselineStack({ senders: SENDERS, sim, codeRoot: values.baseline });
    stacks.push(["baseline", base]);
  }
  console.log(`stack(s) up with ${SENDERS} paired numbers in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  try {
    // At the same time: both see the same minutes of a noisy machine.
    await Promise.all(stacks.map(([label, stack]) => measure(label, stack)));
  } finally {
    for (const [, stack] of stacks) await stack.close();
  }
}

async function measure(label: string, stack: LiveStack): Promise<void> {
  const log = (line: string) => console.log(values.baseline ? `[${label}] ${line}` : line);
  /** message id → planned write instant and the instant its job was due (epoch ms). */
  const planned = new Map<number, { at: number; due: number }>();
  const events = new QueueEvents(`worker-${stack.workerId}-outreach`, {
    connection: { url: redisUrl },
    prefix: stack.prefix,
    // From the stream's start (the stack's prefix is new): read from "$", events written before the reader's first
    // read, or between two empty ones, would be missed.
    lastEventId: "0-0",
  });
  events.on("delayed", ({ jobId, delay }) => {
    const id = writeJobMessageId(jobId);
    if (id === undefined) return;
    // BullMQ reports when the delayed job becomes due (an absolute timestamp in ms).
    const due = Number(delay) > 1e12 ? Number(delay) : Date.now() + Number(delay);
    if (!planned.has(id)) planned.set(id, { at: due, due });
  });
  // A write job answers its planned and due instants (a job due at once is never reported delayed).
  events.on("completed", ({ jobId, returnvalue }) => {
    const id = writeJobMessageId(jobId);
    if (id === undefined) return;
    const v = (typeof returnvalue === "string" ? JSON.parse(returnvalue) : returnvalue) as {
      plannedAt?: number;
      dueAt?: number;
    } | null;
    if (typeof v?.plannedAt === "number" && typeof v.dueAt === "number") {
      planned.set(id, { at: v.plannedAt, due: v.dueAt });
    }
  });
  await events.waitUntilReady();
  try {
    const { id } = await stack.campaign(RECIPIENTS, PACING);
    const started = await stack.call("POST", `/campaigns/${id}/start`, { now: true });
    if (started.body?.status !== "running") throw new Error(`start: ${JSON.stringify(started.body)}`);
    const s0 = Date.now();
    await waitFor(
      async () => ((await stack.call("GET", `/campaigns/${id}`)).body.status === "completed" ? true : undefined),
      30 * 60_000,
      "campaign completed",
    );
    const took = (Date.now() - s0) / 1000;
    const rows = await stack.admin<{ id: number; wa: string; sendingAt: Date }[]>`
      select id::int, wa_message_id as wa, sending_at as "sendingAt" from public.outbound_messages
      where campaign_id = ${id} and wa_message_id is not null`;
    const received = new Map(
      stack.accounts.flatMap((a) => stack.sim.groundTruth.messages({ account: a })).map((m) => [m.id, m]),
    );
    const deltas: number[] = [];
    const signed: number[] = [];
    const toSending: number[] = [];
    const toReceipt: number[] = [];
    const leads: number[] = [];
    for (const r of rows) {
      const p = planned.get(r.id);
      const got = received.get(r.wa);
      if (p === undefined || !got) continue;
      signed.push(got.receivedAt.getTime() - p.at);
      deltas.push(Math.abs(got.receivedAt.getTime() - p.at));
      leads.push(p.at - p.due);
      if (r.sendingAt) {
        toSending.push(r.sendingAt.getTime() - p.due);
        toReceipt.push(got.receivedAt.getTime() - r.sendingAt.getTime());
      }
    }
    const gaps: number[] = [];
    for (const a of stack.accounts) {
      const mine = stack.sim.groundTruth
        .messages({ account: a })
        .map((m) => m.receivedAt.getTime())
        .sort((x, y) => x - y);
      for (let i = 1; i < mine.length; i++) gaps.push((mine[i] as number) - (mine[i - 1] as number));
    }
    const p = percentiles(deltas);
    const s = percentiles(signed);
    const g = percentiles(gaps);
    log(`campaign of ${RECIPIENTS} over ${SENDERS} numbers completed in ${took.toFixed(1)} s`);
    log(`matched ${deltas.length} messages (planned write instant ↔ wa-sim receipt)`);
    // Nothing matched is a broken measurement (e.g. the write jobs' ids changed), never a met goal.
    if (deltas.length === 0) throw new Error("no write job matched a received message: nothing was measured");
    log(
      `|actual − planned| ms: p50 ${p.p50}, p95 ${p.p95}, p99 ${p.p99}, max ${p.max}; goal p99 < 250 ms: ${p.p99 < 250 ? "met" : "NOT met"}`,
    );
    log(
      `actual − planned ms (signed): p1 ${Math.round(percentile(signed, 1))}, p50 ${s.p50}, p95 ${s.p95}, p99 ${s.p99}`,
    );
    const d = percentiles(toSending);
    const w = percentiles(toReceipt);
    const l = percentiles(leads);
    log(`job due → 'sending' committed ms: p50 ${d.p50}, p95 ${d.p95}, p99 ${d.p99}`);
    log(`'sending' committed → wa-sim receipt ms: p50 ${w.p50}, p95 ${w.p95}, p99 ${w.p99}`);
    log(`write scheduled ahead of plan (lead) ms: p50 ${l.p50}, p95 ${l.p95}, max ${l.max}`);
    const distinct = new Set(gaps).size;
    log(
      `per-number gaps wa-sim saw ms: p50 ${g.p50}, p95 ${g.p95}, min ${Math.min(...gaps)} (profile: gap ≥ ${PACING.gapMs.min}, + typing ≥ ${PACING.typingMs.min}); ${distinct} distinct of ${gaps.length}; ${Math.min(...gaps) >= PACING.gapMs.min ? "within" : "BELOW"} the profile's minimum gap`,
    );
  } finally {
    await events.close();
  }
}

main()
  .then(() => shutdown(0))
  .catch((err: unknown) => {
    console.error(err);
    return shutdown(1);
  });
