import { LRUCache } from "lru-cache";

/** One key as the store persists it: its type and id, and its serialized plaintext (null: deleted). */
export type KeyWrite = { type: string; id: string; text: string | null };

/**
 * Where the cache reads misses from and commits writes to. `load` answers the serialized plaintext of the ids
 * found (absent ids are not in the map); `commit` makes a batch durable in one transaction, or rejects.
 */
export type KeyBacking = {
  load(type: string, ids: string[]): Promise<Map<string, string>>;
  commit(writes: KeyWrite[]): Promise<void>;
};

type Entry = { text: string | null; value: unknown };

/**
 * The Signal key store of one hosted instance, in memory in front of Postgres.
 *
 * Reads are served from memory: this host is the only writer while it holds the instance's epoch (every write is
 * fenced), so what it wrote or read before is still true, absent keys included. Misses are read once and kept
 * (bounded LRU per instance; a key with an uncommitted write is never evicted from `pending`).
 *
 * Writes are group-committed: every write arriving while a commit is under way joins the next one (coalesced per
 * key, last write wins), and a write whose serialized value equals what is stored is skipped — not re-encrypted,
 * not written. `set` resolves only once its writes are committed. That is the crash guarantee: Baileys commits a
 * message's Signal transaction (the ratchet step that encrypted it, a new session, a consumed pre-key) before
 * `sendMessage` returns, so by the time the send module reports a message `sending`-and-written, every key that
 * message depended on and produced is durable; a crash can lose at most the keys of a write still on the socket,
 * exactly as with a store without cache. It is deliberately not fire-and-forget write-behind: a ratchet step lost
 * after its message left would make the next message to that person reuse a message key the phone already used,
 * and that message would not decrypt.
 */
export function createSignalKeyCache(backing: KeyBacking, opts: { maxEntries?: number } = {}) {
  const cache = new LRUCache<string, Entry>({ max: opts.maxEntries ?? 5_000 });
  /** Written, not yet committed (coalesced per key). */
  let pending = new Map<string, KeyWrite & { value: unknown }>();
  let committing: Promise<void> | undefined;
  /** Resolves when the commit that will carry the current `pending` is done. */
  let next: { promise: Promise<void>; resolve: () => void; reject: (err: unknown) => void } | undefined;
  let closed = false;
  const keyOf = (type: string, id: string) => `${type}\u0000${id}`;

  function schedule(): Promise<void> {
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
      if (!committing) void run();
      return promise;
    }
    return next.promise;
  }

  async function run(): Promise<void> {
    while (next && !closed) {
      const batch = pending;
      const waiter = next;
      pending = new Map();
      next = undefined;
      committing = backing.commit([...batch.values()].map(({ type, id, text }) => ({ type, id, text })));
      try {
        await committing;
        for (const [k, w] of batch) cache.set(k, { text: w.text, value: w.value });
        waiter.resolve();
      } catch (err) {
        // Not durable: the keys stay pending (unless written again meanwhile) so a retried write is not mistaken for
        // an unchanged one, and the next commit carries them.
        for (const [k, w] of batch) if (!pending.has(k)) pending.set(k, w);
        waiter.reject(err);
      } finally {
        committing = undefined;
      }
    }
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
      if (missing.length > 0) {
        const loaded = await backing.load(type, missing);
        for (const id of missing) {
          const k = keyOf(type, id);
          // Written while we were reading: the write is newer than what was read.
          if (pending.has(k) || cache.has(k)) {
            const e = pending.get(k) ?? cache.get(k);
            if (e && e.text !== null) out[id] = e.value;
            continue;
          }
          const text = loaded.get(id);
          if (text === undefined) {
            cache.set(k, { text: null, value: undefined });
          } else {
            const value = parse(text);
            cache.set(k, { text, value });
            out[id] = value;
          }
        }
      }
      return out;
    },
    /**
     * Writes (null deletes) and resolves once they are committed. `serialize` turns a value into the text stored;
     * a value equal to what is stored is not written again.
     */
    set(writes: { type: string; id: string; value: unknown }[], serialize: (value: unknown) => string): Promise<void> {
      let changed = false;
      for (const w of writes) {
        const k = keyOf(w.type, w.id);
        const text = w.value === null || w.value === undefined ? null : serialize(w.value);
        const p = pending.get(k);
        const stored = p ?? cache.get(k);
        if (!p && stored && stored.text === text) continue;
        pending.set(k, { type: w.type, id: w.id, text, value: text === null ? undefined : w.value });
        changed = true;
      }
      if (closed || !changed) return Promise.resolve();
      return schedule();
    },
    /** Waits for writes already made to be committed (or to fail). */
    async flush(): Promise<void> {
      if (next) await next.promise.catch(() => undefined);
      await committing?.catch(() => undefined);
    },
    /** Forgets everything and drops uncommitted writes (the credentials were wiped, or the host lost the instance). */
    clear(): void {
      cache.clear();
      pending = new Map();
    },
    /** No more commits after this; waits for one under way. */
    async close(): Promise<void> {
      closed = true;
      next?.resolve();
      next = undefined;
      await committing?.catch(() => undefined);
    },
    /** Keys held in memory (for tests and metrics). */
    size: () => cache.size,
  };
}
