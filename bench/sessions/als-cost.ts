/**
 * What Node 20 charges every promise for each AsyncLocalStorage that ever ran, even once it is unreachable: Baileys
 * 7.0.0-rc14 makes one per socket (its key store's transactions), and a worker makes a socket per connection — every
 * instance, every reconnect. Times `--awaits` awaits with 0 storages, then after `--steps` more storages have each
 * run once and been dropped (a full GC between, when run with --expose-gc). Prints ns per await at each count: first
 * for views of one shared storage (what the worker hands Baileys, workers/src/sessions/shared-context-storage.ts),
 * then for real storages (what Baileys would make on its own; they never leave, so they are measured last).
 *
 *   node --expose-gc --import tsx bench/sessions/als-cost.ts [--steps 50,500,1000] [--awaits 100000]
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { parseArgs } from "node:util";
import { KeyedContextStorage } from "../../workers/src/sessions/shared-context-storage.ts";

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
type Row = { kind: "none" | "views" | "storages"; count: number; nsPerAwait: number };
const rows: Row[] = [{ kind: "none", count: 0, nsPerAwait: await nsPerAwait() }];
async function grow(kind: "views" | "storages", make: () => { run(store: object, fn: () => void): void }) {
  let made = 0;
  for (const n of steps) {
    for (; made < n; made++) make().run({}, () => undefined);
    gc?.();
    rows.push({ kind, count: n, nsPerAwait: await nsPerAwait() });
  }
}
await grow("views", () => new KeyedContextStorage<object>());
await grow("storages", () => new AsyncLocalStorage<object>());
for (const r of rows) {
  const what = r.kind === "none" ? "no storage" : `${r.count} ${r.kind === "views" ? "views" : "real storages"}`;
  process.stdout.write(`${what} run once and dropped: ${r.nsPerAwait.toFixed(0)} ns per await\n`);
}
process.stdout.write(
  `${JSON.stringify({ bench: "AsyncLocalStorage cost per await", gcBetween: gc !== undefined, rows })}\n`,
);
