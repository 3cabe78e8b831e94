import { AsyncLocalStorage, executionAsyncResource } from "node:async_hooks";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { initAuthCreds, type SignalDataTypeMap } from "@whiskeysockets/baileys";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { KeyedContextStorage, keyedContextStoragesMade, withSharedContextStorage } from "./shared-context-storage.ts";
import { createWaSocket, prepareTarget, type WASocket } from "./wa-socket.ts";

const tick = () => new Promise((r) => setTimeout(r, 1));

/**
 * How many storages Node has registered: on Node 20 each registered storage stamps every new async resource with a
 * property of its own (described `kResourceStore`), so a fresh timer's resource carries one per storage.
 */
function registeredStorages(): Promise<number> {
  return new Promise((resolve) =>
    setImmediate(() =>
      resolve(
        Object.getOwnPropertySymbols(executionAsyncResource()).filter((s) => s.description === "kResourceStore").length,
      ),
    ),
  );
}

describe("KeyedContextStorage", () => {
  it("keeps each view's value apart, restores the outer value after a nested run, and follows awaits and timers", async () => {
    const a = new KeyedContextStorage<string>();
    const b = new KeyedContextStorage<string>();
    expect(a.getStore()).toBeUndefined();
    const seen = await a.run("a1", async () => {
      await tick();
      const inner = await b.run("b1", async () => {
        await tick();
        const nested = await a.run("a2", async () => [a.getStore(), b.getStore()]);
        return [a.getStore(), b.getStore(), ...nested];
      });
      const later = await new Promise((r) => setTimeout(() => r(a.getStore()), 1));
      return [...inner, a.getStore(), b.getStore(), later];
    });
    expect(seen).toEqual(["a1", "b1", "a2", "b1", "a1", undefined, "a1"]);
    expect(a.getStore()).toBeUndefined();
    expect(b.getStore()).toBeUndefined();
  });

  it("exit hides only its own view, and run passes arguments and returns the result", () => {
    const a = new KeyedContextStorage<number>();
    const b = new KeyedContextStorage<number>();
    const out = a.run(1, () => b.run(2, () => a.exit((x: number) => [a.getStore(), b.getStore(), x], 7)));
    expect(out).toEqual([undefined, 2, 7]);
    expect(a.run(3, (x: number, y: number) => x + y + (a.getStore() ?? 0), 4, 5)).toBe(12);
  });

  it("binds and snapshots the async context with every view's value, as AsyncLocalStorage's statics do", () => {
    const a = new KeyedContextStorage<string>();
    const bound = a.run("bound", () => KeyedContextStorage.bind(() => a.getStore()));
    const snap = a.run("snapshot", () => KeyedContextStorage.snapshot());
    expect(bound()).toBe("bound");
    expect(snap(() => a.getStore())).toBe("snapshot");
    expect(a.getStore()).toBeUndefined();
  });

  it("keeps concurrent runs of one view apart", async () => {
    const a = new KeyedContextStorage<number>();
    const read = (n: number) =>
      a.run(n, async () => {
        await new Promise((r) => setTimeout(r, 5 - n));
        return a.getStore();
      });
    expect(await Promise.all([read(1), read(2), read(3)])).toEqual([1, 2, 3]);
  });
});

describe("withSharedContextStorage", () => {
  const asyncHooks = createRequire(import.meta.url)("node:async_hooks") as { AsyncLocalStorage: unknown };

  it("hands storages made inside the call a view, puts the real class back even when the call throws", async () => {
    const made = withSharedContextStorage(() => new AsyncLocalStorage());
    expect(made).toBeInstanceOf(KeyedContextStorage);
    expect(() =>
      withSharedContextStorage(() => {
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(asyncHooks.AsyncLocalStorage).toBe(AsyncLocalStorage);
    expect(new AsyncLocalStorage()).not.toBeInstanceOf(KeyedContextStorage);
  });

  it("the probe sees every real storage that ran (the control for the socket test below)", async () => {
    const before = await registeredStorages();
    for (let i = 0; i < 3; i++) new AsyncLocalStorage().run(i, () => undefined);
    expect(await registeredStorages()).toBe(before + 3);
  });

  it("Baileys sockets made through createWaSocket register no storage of their own, and their key transactions work", {
    timeout: 30_000,
  }, async () => {
    // A listener that accepts and drops: the sockets are only built, never logged in.
    const server = createServer((c) => c.destroy());
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    const target = { kind: "simulator" as const, url: `ws://127.0.0.1:${port}/ws`, rootPublicKeyHex: "00".repeat(32) };
    await prepareTarget(target);
    const logger = pino({ level: "silent" });
    const sockets: WASocket[] = [];
    try {
      // One socket first: the shared storage registers once, on its first run.
      const first = createWaSocket(target, { creds: initAuthCreds(), keys: memoryKeys() }, logger);
      sockets.push(first);
      await first.authState.keys.transaction(async () => undefined, "warm");
      const before = await registeredStorages();
      const viewsBefore = keyedContextStoragesMade();
      for (let i = 0; i < 5; i++) {
        const sock = createWaSocket(target, { creds: initAuthCreds(), keys: memoryKeys() }, logger);
        sockets.push(sock);
        const inside = await sock.authState.keys.transaction(async () => {
          await tick();
          return sock.authState.keys.isInTransaction();
        }, `k${i}`);
        expect(inside).toBe(true);
        expect(sock.authState.keys.isInTransaction()).toBe(false);
      }
      expect(keyedContextStoragesMade() - viewsBefore).toBe(5);
      expect(await registeredStorages()).toBe(before);
      // A transaction of one socket is not one of another's.
      const [a, b] = sockets as [WASocket, WASocket];
      const crossed = await a.authState.keys.transaction(async () => b.authState.keys.isInTransaction(), "x");
      expect(crossed).toBe(false);
    } finally {
      for (const s of sockets) s.end(undefined);
      await new Promise((r) => server.close(r));
    }
  });
});

/** An in-memory Signal key store: what the sockets above need to be built (nothing is persisted). */
function memoryKeys() {
  const data = new Map<string, unknown>();
  return {
    get: async <T extends keyof SignalDataTypeMap>(type: T, ids: string[]) =>
      Object.fromEntries(ids.flatMap((id) => (data.has(`${type}:${id}`) ? [[id, data.get(`${type}:${id}`)]] : []))) as {
        [id: string]: SignalDataTypeMap[T];
      },
    set: async (entries: { [T in keyof SignalDataTypeMap]?: { [id: string]: SignalDataTypeMap[T] | null } }) => {
      for (const [type, byId] of Object.entries(entries))
        for (const [id, value] of Object.entries(byId ?? {})) data.set(`${type}:${id}`, value);
    },
  };
}
