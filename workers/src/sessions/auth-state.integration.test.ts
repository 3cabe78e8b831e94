import { markSending } from "@mirage/db/outbound-messages";
import { generateKeyRingSpec, parseKeyRing } from "@mirage/secrets";
import { createOrgWithMembers } from "@mirage/testing/fixtures";
import { createTestDatabase, type TestDatabase } from "@mirage/testing/postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FencedError, loadPostgresAuthState } from "./auth-state.ts";

let t: TestDatabase;
let orgId: string;
let seq = 0;
const ring = parseKeyRing(generateKeyRingSpec("k1"));

beforeAll(async () => {
  t = await createTestDatabase();
  orgId = (await createOrgWithMembers(t.admin, "auth-state")).orgId;
});
afterAll(async () => {
  await t?.drop();
});

async function instance(epoch = 1): Promise<string> {
  const [row] = await t.admin<{ id: string }[]>`
    insert into public.instances (org_id, name, worker_id, epoch) values (${orgId}, ${`keys-${++seq}`}, 'w1', ${epoch}) returning id`;
  if (!row) throw new Error("no instance");
  return row.id;
}
const rows = (id: string) =>
  t.admin<{ type: string; id: string; ciphertext: Buffer; updated_at: Date }[]>`
    select type, id, ciphertext, updated_at from public.wa_auth_keys where instance_id = ${id} order by type, id`;

describe("Signal keys: cached in memory, group-committed, encrypted at rest", () => {
  it("a ratchet step is committed (encrypted) within a turn of set, on its own; reads afterwards come from memory", async () => {
    const id = await instance();
    const auth = await loadPostgresAuthState({ db: t.db, ring, fence: { instanceId: id, epoch: 1 } });
    const session = { _sessions: { abc: { secret: "ratchet-state-1" } } };
    await auth.state.keys.set({ session: { "5511@s.whatsapp.net.0": session as never } });
    // `set` of session records does not wait (they ride the next `sending` commit); none comes here.
    await auth.flush();
    const stored = await rows(id);
    expect(stored.map((r) => [r.type, r.id])).toEqual([["session", "5511@s.whatsapp.net.0"]]);
    expect(stored[0]?.ciphertext.includes(Buffer.from("ratchet-state-1"))).toBe(false);

    // Removed behind the host's back: the host is the only writer under its epoch, so memory stays authoritative.
    await t.admin`delete from public.wa_auth_keys where instance_id = ${id}`;
    const got = await auth.state.keys.get("session", ["5511@s.whatsapp.net.0", "absent"]);
    expect(got).toEqual({ "5511@s.whatsapp.net.0": session });
  });

  it("prefetching reads several types in one go into memory, decrypted", async () => {
    const id = await instance();
    const first = await loadPostgresAuthState({ db: t.db, ring, fence: { instanceId: id, epoch: 1 } });
    await first.state.keys.set({ "device-list": { "5511": ["0"] }, tctoken: { "5511@lid": { token: "t" } as never } });
    // WhatsApp's answers are written behind (with the next commit, or within a second): not there yet.
    expect(await rows(id)).toEqual([]);
    await first.flush();
    const second = await loadPostgresAuthState({ db: t.db, ring, fence: { instanceId: id, epoch: 1 } });
    await second.prefetchKeys([
      { type: "device-list", ids: ["5511", "absent"] },
      { type: "tctoken", ids: ["5511@lid"] },
    ]);
    // Removed behind its back: what was prefetched is served from memory.
    await t.admin`delete from public.wa_auth_keys where instance_id = ${id}`;
    expect(await second.state.keys.get("device-list", ["5511", "absent"])).toEqual({ "5511": ["0"] });
    expect(await second.state.keys.get("tctoken", ["5511@lid"])).toEqual({ "5511@lid": { token: "t" } });
  });

  it("prefetching in the caller's pipelined transaction starts its read at once and rides that round trip", async () => {
    const id = await instance();
    const first = await loadPostgresAuthState({ db: t.db, ring, fence: { instanceId: id, epoch: 1 } });
    await first.state.keys.set({
      session: { "77_1.0": { s: 1 } as never },
      tctoken: { "77@lid": { token: "t" } as never },
    });
    await first.flush();
    const second = await loadPostgresAuthState({ db: t.db, ring, fence: { instanceId: id, epoch: 1 } });
    // A statement started after the commit was queued would be refused (PipelinedLateStatementError).
    const [, marker] = await t.db.asServicePipelined((tx) =>
      Promise.all([
        second.prefetchKeys(
          [
            { type: "session", ids: ["77_1.0", "78_1.0"] },
            { type: "tctoken", ids: ["77@lid"] },
          ],
          tx,
        ),
        tx<{ role: string }[]>`select current_setting('role') as role`,
      ]),
    );
    expect(marker[0]?.role).toBe("service_role");
    await t.admin`delete from public.wa_auth_keys where instance_id = ${id}`;
    expect(await second.state.keys.get("session", ["77_1.0", "78_1.0"])).toEqual({ "77_1.0": { s: 1 } });
    expect(await second.state.keys.get("tctoken", ["77@lid"])).toEqual({ "77@lid": { token: "t" } });
  });

  it("keys another statement read as stored are taken into memory, decrypted; none stored means known absent", async () => {
    const id = await instance();
    const first = await loadPostgresAuthState({ db: t.db, ring, fence: { instanceId: id, epoch: 1 } });
    await first.state.keys.set({ "lid-mapping": { "5511": "77" } });
    await first.flush();
    const [row] = await t.admin<{ key_id: string; ciphertext: Buffer }[]>`
      select key_id, ciphertext from public.wa_auth_keys where instance_id = ${id} and type = 'lid-mapping'`;
    if (!row) throw new Error("not stored");
    const second = await loadPostgresAuthState({ db: t.db, ring, fence: { instanceId: id, epoch: 1 } });
    await second.state.keys.set({ "lid-mapping": { "5513": "79" } });
    await second.absorbStoredKeys([
      { type: "lid-mapping", id: "5511", stored: { keyId: row.key_id, ciphertext: row.ciphertext.toString("base64") } },
      { type: "lid-mapping", id: "5512", stored: null },
      // Already in memory (written here): what the statement read is older.
      { type: "lid-mapping", id: "5513", stored: null },
    ]);
    // Changed behind its back: memory answers, no read.
    await t.admin`delete from public.wa_auth_keys where instance_id = ${id}`;
    await t.admin`insert into public.wa_auth_keys (instance_id, org_id, type, id, key_id, ciphertext)
      values (${id}, ${orgId}, 'lid-mapping', '5512', ${row.key_id}, ${row.ciphertext})`;
    expect(await second.state.keys.get("lid-mapping", ["5511", "5512", "5513"])).toEqual({
      "5511": "77",
      "5513": "79",
    });
  });

  it("a fresh load reads and decrypts what was committed; an unchanged value is not written again", async () => {
    const id = await instance();
    const first = await loadPostgresAuthState({ db: t.db, ring, fence: { instanceId: id, epoch: 1 } });
    await first.state.keys.set({ "device-list": { "5511": ["0", "1"] } });
    await first.flush();
    const [before] = await rows(id);

    const second = await loadPostgresAuthState({ db: t.db, ring, fence: { instanceId: id, epoch: 1 } });
    expect(await second.state.keys.get("device-list", ["5511"])).toEqual({ "5511": ["0", "1"] });
    await second.state.keys.set({ "device-list": { "5511": ["0", "1"] } });
    await second.flush();
    const [after] = await rows(id);
    expect(after?.updated_at.getTime()).toBe(before?.updated_at.getTime());
    expect(after?.ciphertext.equals(before?.ciphertext ?? Buffer.alloc(0))).toBe(true);

    await second.state.keys.set({ "device-list": { "5511": ["0", "1", "2"] } });
    await second.flush();
    const [changed] = await rows(id);
    expect(changed?.ciphertext.equals(before?.ciphertext ?? Buffer.alloc(0))).toBe(false);
    await second.state.keys.set({ "device-list": { "5511": null } });
    await second.flush();
    expect(await rows(id)).toEqual([]);
    expect(await second.state.keys.get("device-list", ["5511"])).toEqual({});
  });

  it("concurrent writes are coalesced per key and all committed before their callers resume", async () => {
    const id = await instance();
    const auth = await loadPostgresAuthState({ db: t.db, ring, fence: { instanceId: id, epoch: 1 } });
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        auth.state.keys.set({ "sender-key-memory": { [`k${i % 10}`]: { n: i } as never } }),
      ),
    );
    const stored = await rows(id);
    expect(stored).toHaveLength(10);
    const reread = await loadPostgresAuthState({ db: t.db, ring, fence: { instanceId: id, epoch: 1 } });
    const values = await reread.state.keys.get("sender-key-memory", ["k0", "k9"]);
    expect(values).toEqual({ k0: { n: 20 }, k9: { n: 29 } });
  });

  it("a host that lost the epoch is refused, and a retried write after a failure is not mistaken for unchanged", async () => {
    const id = await instance(1);
    const auth = await loadPostgresAuthState({ db: t.db, ring, fence: { instanceId: id, epoch: 1 } });
    await t.admin`update public.instances set epoch = 2 where id = ${id}`;
    const write = { "app-state-sync-version": { regular: { version: 3 } as never } };
    await expect(auth.state.keys.set(write)).rejects.toBeInstanceOf(FencedError);
    expect(await rows(id)).toEqual([]);
    // The epoch comes back (a test-only move): the same write, retried as Baileys does, must reach the database.
    await t.admin`update public.instances set epoch = 1 where id = ${id}`;
    await auth.state.keys.set(write);
    expect((await rows(id)).map((r) => r.type)).toEqual(["app-state-sync-version"]);
  });
});

describe("ratchet steps ride the next sending commit", () => {
  async function claimedMessage(instanceId: string): Promise<number> {
    const [row] = await t.admin<{ id: number }[]>`
      insert into public.outbound_messages (org_id, instance_id, recipient_phone, body, source, state)
      values (${orgId}, ${instanceId}, '+5511999990000', 'oi', 'api', 'claimed') returning id`;
    if (!row) throw new Error("no message");
    return row.id;
  }
  const stateOf = async (id: number) =>
    (await t.admin<{ state: string }[]>`select state from public.outbound_messages where id = ${id}`)[0]?.state;
  const step = (n: number) => ({ session: { "5511@s.whatsapp.net.0": { _sessions: { n } } as never } });

  it("taken writes are committed with the sending mark, in one transaction, and not committed again", async () => {
    const id = await instance();
    const auth = await loadPostgresAuthState({ db: t.db, ring, fence: { instanceId: id, epoch: 1 } });
    const message = await claimedMessage(id);
    await auth.state.keys.set(step(1));
    const taken = await auth.takeKeyWrites();
    expect(taken).toBeDefined();
    const marked = await t.db.asServicePipelined(async (tx) => {
      const held = taken?.write(tx);
      const mark = markSending(tx, {
        id: message,
        waMessageId: "3EB0RIDE",
        recipientJid: "5511@s.whatsapp.net",
        instanceId: id,
        ...(taken ? { fence: taken.fence } : {}),
      });
      return Promise.all([held, mark]);
    });
    taken?.settle("committed");
    expect(marked).toEqual([true, "sending"]);
    const [stored] = await rows(id);
    expect(stored?.type).toBe("session");
    // Nothing left to commit: the write counts as durable, and writing the same value again is skipped.
    expect(await auth.takeKeyWrites()).toBeUndefined();
    await auth.state.keys.set(step(1));
    expect(await auth.takeKeyWrites()).toBeUndefined();
    await auth.flush();
    expect((await rows(id))[0]?.updated_at.getTime()).toBe(stored?.updated_at.getTime());
  });

  it("other instances' ratchet steps ride one instance's sending commit, each settled by its own fence", async () => {
    const [a, b, c] = [await instance(1), await instance(1), await instance(1)];
    const load = (id: string) => loadPostgresAuthState({ db: t.db, ring, fence: { instanceId: id, epoch: 1 } });
    const [authA, authB, authC] = [await load(a), await load(b), await load(c)];
    const fenced: FencedError[] = [];
    authC.onFenced((err) => fenced.push(err));
    authB.onFenced((err) => fenced.push(err));
    const message = await claimedMessage(a);
    await t.admin`update public.instances set epoch = 2 where id = ${c}`;
    await authA.state.keys.set(step(1));
    await authB.state.keys.set(step(2));
    await authC.state.keys.set(step(3));
    // Their steps wait a few ms for a carrier: still pending, handed over without waiting.
    const own = await authA.takeKeyWrites();
    const others = [authB.takeKeyWritesIfIdle(), authC.takeKeyWritesIfIdle()];
    if (!own || others.some((o) => !o)) throw new Error("nothing taken");
    const [held, state, othersHeld] = await t.db.asServicePipelined((tx) =>
      Promise.all([
        own.write(tx),
        markSending(tx, { id: message, waMessageId: "3EB0CARRY", recipientJid: "x", instanceId: a, fence: own.fence }),
        Promise.all(others.map((o) => o?.write(tx))),
      ]),
    );
    own.settle("committed");
    for (const [i, o] of others.entries()) o?.settle(othersHeld[i] === false ? "fenced" : "committed");
    expect([held, state, othersHeld]).toEqual([true, "sending", [true, false]]);
    expect((await rows(a)).map((r) => r.type)).toEqual(["session"]);
    expect((await rows(b)).map((r) => r.type)).toEqual(["session"]);
    // The instance another host took wrote nothing, and only it learns it lost the instance.
    expect(await rows(c)).toEqual([]);
    expect(fenced).toHaveLength(1);
    expect(fenced[0]?.message).toContain(c);
    // B's step counts as durable: nothing left for a commit of its own.
    await authB.flush();
    expect(authB.takeKeyWritesIfIdle()).toBeUndefined();
  });

  it("a host that lost the instance neither writes the keys nor marks the row, and stops", async () => {
    const id = await instance(1);
    const auth = await loadPostgresAuthState({ db: t.db, ring, fence: { instanceId: id, epoch: 1 } });
    const fenced: FencedError[] = [];
    auth.onFenced((err) => fenced.push(err));
    const message = await claimedMessage(id);
    await t.admin`update public.instances set epoch = 2 where id = ${id}`;
    await auth.state.keys.set(step(2));
    const taken = await auth.takeKeyWrites();
    if (!taken) throw new Error("nothing taken");
    const marked = await t.db.asServicePipelined(async (tx) => {
      const held = taken.write(tx);
      const mark = markSending(tx, { id: message, waMessageId: "3EB0GONE", recipientJid: "x", fence: taken.fence });
      return Promise.all([held, mark]);
    });
    taken.settle("fenced");
    expect(marked).toEqual([false, "gone"]);
    expect(await stateOf(message)).toBe("claimed");
    expect(await rows(id)).toEqual([]);
    expect(fenced).toHaveLength(1);
  });

  it("writes of a failed transaction are pending again and committed by the next one", async () => {
    const id = await instance();
    const auth = await loadPostgresAuthState({ db: t.db, ring, fence: { instanceId: id, epoch: 1 } });
    await auth.state.keys.set(step(3));
    const first = await auth.takeKeyWrites();
    first?.settle({ failed: new Error("connection lost") });
    expect(await rows(id)).toEqual([]);
    const again = await auth.takeKeyWrites();
    expect(again).toBeDefined();
    await t.db.asServicePipelined(async (tx) => again?.write(tx));
    again?.settle("committed");
    const reread = await loadPostgresAuthState({ db: t.db, ring, fence: { instanceId: id, epoch: 1 } });
    expect(await reread.state.keys.get("session", ["5511@s.whatsapp.net.0"])).toEqual({
      "5511@s.whatsapp.net.0": { _sessions: { n: 3 } },
    });
  });
});
