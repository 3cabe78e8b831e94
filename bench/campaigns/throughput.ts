/**
 * Benchmark: campaign engine throughput with zero gaps, and its CPU per message against a bare Baileys loop.
 * `--senders` numbers (real Baileys sockets on wa-sim, the real orchestrator and worker processes) send one campaign
 * whose pacing profile has no gap, no break and no typing; a message counts once WhatsApp acknowledged it and its row
 * says `sent`. Prints messages/s end to end (start → last row `sent`), the worker's CPU per message (read from
 * /proc, from the start until every row is `delivered`), and, in the same run to the same contacts, the CPU per
 * message of a bare `sock.sendMessage` loop (until wa-sim saw every message delivered); goal: engine ≤ 1.3× bare.
 * A warm-up campaign and a warm-up bare loop (other contacts, `--warmup` messages each) run first, not measured: the
 * engine runs far more code than the loop, and a measure taken while the JIT is still compiling it is not the
 * steady state a campaign of hours runs in. Postgres is measured too: its
 * transactions and its backends' CPU per message (every connection to the run's database: worker and orchestrator).
 *
 *   npx tsx bench/campaigns/throughput.ts [--senders 8] [--recipients 400] [--rounds 1] [--warmup 200]
 *     [--baseline <dir>]
 *   (--senders 50 pairs fifty numbers)
 *
 * `--baseline <dir>`: a second stack (orchestrator, worker, database) started from another checkout of the repository
 * (with its node_modules, e.g. `git worktree add` of main), paired on the same simulator with numbers of its own; the
 * rounds alternate between the two, each with its own bare loop to the same (fresh) contacts, so old and new are
 * measured side by side on the same minutes of a noisy machine.
 */
import { parseArgs } from "node:util";
import { PACING_NO_GAPS } from "@mirage/contracts/campaigns";
import { Simulator } from "@mirage/wa-sim";
import { cpuMs, intArg, median, onCleanup, shutdown } from "../lib.ts";
import { startBareLoop } from "../messaging/bare-loop.ts";
import { type LiveStack, startBaselineStack, startLiveStack, waitFor } from "./live-stack.ts";

const { values } = parseArgs({
  options: {
    senders: { type: "string" },
    recipients: { type: "string" },
    rounds: { type: "string" },
    warmup: { type: "string" },
    baseline: { type: "string" },
  },
});
const SENDERS = intArg("senders", values.senders, 8);
const RECIPIENTS = intArg("recipients", values.recipients, 400);
// The contacts' phones derive from the campaign's number (one digit): three rounds at most per stack.
const ROUNDS = Math.min(3, intArg("rounds", values.rounds, 1));
const WARMUP = Math.max(SENDERS * 2, intArg("warmup", values.warmup, 200));
const BARE_ACCOUNT = "5511966299999";
const BASELINE_BARE_ACCOUNT = "5511966299998";
/** How long the worker's idle CPU is sampled before the measured campaign, ms. */
const IDLE_MS = 5_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round2 = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/** How many of the campaign's rows are at least `sent`, and at least `delivered`. */
async function progress(stack: LiveStack, campaignId: string) {
  const [row] = await stack.admin<{ sent: number; delivered: number; other: number }[]>`
    select count(*) filter (where state in ('sent', 'delivered', 'read'))::int as sent,
      count(*) filter (where state in ('delivered', 'read'))::int as delivered,
      count(*) filter (where state in ('failed', 'skipped', 'cancelled', 'unknown'))::int as other
    from public.outbound_messages where campaign_id = ${campaignId}`;
  return row ?? { sent: 0, delivered: 0, other: 0 };
}

/** Postgres backends of the run's database: their pids, and its committed and rolled back transactions. */
async function pgStats(stack: LiveStack) {
  const backends = await stack.admin<{ pid: number }[]>`
    select pid from pg_stat_activity where datname = ${stack.name} and pid <> pg_backend_pid()`;
  const [db] = await stack.admin<{ xacts: number }[]>`
    select (xact_commit + xact_rollback)::int as xacts from pg_stat_database where datname = ${stack.name}`;
  const cpu = new Map<number, number>();
  for (const b of backends) {
    try {
      cpu.set(b.pid, cpuMs(b.pid));
    } catch {
      // A backend that ended meanwhile.
    }
  }
  return { cpu, xacts: db?.xacts ?? 0 };
}
/** Postgres CPU spent between two snapshots, ms (backends present in both; connections kept by the pools). */
function pgCpuBetween(a: Map<number, number>, b: Map<number, number>): number {
  let ms = 0;
  for (const [pid, end] of b) ms += end - (a.get(pid) ?? end);
  return ms;
}

/** Starts a zero-gap campaign of `recipients` and waits until its rows are `sent` (then `delivered`). */
async function runCampaign(stack: LiveStack, recipients: number) {
  const { id, phones } = await stack.campaign(recipients, PACING_NO_GAPS);
  const pg0 = await pgStats(stack);
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
  const workerMs = (cpuMs(stack.pids.worker) - c0.worker) / recipients;
  const orchestratorMs = (cpuMs(stack.pids.orchestrator) - c0.orchestrator) / recipients;
  const pg1 = await pgStats(stack);
  return {
    phones,
    seconds,
    workerMs,
    orchestratorMs,
    pgMs: pgCpuBetween(pg0.cpu, pg1.cpu) / recipients,
    pgXacts: (pg1.xacts - pg0.xacts) / recipients,
  };
}

type Bare = Awaited<ReturnType<typeof startBareLoop>> & { account: string };

/** The bare loop to `phones` (one message each), CPU per message until wa-sim saw all of them delivered. */
async function runBare(stack: LiveStack, bare: Bare, phones: string[]) {
  const delivered = () =>
    stack.sim.groundTruth.messages({ account: bare.account }).filter((m) => m.deliveredAt !== undefined).length;
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

type Target = { label: string; stack: LiveStack; bare: Bare };
type Round = Awaited<ReturnType<typeof runCampaign>> & { bareMs: number; bareSeconds: number };

async function measure(t: Target) {
  // What the worker spends with nothing to send (sweeps, heartbeats, keep-alives): part of any per-message figure
  // taken over a wall-clock window, the larger the slower the run.
  const idle0 = { worker: cpuMs(t.stack.pids.worker), bare: cpuMs(t.bare.pid) };
  await sleep(IDLE_MS);
  const idle = (cpuMs(t.stack.pids.worker) - idle0.worker) / (IDLE_MS / 1000);
  const bareIdle = (cpuMs(t.bare.pid) - idle0.bare) / (IDLE_MS / 1000);
  const engine = await runCampaign(t.stack, RECIPIENTS);
  const bare = await runBare(t.stack, t.bare, engine.phones);
  const round: Round = { ...engine, bareMs: bare.cpuMs, bareSeconds: bare.seconds };
  const active = engine.workerMs - (idle * engine.seconds) / RECIPIENTS;
  const bareActive = bare.cpuMs - (bareIdle * bare.seconds) / RECIPIENTS;
  console.log(
    `[${t.label}] ${RECIPIENTS} over ${SENDERS} numbers in ${engine.seconds.toFixed(1)} s: ${round2(RECIPIENTS / engine.seconds, 1)} msg/s; CPU ms/message worker ${round2(engine.workerMs)}, bare ${round2(bare.cpuMs)} (${bare.seconds.toFixed(1)} s) → ${round2(engine.workerMs / bare.cpuMs)}×; idle ms/s worker ${round2(idle)}, bare ${round2(bareIdle)}; above idle ${round2(active)} vs ${round2(bareActive)} → ${round2(active / bareActive)}×; orchestrator ${round2(engine.orchestratorMs)}; Postgres ${round2(engine.pgMs)} ms and ${round2(engine.pgXacts, 1)} transactions per message`,
  );
  return round;
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const sim = await Simulator.start({
    seed: "bench-throughput",
    contactDefaults: { deliveryDelayMs: 30, readDelayMs: null },
  });
  onCleanup(() => sim.close());
  const targets: Target[] = [];
  const up = async (label: string, stack: LiveStack, bareAccount: string) => {
    const bare = { ...(await startBareLoop(sim, bareAccount)), account: bareAccount };
    targets.push({ label, stack, bare });
    console.log(`[${label}] stack up with ${SENDERS} paired numbers in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  };
  await up("current", await startLiveStack({ senders: SENDERS, sim }), BARE_ACCOUNT);
  if (values.baseline) {
    const base = await startBaselineStack({ senders: SENDERS, sim, codeRoot: values.baseline });
    await up("baseline", base, BASELINE_BARE_ACCOUNT);
  }
  try {
    // Warm-up, not measured: JIT, the numbers' own device lists, connections and caches of both sides.
    for (const t of targets) {
      const warm = await runCampaign(t.stack, WARMUP);
      await runBare(t.stack, t.bare, warm.phones);
    }
    const results = new Map<string, Round[]>(targets.map((t) => [t.label, []]));
    // Interleaved, so both see the same minutes of a noisy machine.
    for (let r = 0; r < ROUNDS; r++) for (const t of targets) results.get(t.label)?.push(await measure(t));
    for (const [label, rounds] of results) {
      const rate = median(rounds.map((x) => RECIPIENTS / x.seconds));
      const worker = median(rounds.map((x) => x.workerMs));
      const bare = median(rounds.map((x) => x.bareMs));
      const ratio = median(rounds.map((x) => x.workerMs / x.bareMs));
      console.log(
        `${label}: median of ${rounds.length}: ${round2(rate, 1)} messages/s (server ack received, row 'sent'); CPU ms/message: engine (worker) ${round2(worker)}, bare Baileys loop ${round2(bare)}; ratio ${round2(ratio)}× — goal ≤ 1.3×: ${ratio <= 1.3 ? "met" : "NOT met"}; Postgres ${round2(median(rounds.map((x) => x.pgMs)))} ms/message, ${round2(median(rounds.map((x) => x.pgXacts)), 1)} transactions/message`,
      );
    }
  } finally {
    for (const t of targets) {
      t.bare.close();
      await t.stack.close();
    }
  }
}

main()
  .then(() => shutdown(0))
  .catch((err: unknown) => {
    console.error(err);
    return shutdown(1);
  });
