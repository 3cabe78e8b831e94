/**
 * Benchmark: pause-to-silence latency. Several numbers (real Baileys sockets on wa-sim, the real orchestrator and
 * worker processes) send one campaign with short gaps; it is paused through the API `--pauses` times, each after a
 * stretch of sending, and resumed after each measurement. For each pause: the time from the pause call to the last
 * message wa-sim received from the campaign (0 when nothing arrived after the call). Prints median, p95 and max.
 *
 *   npx tsx bench/campaigns/pause.ts [--senders 4] [--pauses 8]
 */
import { parseArgs } from "node:util";
import { intArg, median, percentile, shutdown } from "../lib.ts";
import { startLiveStack, waitFor } from "./live-stack.ts";

const { values } = parseArgs({ options: { senders: { type: "string" }, pauses: { type: "string" } } });
const SENDERS = intArg("senders", values.senders, 4);
const PAUSES = intArg("pauses", values.pauses, 8);
const PACING = {
  gapMs: { min: 300, max: 700 },
  breakEvery: { min: 0, max: 0 },
  breakMs: { min: 0, max: 0 },
  typingMsPerChar: 10,
  typingMs: { min: 200, max: 500 },
};
/** After a pause, how long wa-sim is watched for a late message (ms): well beyond any typing plus write. */
const WATCH_MS = 5_000;

async function main(): Promise<void> {
  const t0 = Date.now();
  const stack = await startLiveStack({ senders: SENDERS });
  console.log(`stack up with ${SENDERS} paired numbers in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  try {
    const { id, phones } = await stack.campaign(PAUSES * SENDERS * 12 + 200, PACING);
    const mine = new Set(phones.map((p) => p.slice(1)));
    const received = () =>
      stack.accounts.flatMap((a) => stack.sim.groundTruth.messages({ account: a })).filter((m) => mine.has(m.contact));
    const started = await stack.call("POST", `/campaigns/${id}/start`, { now: true });
    if (started.body?.status !== "running") throw new Error(`start: ${JSON.stringify(started.body)}`);
    const latencies: number[] = [];
    for (let i = 0; i < PAUSES; i++) {
      // A stretch of sending: every number has sent a few since the (re)start.
      const before = received().length;
      await waitFor(() => (received().length >= before + SENDERS * 4 ? true : undefined), 10 * 60_000, "sending");
      const at = Date.now();
      const paused = await stack.call("POST", `/campaigns/${id}/pause`, {});
      if (paused.body?.status !== "paused") throw new Error(`pause: ${JSON.stringify(paused.body)}`);
      await new Promise((r) => setTimeout(r, WATCH_MS));
      const late = received()
        .map((m) => m.receivedAt.getTime())
        .filter((t) => t >= at);
      const latency = late.length > 0 ? Math.max(...late) - at : 0;
      latencies.push(latency);
      console.log(`pause ${i + 1}: last message ${latency} ms after the call (${late.length} after it)`);
      const resumed = await stack.call("POST", `/campaigns/${id}/resume`, {});
      if (resumed.body?.status !== "running") throw new Error(`resume: ${JSON.stringify(resumed.body)}`);
    }
    await stack.call("POST", `/campaigns/${id}/cancel`, {});
    console.log(
      `pause → silence over ${PAUSES} pauses, ${SENDERS} numbers: median ${median(latencies)} ms, ` +
        `p95 ${percentile(latencies, 95)} ms, max ${Math.max(...latencies)} ms`,
    );
  } finally {
    await stack.close();
  }
}

main()
  .then(() => shutdown(0))
  .catch((err: unknown) => {
    console.error(err);
    return shutdown(1);
  });
