/**
 * What a stack costs a worker. Baileys reads `new Error().stack` twice for every frame it writes (its
 * `promiseTimeout`), and a process run through tsx has Node's source maps enabled, so Node maps every frame of
 * those stacks. Times Baileys' own `promiseTimeout` called `--depth` frames deep, in rounds alternating four ways
 * of formatting: Node's default with source maps, `installLeanStackTraces` (what the orchestrator installs,
 * @mirage/logger), the same with Baileys' timing stacks cut to their first frames (what the worker installs:
 * `BAILEYS_TIMING_STACKS`), and source maps off (V8's formatting alone). Prints the median CPU µs per call of each,
 * and what lean and brief save per message at `--frames` frames written per message.
 *
 *   npx tsx bench/sessions/stack-cost.ts [--calls 20000] [--rounds 5] [--depth 6] [--frames 3]
 */
import { parseArgs } from "node:util";
import { installLeanStackTraces } from "@mirage/logger";
import { promiseTimeout } from "../../workers/node_modules/@whiskeysockets/baileys/lib/Utils/generics.js";
import { BAILEYS_TIMING_STACKS } from "../../workers/src/sessions/stack-traces.ts";
import { median } from "../lib.ts";

const { values } = parseArgs({
  options: {
    calls: { type: "string", default: "20000" },
    rounds: { type: "string", default: "5" },
    depth: { type: "string", default: "6" },
    frames: { type: "string", default: "3" },
  },
});
const calls = Number(values.calls);
const rounds = Number(values.rounds);
const depth = Number(values.depth);
const frames = Number(values.frames);
if (![calls, rounds, depth, frames].every((n) => Number.isInteger(n) && n > 0)) {
  throw new Error("--calls, --rounds, --depth and --frames take whole numbers > 0");
}
if (!process.sourceMapsEnabled) throw new Error("run it through tsx (npx tsx …): source maps must be enabled");

async function nested(n: number): Promise<void> {
  if (n > 0) return nested(n - 1);
  await promiseTimeout(60_000, (resolve: (v?: unknown) => void) => resolve());
}
const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
async function usPerCall(): Promise<number> {
  const c0 = cpuUs();
  for (let i = 0; i < calls; i++) await nested(depth);
  return (cpuUs() - c0) / calls;
}

type Mode = "node" | "lean" | "brief" | "off";
const runs: Record<Mode, number[]> = { node: [], lean: [], brief: [], off: [] };
for (let i = 0; i < 2_000; i++) await nested(depth); // JIT warm-up
for (let r = 0; r < rounds; r++) {
  for (const mode of ["node", "lean", "brief", "off"] as const) {
    const restore =
      mode === "lean"
        ? installLeanStackTraces()
        : mode === "brief"
          ? installLeanStackTraces({ brief: BAILEYS_TIMING_STACKS })
          : undefined;
    if (mode === "off") process.setSourceMapsEnabled(false);
    runs[mode].push(await usPerCall());
    restore?.();
    process.setSourceMapsEnabled(true);
  }
}
const med = (m: Mode) => Math.round(median(runs[m]) * 10) / 10;
console.log(
  JSON.stringify({
    bench: "stack formatting per Baileys promiseTimeout",
    calls,
    rounds,
    depth,
    usPerCall: { nodeSourceMaps: med("node"), lean: med("lean"), brief: med("brief"), sourceMapsOff: med("off") },
    leanSavesUsPerMessage: Math.round((med("node") - med("lean")) * frames),
    briefSavesUsPerMessage: Math.round((med("node") - med("brief")) * frames),
    leanVsNode: Math.round((med("lean") / med("node")) * 100) / 100,
  }),
);
