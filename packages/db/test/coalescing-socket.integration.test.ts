import net from "node:net";
import { createTestDatabase, type TestDatabase } from "@mirage/testing/postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Database } from "../src/client.ts";
import { coalescingSocket, wantsTls } from "../src/coalescing-socket.ts";

let t: TestDatabase;
let db: Database;

beforeAll(async () => {
  t = await createTestDatabase();
  db = createDb({ url: t.appUrl, max: 2, coalesceWrites: true });
}, 60_000);
afterAll(async () => {
  await db?.close();
  await t?.drop();
});

const turn = () => new Promise<void>((r) => setImmediate(r));

describe("coalescing socket", () => {
  it("holds a large write until the turn after next, so what follows joins it; small writes are not held", async () => {
    const received: number[] = [];
    const server = net.createServer((s) => s.on("data", (d) => received.push(d.length)));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as net.AddressInfo;
    const socket = coalescingSocket({ host: ["127.0.0.1"], port: [port] });
    await new Promise<void>((r) => socket.once("connect", r));
    try {
      socket.write(Buffer.alloc(10));
      expect(socket.writableCorked).toBe(0);
      socket.write(Buffer.alloc(4096));
      expect(socket.writableCorked).toBe(1);
      await turn();
      // postgres.js writes the rest of the transaction at the next turn: still corked then.
      socket.write(Buffer.alloc(20));
      expect(socket.writableCorked).toBe(1);
      await turn();
      await turn();
      expect(socket.writableCorked).toBe(0);
      await expect.poll(() => received.reduce((a, b) => a + b, 0)).toBe(10 + 4096 + 20);
    } finally {
      socket.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it("a pipelined transaction with a large statement commits through it, and a failing one still rolls back", async () => {
    const big = "x".repeat(8_000);
    const [a, b] = await db.asServicePipelined((tx) =>
      Promise.all([tx<{ n: number }[]>`select length(${big}::text) as n`, tx<{ one: number }[]>`select 1 as one`]),
    );
    expect(a[0]?.n).toBe(8_000);
    expect(b[0]?.one).toBe(1);
    await expect(
      db.asServicePipelined((tx) => Promise.all([tx`select length(${big}::text)`, tx`select 1/0`])),
    ).rejects.toThrow(/division by zero/);
    // The connection is still usable afterwards.
    const [row] = await db.asService((tx) => tx<{ ok: boolean }[]>`select true as ok`);
    expect(row?.ok).toBe(true);
  });

  it("is for plaintext connections only", () => {
    expect(wantsTls("postgres://u:p@127.0.0.1:5432/db")).toBe(false);
    expect(wantsTls("postgres://u:p@127.0.0.1:5432/db?sslmode=disable")).toBe(false);
    expect(wantsTls("postgres://u:p@db.example:6543/postgres?sslmode=require")).toBe(true);
  });
});
