import { describe, expect, it } from "vitest";
import { createSignalKeyCache, type KeyWrite } from "./signal-key-cache.ts";

/** A backing store in memory that records every commit, and can be told to fail or to hold one. */
function backing() {
  const stored = new Map<string, string>();
  const commits: KeyWrite[][] = [];
  let failNext: unknown;
  let gate: Promise<void> | undefined;
  return {
    stored,
    commits,
    failOnce(err: unknown) {
      failNext = err;
    },
    hold(): () => void {
      let open!: () => void;
      gate = new Promise((r) => {
        open = r;
      });
      return open;
    },
    store: {
      load: async (type: string, ids: string[]) =>
        new Map(ids.flatMap((id) => (stored.has(`${type}:${id}`) ? [[id, stored.get(`${type}:${id}`) ?? ""]] : []))),
      commit: async (writes: KeyWrite[]) => {
        commits.push(writes);
        if (gate) await gate;
        gate = undefined;
        if (failNext) {
          const err = failNext;
          failNext = undefined;
          throw err;
        }
        for (const w of writes) {
          if (w.text === null) stored.delete(`${w.type}:${w.id}`);
          else stored.set(`${w.type}:${w.id}`, w.text);
        }
      },
    },
  };
}
const json = (v: unknown) => JSON.stringify(v);
const turn = () => new Promise<void>((r) => setImmediate(r));
const afterWrite = new Set(["session"]);

describe("signal key cache: ratchet steps ride the next commit", () => {
  it("a session write does not wait, and is committed on its own at the next turn when nothing carries it", async () => {
    const b = backing();
    const cache = createSignalKeyCache(b.store, { afterWrite });
    await cache.set([{ type: "session", id: "a", value: { n: 1 } }], json);
    expect(b.commits).toHaveLength(0);
    expect(await cache.get("session", ["a"], JSON.parse)).toEqual({ a: { n: 1 } });
    await turn();
    await cache.flush();
    expect(b.stored.get("session:a")).toBe('{"n":1}');
    expect(b.commits).toHaveLength(1);
  });

  it("other types still resolve only once committed", async () => {
    const b = backing();
    const cache = createSignalKeyCache(b.store, { afterWrite });
    const open = b.hold();
    let done = false;
    const write = cache.set([{ type: "pre-key", id: "1", value: { k: 1 } }], json).then(() => {
      done = true;
    });
    await turn();
    expect(done).toBe(false);
    open();
    await write;
    expect(b.stored.get("pre-key:1")).toBe('{"k":1}');
  });

  it("taken writes are the caller's to commit: none of ours runs meanwhile nor after", async () => {
    const b = backing();
    const cache = createSignalKeyCache(b.store, { afterWrite });
    await cache.set([{ type: "session", id: "a", value: { n: 1 } }], json);
    await cache.set([{ type: "session", id: "b", value: { n: 1 } }], json);
    const taken = await cache.take();
    expect(taken?.writes.map((w) => `${w.type}:${w.id}`)).toEqual(["session:a", "session:b"]);
    await turn();
    await turn();
    expect(b.commits).toHaveLength(0);
    taken?.settle({ ok: true });
    // Committed by the caller: the same value again is unchanged, nothing more to commit.
    await cache.set([{ type: "session", id: "a", value: { n: 1 } }], json);
    expect(await cache.take()).toBeUndefined();
    await turn();
    await cache.flush();
    expect(b.commits).toHaveLength(0);
  });

  it("take waits for a commit of ours under way (commits never overlap)", async () => {
    const b = backing();
    const cache = createSignalKeyCache(b.store, { afterWrite });
    const open = b.hold();
    const order: string[] = [];
    const first = cache.set([{ type: "pre-key", id: "1", value: { k: 1 } }], json).then(() => order.push("commit"));
    await cache.set([{ type: "session", id: "a", value: { n: 2 } }], json);
    const taking = cache.take().then((t) => {
      order.push("taken");
      return t;
    });
    open();
    const taken = await taking;
    await first;
    expect(order).toEqual(["commit", "taken"]);
    expect(taken?.writes.map((w) => w.id)).toEqual(["a"]);
    taken?.settle({ ok: true });
    expect(b.commits).toHaveLength(1);
  });

  it("writes of a failed carrier are pending again and retried on their own; a final error stops the retries", async () => {
    const b = backing();
    const errors: unknown[] = [];
    const cache = createSignalKeyCache(b.store, {
      afterWrite,
      retryMs: 5,
      onBackgroundError: (err) => {
        errors.push(err);
        return err === "fenced" ? "stop" : "retry";
      },
    });
    await cache.set([{ type: "session", id: "a", value: { n: 3 } }], json);
    const taken = await cache.take();
    taken?.settle({ ok: false, err: "lost" });
    expect(cache.pendingCount()).toBe(1);
    await expect.poll(() => b.stored.get("session:a"), { timeout: 5_000 }).toBe('{"n":3}');
    expect(errors).toEqual(["lost"]);

    await cache.set([{ type: "session", id: "a", value: { n: 4 } }], json);
    b.failOnce("fenced");
    await turn();
    await cache.flush();
    expect(errors).toEqual(["lost", "fenced"]);
    expect(cache.pendingCount()).toBe(1);
    expect(b.stored.get("session:a")).toBe('{"n":3}');
  });

  it("flush commits what is pending at once (a host closing), and close drops nothing already taken", async () => {
    const b = backing();
    const cache = createSignalKeyCache(b.store, { afterWrite });
    await cache.set([{ type: "session", id: "a", value: { n: 5 } }], json);
    await cache.flush();
    expect(b.stored.get("session:a")).toBe('{"n":5}');
    await cache.set([{ type: "session", id: "b", value: { n: 6 } }], json);
    const taken = await cache.take();
    const closing = cache.close();
    taken?.settle({ ok: true });
    await closing;
    expect(await cache.get("session", ["b"], JSON.parse)).toEqual({ b: { n: 6 } });
  });
});

describe("signal key cache: a ratchet step waits a few ms for a carrier", () => {
  it("with afterWriteMs, it outlives the turn, is handed over without waiting, or commits on its own in time", async () => {
    const b = backing();
    const cache = createSignalKeyCache(b.store, { afterWrite, afterWriteMs: 60 });
    await cache.set([{ type: "session", id: "a", value: { n: 1 } }], json);
    await turn();
    expect(b.commits).toHaveLength(0);
    // Another instance's sending commit takes it at once.
    const taken = cache.takeIfIdle();
    expect(taken?.writes.map((w) => w.id)).toEqual(["a"]);
    // Until it settles, nothing else is handed over nor committed by us.
    await cache.set([{ type: "session", id: "b", value: { n: 2 } }], json);
    expect(cache.takeIfIdle()).toBeUndefined();
    taken?.settle({ ok: true });
    expect(b.commits).toHaveLength(0);
    // Nobody carries "b": its own commit within afterWriteMs.
    await expect.poll(() => b.stored.get("session:b"), { timeout: 5_000 }).toBe('{"n":2}');
    expect(b.commits).toHaveLength(1);
  });

  it("takeIfIdle never waits for a commit of ours: it answers undefined while one is under way", async () => {
    const b = backing();
    const cache = createSignalKeyCache(b.store, { afterWrite });
    const open = b.hold();
    const committing = cache.set([{ type: "pre-key", id: "1", value: { k: 1 } }], json);
    await cache.set([{ type: "session", id: "a", value: { n: 1 } }], json);
    expect(cache.takeIfIdle()).toBeUndefined();
    open();
    await committing;
    await cache.flush();
    expect(b.stored.get("session:a")).toBe('{"n":1}');
  });
});

describe("signal key cache: WhatsApp's answers are written behind", () => {
  const writeBehind = new Set(["lid-mapping", "device-list", "tctoken"]);
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it("a write-behind write does not wait, outlives a turn, and is committed on its own within writeBehindMs", async () => {
    const b = backing();
    const cache = createSignalKeyCache(b.store, { afterWrite, writeBehind, writeBehindMs: 80 });
    const t0 = performance.now();
    await cache.set([{ type: "lid-mapping", id: "5511", value: "99@lid" }], json);
    expect(await cache.get("lid-mapping", ["5511"], JSON.parse)).toEqual({ "5511": "99@lid" });
    await turn();
    await sleep(10);
    expect(b.commits).toHaveLength(0);
    await expect.poll(() => b.stored.get("lid-mapping:5511"), { timeout: 5_000 }).toBe('"99@lid"');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(75);
    expect(b.commits).toHaveLength(1);
  });

  it("rides the next commit of any kind: a sending commit's take, a ratchet step's turn, a write someone waits for", async () => {
    const b = backing();
    const cache = createSignalKeyCache(b.store, { afterWrite, writeBehind, writeBehindMs: 60_000 });
    await cache.set([{ type: "tctoken", id: "a@lid", value: { t: 1 } }], json);
    const taken = await cache.take();
    expect(taken?.writes.map((w) => w.type)).toEqual(["tctoken"]);
    taken?.settle({ ok: true });

    await cache.set([{ type: "device-list", id: "5511", value: ["0"] }], json);
    await cache.set([{ type: "session", id: "a.0", value: { n: 1 } }], json);
    await turn();
    await cache.flush();
    expect(b.commits.map((c) => c.map((w) => w.type).sort())).toEqual([["device-list", "session"]]);

    await cache.set([{ type: "lid-mapping", id: "5512", value: "98@lid" }], json);
    await cache.set([{ type: "pre-key", id: "7", value: { k: 1 } }], json);
    expect(
      b.commits
        .at(-1)
        ?.map((w) => w.type)
        .sort(),
    ).toEqual(["lid-mapping", "pre-key"]);
    expect(b.commits).toHaveLength(2);
    // Nothing left for a timer to commit.
    await sleep(20);
    expect(b.commits).toHaveLength(2);
  });

  it("flush commits them at once, and a failed commit of them is retried on its own", async () => {
    const b = backing();
    const errors: unknown[] = [];
    const cache = createSignalKeyCache(b.store, {
      writeBehind,
      writeBehindMs: 60_000,
      retryMs: 5,
      onBackgroundError: (err) => {
        errors.push(err);
        return "retry";
      },
    });
    await cache.set([{ type: "lid-mapping", id: "5511", value: "99@lid" }], json);
    await cache.flush();
    expect(b.stored.get("lid-mapping:5511")).toBe('"99@lid"');

    await cache.set([{ type: "lid-mapping", id: "5512", value: "98@lid" }], json);
    b.failOnce("lost");
    await cache.flush();
    expect(errors).toEqual(["lost"]);
    await expect.poll(() => b.stored.get("lid-mapping:5512"), { timeout: 5_000 }).toBe('"98@lid"');
  });
});

describe("prefetch", () => {
  it("reads several types in one call, skips what memory holds, and later gets read nothing", async () => {
    const b = backing();
    b.stored.set("session:5511_1.0", json({ s: 1 }));
    const calls: { type: string; ids: string[] }[][] = [];
    let loads = 0;
    const cache = createSignalKeyCache({
      ...b.store,
      load: async (type, ids) => {
        loads++;
        return b.store.load(type, ids);
      },
      loadMany: async (wanted) => {
        calls.push(wanted);
        return new Map(
          await Promise.all(wanted.map(async (w) => [w.type, await b.store.load(w.type, w.ids)] as const)),
        );
      },
    });
    await cache.get("tctoken", ["known@lid"], JSON.parse);
    expect(loads).toBe(1);
    await cache.prefetch(
      [
        { type: "session", ids: ["5511_1.0"] },
        { type: "tctoken", ids: ["known@lid", "new@lid"] },
      ],
      (_type, text) => JSON.parse(text),
    );
    // One call for both types, without the id memory already knows (absent is known too).
    expect(calls).toEqual([
      [
        { type: "session", ids: ["5511_1.0"] },
        { type: "tctoken", ids: ["new@lid"] },
      ],
    ]);
    expect(await cache.get("session", ["5511_1.0"], JSON.parse)).toEqual({ "5511_1.0": { s: 1 } });
    expect(await cache.get("tctoken", ["new@lid"], JSON.parse)).toEqual({});
    expect(loads).toBe(1);
    // Everything known: no call at all.
    await cache.prefetch([{ type: "session", ids: ["5511_1.0"] }], (_type, text) => JSON.parse(text));
    expect(calls).toHaveLength(1);
  });

  it("a write made while the prefetch read is newer than what it read", async () => {
    const b = backing();
    b.stored.set("session:a", json({ v: "old" }));
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const cache = createSignalKeyCache({
      ...b.store,
      loadMany: async (wanted) => {
        await gate;
        return new Map(
          await Promise.all(wanted.map(async (w) => [w.type, await b.store.load(w.type, w.ids)] as const)),
        );
      },
    });
    const reading = cache.prefetch([{ type: "session", ids: ["a"] }], (_type, text) => JSON.parse(text));
    await cache.set([{ type: "session", id: "a", value: { v: "new" } }], json);
    release();
    await reading;
    expect(await cache.get("session", ["a"], JSON.parse)).toEqual({ a: { v: "new" } });
  });
});

describe("forget (an erased person)", () => {
  it("drops the matching keys from memory and from the pending writes; the next read goes to the store", async () => {
    const b = backing();
    b.stored.set("session:p.0", '"old"');
    const cache = createSignalKeyCache(b.store, { afterWrite });
    expect(await cache.get("session", ["p.0", "q.0"], JSON.parse)).toEqual({ "p.0": "old" });
    // p.0 both held and written again (uncommitted), p.1 only written.
    await cache.set([{ type: "session", id: "p.0", value: "newer" }], json);
    await cache.set([{ type: "session", id: "p.1", value: "step" }], json);
    await cache.set([{ type: "session", id: "q.1", value: "kept" }], json);
    expect(cache.pendingCount()).toBe(3);
    // The erasure deletes the stored row; memory still answers it until forgotten.
    b.stored.delete("session:p.0");
    expect(await cache.get("session", ["p.0"], JSON.parse)).toEqual({ "p.0": "newer" });

    expect(cache.forget((type, id) => type === "session" && id.startsWith("p."))).toBe(2);
    expect(cache.pendingCount()).toBe(1);
    expect(await cache.get("session", ["p.0", "p.1", "q.1"], JSON.parse)).toEqual({ "q.1": "kept" });
    await cache.flush();
    // The dropped ratchet step was never written; the other person's was.
    expect([...b.stored.keys()].sort()).toEqual(["session:q.1"]);
  });
});
