/**
 * Benchmark: campaign engine throughput with zero gaps, and its CPU per message against a bare Baileys loop.
 * `--senders` numbers (real Baileys sockets on wa-sim, the real orchestrator and worker processes) send one campaign
 * whose pacing profile has no gap, no break and no typing; a message counts once WhatsApp acknowledged it and its row
 * says `sent`. Prints messages/s end to end (start → last row `sent`), the worker's CPU per message (read from
 * /proc, from the start until every row is `delivered`), and, in the same run to the same contacts, the CPU per
 * message of a bare `sock.sendMessage` loop (until wa-sim saw every message delivered); goal: engine ≤ 1.3× bare.
 * A warm-up campaign and a warm-up bare loop (other contacts) run first, not measured.
 *
 *   npx tsx bench/campaigns/throughput.ts [--senders 8] [--recipients 400]   (--senders 50 pairs fifty numbers)
 */
import { parseArgs } from "node:util";
import { cpuMs, intArg, shutdown } from "../lib.ts";
import { startBareLoop } from "../messaging/bare-loop.ts";
import { type LiveStack, startLiveStack, waitFor } from "./live-stack.ts";

const { values } = parseArgs({ options: { senders: { type: "string" }, recipients: { type: "string" } } });
const SENDERS = intArg("senders", values.senders, 8);
const RECIPIENTS = intArg("recipients", values.recipients, 400);
const BARE_ACCOUNT = "5511966299999";
/** Zero gaps: the ZPacing schema accepts 0 everywhere (a user may choose it; the caps still apply). */
const NO_GAPS = {
  gapMs: { min: 0, max: 0 },
  breakEvery: { min: 0, max: 0 },
  breakMs: { min: 0, max: 0 },
  typingMsPerChar: 0,
  typingMs: { min: 0, max: 0 },
};
/** How long the worker's idle CPU is sampled before the measured campaign, ms. */
const IDLE_MS = 5_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/** How many of the campaign's rows are at least `sent`, and at least `delivered`. */
async function progress(stack: LiveStack, campaignId: string) {
  const [row] = await stack.admin<{ sent: number; delivered: number; other: number }[]>`
    select count(*) filter (where state in ('sent', 'delivered', 'read'))::int as sent,
      count(*) filter (where state in ('delivered', 'read'))::int as delivered,
      count(*) filter (where state in ('failed', 'skipped', 'cancelled', 'unknown'))::int as other
    from public.outbound_messages where campaign_id = ${campaignId}`;
  return row ?? { sent: 0, delivered: 0, other: 0 };
}

/** Starts a zero-gap campaign of `recipients` and waits until its rows are `sent` (then `delivered`). */
async function runCampaign(stack: LiveStack, recipients: number) {
  const { id, phones } = await stack.campaign(recipients, NO_GAPS);
  const c0 = { worker: cpuMs(stack.pids.worker), orchestrator: cpuMs(stack.pids.orchestrator) };
  const t0 = performance.now();
  const started = await stack.call("POST", `/campaigns/${id}/start`, { now: true });
  if (started.body?.status !== "running") throw new Error(`start: ${JSON.stringify(started.body)}`);
  let lastSent = 0;
  let moved = performance.now();
  await waitFor(
    async () => {
      const p = await progress(stack, id);
      if (p.other > 0) throw new Error(`${p.other} messages were not sent (failed, skipped, cancelled or unknown)`);
      if (p.sent !== lastSent) {
        lastSent = p.sent;
        moved = performance.now();
      }
      if (performance.now() - moved > 120_000) throw new Error(`stuck at ${p.sent}/${recipients} sent`);
      return p.sent >= recipients ? true : undefined;
    },
    60 * 60_000,
    "every row sent",
  );
  const seconds = (performance.now() - t0) / 1000;
  await waitFor(
    async () => ((await progress(stack, id)).delivered >= recipients ? true : undefined),
    300_000,
    "delivered",
  );
  await sleep(500);
  return {
    phones,
    seconds,
    workerMs: (cpuMs(stack.pids.worker) - c0.worker) / recipients,
    orchestratorMs: (cpuMs(stack.pids.orchestrator) - c0.orchestrator) / recipients,
  };
}

/** The bare loop to `phones` (one message each), CPU per message until wa-sim saw all of them delivered. */
async function runBare(stack: LiveStack, bare: Awaited<ReturnType<typeof startBareLoop>>, phones: string[]) {
  const delivered = () =>
    stack.sim.groundTruth.messages({ account: BARE_ACCOUNT }).filter((m) => m.deliveredAt !== undefined).length;
  const base = delivered();
  const c0 = cpuMs(bare.pid);
  const t0 = performance.now();
  await bare.send(
    phones.map((p) => `${p.replace(/^\+/, "")}@s.whatsapp.net`),
    phones.length,
    "Oi Pessoa, tudo bem?",
  );
  await waitFor(() => (delivered() >= base + phones.length ? true : undefined), 300_000, "bare messages delivered");
  const seconds = (performance.now() - t0) / 1000;
  await sleep(500);
  return { seconds, cpuMs: (cpuMs(bare.pid) - c0) / phones.length };
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const stack = await startLiveStack({ senders: SENDERS });
  console.log(`stack up with ${SENDERS} paired numbers in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const bare = await startBareLoop(stack.sim, BARE_ACCOUNT);
  try {
    // Warm-up, not measured: JIT, the numbers' own device lists, connections and caches of both sides.
    const warm = await runCampaign(stack, SENDERS * 2);
    await runBare(stack, bare, warm.phones);
    // What the worker spends with nothing to send (sweeps, heartbeats, keep-alives): part of any per-message figure
    // taken over a wall-clock window, the larger the slower the run.
    const idle0 = { worker: cpuMs(stack.pids.worker), bare: cpuMs(bare.pid) };
    await sleep(IDLE_MS);
    const idlePerSecond = (cpuMs(stack.pids.worker) - idle0.worker) / (IDLE_MS / 1000);
    const bareIdlePerSecond = (cpuMs(bare.pid) - idle0.bare) / (IDLE_MS / 1000);
    const engine = await runCampaign(stack, RECIPIENTS);
    const baseline = await runBare(stack, bare, engine.phones);
    const ratio = engine.workerMs / baseline.cpuMs;
    console.log(
      `campaign of ${RECIPIENTS} over ${SENDERS} numbers, zero gaps: every row sent in ${engine.seconds.toFixed(1)} s`,
    );
    console.log(`throughput: ${round(RECIPIENTS / engine.seconds, 1)} messages/s (server ack received, row 'sent')`);
    console.log(
      `CPU ms/message: engine (worker) ${round(engine.workerMs)}, bare Baileys loop ${round(baseline.cpuMs)} (its ${RECIPIENTS} in ${baseline.seconds.toFixed(1)} s); ratio ${round(ratio)}× — goal ≤ 1.3×: ${ratio <= 1.3 ? "met" : "NOT met"}`,
    );
    const engineActive = engine.workerMs - (idlePerSecond * engine.seconds) / RECIPIENTS;
    const bareActive = baseline.cpuMs - (bareIdlePerSecond * baseline.seconds) / RECIPIENTS;
    console.log(
      `CPU when idle, ms/s: worker ${round(idlePerSecond)}, bare ${round(bareIdlePerSecond)}; above idle, ms/message: engine ${round(engineActive)}, bare ${round(bareActive)}; ratio ${round(engineActive / bareActive)}×`,
    );
    console.log(
      `orchestrator CPU ms/message (planning, ticks, progress; not in the ratio): ${round(engine.orchestratorMs)}`,
    );
  } finally {
    bare.close();
    await stack.close();
  }
}

main()
  .then(() => shutdown(0))
  .catch((err: unknown) => {
    console.error(err);
    return shutdown(1);
  });
