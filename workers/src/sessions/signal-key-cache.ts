import { LRUCache } from "lru-cache";

/** One key as the store persists it: its type and id, and its serialized plaintext (null: deleted). */
export type KeyWrite = { type: string; id: string; text: string | null };

/**
 * Where the cache reads misses from and commits writes to. `load` answers the serialized plaintext of the ids
 * found (absent ids are not in the map); `commit` makes a batch durable in one transaction, or rejects.
 */
export type KeyBacking = {
  load(type: string, ids: string[]): Promise<Map<string, string>>;
  /** Several types in one transaction (as `load`, per type); without it `prefetch` loads type by type. */
  loadMany?(wanted: { type: string; ids: string[] }[]): Promise<Map<string, Map<string, string>>>;
  commit(writes: KeyWrite[]): Promise<void>;
};

type Entry = { text: string | null; value: unknown };

/** Pending writes handed to a caller's own transaction (see `take`): settle with the outcome of its commit. */
export type TakenWrites = { writes: KeyWrite[]; settle(outcome: { ok: true } | { ok: false; err: unknown }): void };

/**
 * The Signal key store of one hosted instance, in memory in front of Postgres.
 *
 * Reads are served from memory: this host is the only writer while it holds the instance's epoch (every write is
 * fenced), so what it wrote or read before is still true, absent keys included. Misses are read once and kept
 * (bounded LRU per instance; a key with an uncommitted write is never evicted from `pending`).
 *
 * Writes are group-committed: every write arriving while a commit is under way joins the next one (coalesced per
 * key, last write wins), and a write whose serialized value equals what is stored is skipped — not re-encrypted,
 * not written. Commits never overlap (a later value of a key can never be overwritten by an earlier commit).
 *
 * Durability. A `set` touching any type not in `afterWrite` resolves only once committed. A `set` of `afterWrite`
 * types only (the session records Baileys ratchets when it encrypts a message, after the frame is written) resolves
 * at once, and its writes are committed within `afterWriteMs` (default: the same turn of the event loop): by the
 * next `sending` commit of the instance when one comes (the send module carries them in its own transaction through
 * `take`, which precedes the next message's write), by another instance's when it takes them (`takeIfIdle`), else
 * by a commit of their own. That keeps the guarantee the store had when `set` waited: before the next message of
 * the instance is written, every ratchet step of the earlier ones is durable; a crash can lose at most the step of
 * the last frame written, in the moment between its write and the commit (Baileys writes the frame before it
 * commits the transaction that encrypted it, so the window was always there; `afterWriteMs` bounds it). It is
 * deliberately not an unbounded write-behind: a ratchet step lost after later messages left would make the next
 * message to that person reuse a message key the phone already used, and that message would not decrypt.
 *
 * A `set` of `writeBehind` types only (what Baileys keeps of WhatsApp's answers: LID mappings, device lists, privacy
 * tokens — re-asked or re-issued when missing, so losing the last second of them in a crash costs a query, never a
 * message) resolves at once too, and its writes join whichever commit comes next — a `sending` commit, a ratchet
 * step's, a write someone waits for — or are committed on their own after `writeBehindMs` (bounded: a second by
 * default). A first message to someone used to cost three commits of these alone (the mapping its check learned,
 * the device list with the new session, the token), each waited for.
 */
export function createSignalKeyCache(
  backing: KeyBacking,
  opts: {
    maxEntries?: number;
    /** Types whose writes `set` does not wait for, committed within a turn (see above). */
    afterWrite?: ReadonlySet<string>;
    /**
     * How long `afterWrite` writes wait for another transaction to carry them before their own commit, ms. Default
     * 0: the next turn of the event loop. A few ms let another instance's `sending` commit carry them (`takeIfIdle`).
     */
    afterWriteMs?: number;
    /** Types whose writes `set` does not wait for, committed with the next commit or within `writeBehindMs`. */
    writeBehind?: ReadonlySet<string>;
    /** Default 1000. */
    writeBehindMs?: number;
    /**
     * A commit failed while writes nobody waits for (`afterWrite`, `writeBehind`) were in it: they stay pending and, on "retry",
     * are committed again after `retryMs`; on "stop" (the host lost the instance) they wait for a later write.
     */
    onBackgroundError?: (err: unknown) => "retry" | "stop";
    retryMs?: number;
  } = {},
) {
  const afterWrite = opts.afterWrite ?? new Set<string>();
  const writeBehind = opts.writeBehind ?? new Set<string>();
  const writeBehindMs = opts.writeBehindMs ?? 1_000;
  const afterWriteMs = opts.afterWriteMs ?? 0;
  const waitedFor = (type: string) => !afterWrite.has(type) && !writeBehind.has(type);
  const cache = new LRUCache<string, Entry>({ max: opts.maxEntries ?? 5_000 });
  /** Written, not yet committed (coalesced per key). */
  let pending = new Map<string, KeyWrite & { value: unknown }>();
  let committing: Promise<void> | undefined;
  /** Resolves when the commit that will carry the current `pending` is done. */
  let next: { promise: Promise<void>; resolve: () => void; reject: (err: unknown) => void } | undefined;
  let closed = false;
  const keyOf = (type: string, id: string) => `${type}\u0000${id}`;
  const splitKey = (k: string) => k.split("\u0000") as [type: string, id: string];

  /** Set while a turn-delayed commit is due (the writes wait one turn for a `sending` commit to carry them). */
  let soon: { cancel(): void } | undefined;
  /** Runs `fire` at the next turn, or after `afterWriteMs`. */
  const arm = (fire: () => void): { cancel(): void } => {
    if (afterWriteMs > 0) {
      const t = setTimeout(fire, afterWriteMs);
      return { cancel: () => clearTimeout(t) };
    }
    const i = setImmediate(fire);
    return { cancel: () => clearImmediate(i) };
  };
  /** Set while only write-behind writes are pending: their own commit, unless another one carries them first. */
  let later: NodeJS.Timeout | undefined;
  /** Set while a caller's transaction carries writes taken with `take`: no commit of ours may overlap it. */
  let external: Promise<void> | undefined;

  /** The pending writes must be committed as soon as possible (someone waits, or their turn has passed). */
  let urgent = false;

  const due = () => {
    urgent = true;
    if (!committing && !external) void run();
  };
  /** The pending writes no longer wait for a timer: a commit of ours or someone's `take` now carries them. */
  function disarm(): void {
    soon?.cancel();
    soon = undefined;
    if (later) clearTimeout(later);
    later = undefined;
  }
  /** When the pending writes must be committed: now (someone waits), at the next turn, or within `writeBehindMs`. */
  function schedule(when: "now" | "turn" | "later" = "now"): Promise<void> {
    const p = ensureNext();
    if (when === "later") {
      if (!soon && !urgent) {
        later ??= setTimeout(() => {
          later = undefined;
          due();
        }, writeBehindMs);
        later.unref();
      }
      return p;
    }
    if (when === "turn") {
      if (later) clearTimeout(later);
      later = undefined;
      const fire = () => {
        soon = undefined;
        due();
      };
      soon ??= arm(fire);
      return p;
    }
    disarm();
    due();
    return p;
  }

  function ensureNext(): Promise<void> {
    if (!next) {
      let resolve!: () => void;
      let reject!: (err: unknown) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      // A caller that does not wait (a write skipped as unchanged joined nothing) must not leave an unhandled one.
      promise.catch(() => undefined);
      next = { promise, resolve, reject };
      return promise;
    }
    return next.promise;
  }

  let retry: NodeJS.Timeout | undefined;
  /** Not durable: the keys stay pending (unless written again meanwhile), so a retried write is not mistaken for an
   * unchanged one, and the next commit carries them; writes nobody waits for are retried on their own. */
  function restore(batch: Map<string, KeyWrite & { value: unknown }>, err: unknown): void {
    for (const [k, w] of batch) if (!pending.has(k)) pending.set(k, w);
    if (closed || retry || [...batch.values()].every((w) => waitedFor(w.type))) return;
    if ((opts.onBackgroundError?.(err) ?? "retry") === "stop") return;
    retry = setTimeout(() => {
      retry = undefined;
      if (pending.size > 0) void schedule();
    }, opts.retryMs ?? 200);
    retry.unref();
  }

  async function run(): Promise<void> {
    // Writes nobody waits for are left for their turn (or for a `take`) rather than chained behind this commit.
    while (next && urgent && !closed && !external) {
      urgent = false;
      const batch = pending;
      const waiter = next;
      pending = new Map();
      next = undefined;
      disarm();
      committing = backing.commit([...batch.values()].map(({ type, id, text }) => ({ type, id, text })));
      try {
        await committing;
        for (const [k, w] of batch) cache.set(k, { text: w.text, value: w.value });
        waiter.resolve();
      } catch (err) {
        restore(batch, err);
        waiter.reject(err);
      } finally {
        committing = undefined;
      }
    }
  }

  /** Keeps what a read found (absent ids as absent) unless written meanwhile; copies the values into `out`. */
  function absorb(
    type: string,
    ids: string[],
    loaded: Map<string, string>,
    parse: (text: string) => unknown,
    out?: Record<string, unknown>,
  ): void {
    for (const id of ids) {
      const k = keyOf(type, id);
      // Written while we were reading: the write is newer than what was read.
      if (pending.has(k) || cache.has(k)) {
        const e = pending.get(k) ?? cache.get(k);
        if (out && e && e.text !== null) out[id] = e.value;
        continue;
      }
      const text = loaded.get(id);
      if (text === undefined) {
        cache.set(k, { text: null, value: undefined });
      } else {
        const value = parse(text);
        cache.set(k, { text, value });
        if (out) out[id] = value;
      }
    }
  }

  /** Hands the pending writes to a caller's transaction (see `take`); none of ours may run until it settles. */
  function takeNow(): TakenWrites | undefined {
    if (closed || pending.size === 0) return undefined;
    const batch = pending;
    const waiter = next;
    pending = new Map();
    next = undefined;
    urgent = false;
    disarm();
    let done!: () => void;
    external = new Promise<void>((resolve) => {
      done = resolve;
    });
    let settled = false;
    return {
      writes: [...batch.values()].map(({ type, id, text }) => ({ type, id, text })),
      settle(outcome) {
        if (settled) return;
        settled = true;
        if (outcome.ok) {
          for (const [k, w] of batch) cache.set(k, { text: w.text, value: w.value });
          waiter?.resolve();
        } else {
          restore(batch, outcome.err);
          waiter?.reject(outcome.err);
        }
        external = undefined;
        done();
        if (next && !committing) void run();
      },
    };
  }

  return {
    /**
     * The values of `ids` of `type` (absent ones left out), parsed with `parse` when read from the backing store.
     * Values come back as stored in memory: callers must not mutate them (Baileys does not).
     */
    async get(type: string, ids: string[], parse: (text: string) => unknown): Promise<Record<string, unknown>> {
      const out: Record<string, unknown> = {};
      const missing: string[] = [];
      for (const id of ids) {
        const k = keyOf(type, id);
        const p = pending.get(k);
        if (p) {
          if (p.text !== null) out[id] = p.value;
          continue;
        }
        const e = cache.get(k);
        if (e) {
          if (e.text !== null) out[id] = e.value;
        } else missing.push(id);
      }
      if (missing.length > 0) absorb(type, missing, await backing.load(type, missing), parse, out);
      return out;
    },
    /**
     * Reads into memory, in one transaction, the keys of several types a coming operation will ask for one type at
     * a time (a first message to someone: their session, their LID mapping, the privacy token). Keys already in
     * memory are not read; absent ones are remembered as absent, as `get` does. `parse(type, text)` as in `get`.
     * `load` reads them in the caller's transaction instead (the send module's `sending` commit).
     */
    async prefetch(
      wanted: { type: string; ids: string[] }[],
      parse: (type: string, text: string) => unknown,
      /** Reads the missing keys instead of the backing store's own transaction (called before any await). */
      load?: (missing: { type: string; ids: string[] }[]) => Promise<Map<string, Map<string, string>>>,
    ): Promise<void> {
      const missing = wanted
        .map(({ type, ids }) => ({
          type,
          ids: ids.filter((id) => !pending.has(keyOf(type, id)) && !cache.has(keyOf(type, id))),
        }))
        .filter((w) => w.ids.length > 0);
      if (missing.length === 0) return;
      const loaded = load
        ? await load(missing)
        : backing.loadMany
          ? await backing.loadMany(missing)
          : new Map(await Promise.all(missing.map(async (w) => [w.type, await backing.load(w.type, w.ids)] as const)));
      for (const { type, ids } of missing) {
        absorb(type, ids, loaded.get(type) ?? new Map(), (text) => parse(type, text));
      }
    },
    /**
     * Writes (null deletes) and resolves once they are committed. `serialize` turns a value into the text stored;
     * a value equal to what is stored is not written again.
     */
    set(writes: { type: string; id: string; value: unknown }[], serialize: (value: unknown) => string): Promise<void> {
      let changed = false;
      let waits = false;
      let turn = false;
      for (const w of writes) {
        const k = keyOf(w.type, w.id);
        const text = w.value === null || w.value === undefined ? null : serialize(w.value);
        const p = pending.get(k);
        const stored = p ?? cache.get(k);
        if (!p && stored && stored.text === text) continue;
        pending.set(k, { type: w.type, id: w.id, text, value: text === null ? undefined : w.value });
        changed = true;
        if (waitedFor(w.type)) waits = true;
        else if (afterWrite.has(w.type)) turn = true;
      }
      if (closed || !changed) return Promise.resolve();
      if (waits) return schedule("now");
      void schedule(turn ? "turn" : "later");
      return Promise.resolve();
    },
    /**
     * Hands every pending write to the caller's own transaction (the next `sending` commit), once no commit of
     * ours is under way; undefined when nothing is pending. Until `settle` no other commit starts; on success the
     * writes count as committed (and whoever waited for them is released), on failure they are pending again.
     */
    async take(): Promise<TakenWrites | undefined> {
      while (committing || external) await (committing ?? external)?.catch(() => undefined);
      return takeNow();
    },
    /**
     * As `take`, without waiting: undefined while a commit of ours or a taken batch is under way (another
     * instance's `sending` commit carries these writes only when that costs it no wait).
     */
    takeIfIdle(): TakenWrites | undefined {
      return committing || external ? undefined : takeNow();
    },
    /** Waits for writes already made to be committed (or to fail). */
    async flush(): Promise<void> {
      if (next) {
        const waiting = next.promise;
        if (soon || later) void schedule("now");
        await waiting.catch(() => undefined);
      }
      await committing?.catch(() => undefined);
      await external;
    },
    /** Forgets everything and drops uncommitted writes (the credentials were wiped, or the host lost the instance). */
    clear(): void {
      cache.clear();
      pending = new Map();
      if (retry) clearTimeout(retry);
      retry = undefined;
    },
    /**
     * Drops the keys `match` picks, uncommitted writes included (an erased person); answers how many. A commit under
     * way may still write some: the caller waits for it (`flush`) and deletes them from the store after.
     */
    forget(match: (type: string, id: string) => boolean): number {
      const picked = new Set([...cache.keys(), ...pending.keys()].filter((k) => match(...splitKey(k))));
      for (const k of picked) {
        cache.delete(k);
        pending.delete(k);
      }
      return picked.size;
    },
    /** No more commits after this; waits for one under way. */
    async close(): Promise<void> {
      closed = true;
      disarm();
      if (retry) clearTimeout(retry);
      retry = undefined;
      next?.resolve();
      next = undefined;
      await committing?.catch(() => undefined);
      await external;
    },
    /** Writes not yet committed (for tests). */
    pendingCount: () => pending.size,
    /** Keys held in memory (for tests and metrics). */
    size: () => cache.size,
  };
}
