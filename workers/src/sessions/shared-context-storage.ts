import { AsyncLocalStorage } from "node:async_hooks";
import { createRequire, syncBuiltinESMExports } from "node:module";

/**
 * Why this exists: Baileys (7.0.0-rc14) gives every socket's key store its own `AsyncLocalStorage` (its key
 * transactions). On Node 20 a storage that has run once is never unregistered, and every promise, timer and socket
 * callback the process creates afterwards is stamped by each registered storage: a worker pays for every socket it
 * has ever made — every hosted number, every reconnect — on every `await` (113 ns per await with none, 5.8 µs with
 * 50, 100 µs with 1,000: `bench/sessions/als-cost.ts`). Sockets made through `withSharedContextStorage` get a
 * {@link KeyedContextStorage} instead: a view that keeps its value under its own key inside one storage shared by
 * the whole process, so the process registers one storage however many sockets come and go. Baileys' code is not
 * changed; only the storage it is handed while its socket is built.
 */

/** The one real storage behind every view: the values of all views active in the current async context. */
const shared = new AsyncLocalStorage<ReadonlyMap<KeyedContextStorage<unknown>, unknown>>();
let viewsMade = 0;

/**
 * The subset of `AsyncLocalStorage` a library uses (`run`, `getStore`, `exit`, `enterWith`, `disable`), kept as one
 * entry of the shared storage's map. Views are independent of each other exactly as separate storages are: a value
 * set by one is invisible to another, nested `run`s restore the outer value when they end, and values follow the
 * async context (awaits, timers, callbacks) because the shared storage does.
 */
export class KeyedContextStorage<T> {
  /** As `AsyncLocalStorage.bind`: `fn` bound to the current async context (every view's value in it). */
  static bind = AsyncLocalStorage.bind.bind(AsyncLocalStorage);
  /** As `AsyncLocalStorage.snapshot`: a runner that calls functions in the current async context. */
  static snapshot = AsyncLocalStorage.snapshot.bind(AsyncLocalStorage);

  constructor() {
    viewsMade++;
  }

  /** The value of the innermost `run` of this view in the current async context, or `undefined`. */
  getStore(): T | undefined {
    return shared.getStore()?.get(this as KeyedContextStorage<unknown>) as T | undefined;
  }

  /** Runs `fn(...args)` with this view's value set to `store` (the other views' values unchanged); returns its result. */
  run<R, A extends unknown[]>(store: T, fn: (...args: A) => R, ...args: A): R {
    const next = new Map(shared.getStore());
    next.set(this as KeyedContextStorage<unknown>, store);
    return shared.run(next, fn, ...args);
  }

  /** Runs `fn(...args)` with this view unset (the other views' values unchanged); returns its result. */
  exit<R, A extends unknown[]>(fn: (...args: A) => R, ...args: A): R {
    const current = shared.getStore();
    if (!current?.has(this as KeyedContextStorage<unknown>)) return fn(...args);
    const next = new Map(current);
    next.delete(this as KeyedContextStorage<unknown>);
    return shared.run(next, fn, ...args);
  }

  /** Sets this view's value for the rest of the current synchronous execution and what it schedules. */
  enterWith(store: T): void {
    const next = new Map(shared.getStore());
    next.set(this as KeyedContextStorage<unknown>, store);
    shared.enterWith(next);
  }

  /** Nothing to release: a view registers nothing with the runtime. */
  disable(): void {}
}

/** How many views were made in this process (one per socket built through `withSharedContextStorage`). */
export function keyedContextStoragesMade(): number {
  return viewsMade;
}

// The CommonJS face of `node:async_hooks`: ES modules importing `AsyncLocalStorage` from it see what is assigned
// here once `syncBuiltinESMExports()` runs.
const asyncHooks = createRequire(import.meta.url)("node:async_hooks") as { AsyncLocalStorage: unknown };

/**
 * Calls `build()` (synchronous: a library constructor such as Baileys' `makeWASocket`) while `node:async_hooks`
 * exports {@link KeyedContextStorage} as `AsyncLocalStorage`, then puts the real class back, whatever `build` did.
 * Only code that constructs a storage during the call is affected: nothing else runs in between (it is synchronous),
 * and storages made before or after are real ones. Returns what `build` returned; rethrows what it threw. Costs
 * about 0.1 ms per call: `syncBuiltinESMExports` brings every built-in module's ES exports in line with its
 * CommonJS object, so a patch some other library made to a built-in's CommonJS exports becomes visible to ES
 * importers too. Checked for this worker's libraries: none patches one; only tsx (development) replaces
 * `module._resolveFilename`, which no ES module here imports.
 */
export function withSharedContextStorage<R>(build: () => R): R {
  const original = asyncHooks.AsyncLocalStorage;
  asyncHooks.AsyncLocalStorage = KeyedContextStorage;
  syncBuiltinESMExports();
  try {
    return build();
  } finally {
    asyncHooks.AsyncLocalStorage = original;
    syncBuiltinESMExports();
  }
}
