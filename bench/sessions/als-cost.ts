/**
 * What Node 20 charges every promise for each AsyncLocalStorage that ever ran, even once it is unreachable: Baileys
 * 7.0.0-rc14 makes one per socket (its key store's transactions), and a worker makes a socket per connection — every
 * instance, every reconnect. Times `--awaits` awaits with 0 storages, then after `--steps` more storages have each
 * run once and been dropped (a full GC between, when run with --expose-gc). Prints ns per await at each count.
 *
 *   node --expose-gc --import tsx bench/sessions/als-cost.ts [--steps 50,500,1000] [--awaits 100000]
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { parseArgs } from "node:util";

const { values } = parseArgs({ options: { steps: { type: "string" }, awaits: { type: "string" } } });
const steps = (values.steps ?? "50,500,1000").split(",").map(Number);
const awaits = Number(values.awaits ?? 100_000);
if (steps.some((n) => !Number.isInteger(n) || n < 0) || !Number.isInteger(awaits) || awaits < 1_000) {
  throw new Error("--steps takes ascending whole numbers, --awaits a whole number ≥ 1000");
}

async function nsPerAwait(): Promise<number> {
  const t = process.hrtime.bigint();
  for (let i = 0; i < awaits; i++) await Promise.resolve(i);
  return Number(process.hrtime.bigint() - t) / awaits;
}

const gc = (globalThis as { gc?: () => void }).gc;
let made = 0;
const rows: { storages: number; nsPerAwait: number }[] = [{ storages: 0, nsPerAwait: await nsPerAwait() }];
for (const n of steps) {
  for (; made < n; made++) new AsyncLocalStorage().run({}, () => undefined);
  gc?.();
  rows.push({ storages: n, nsPerAwait: await nsPerAwait() });
}
for (const r of rows)
  process.stdout.write(`${r.storages} storages run once and dropped: ${r.nsPerAwait.toFixed(0)} ns per await\n`);
process.stdout.write(
  `${JSON.stringify({ bench: "AsyncLocalStorage cost per await", gcBetween: gc !== undefined, rows })}\n`,
);
