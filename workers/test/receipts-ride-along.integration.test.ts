// Receipts carried by the next `sending` commit, against real Postgres: the real send module and receipt handler, a
// sessions port that answers every write with its server ack, delivery and read at once (as a fast phone does).
import { assignInstance, insertInstance } from "@mirage/db/instances";
import { enqueueOutboundMessages } from "@mirage/db/outbound-messages";
import { claimDirectBatch } from "@mirage/db/send-claims";
import { createOrgWithMembers, type OrgFixture } from "@mirage/testing/fixtures";
import { createTestDatabase, type TestDatabase } from "@mirage/testing/postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createReceiptHandler } from "../src/messaging/receipts.ts";
import type { NumberResolver } from "../src/messaging/resolver.ts";
import { createSender } from "../src/messaging/sender.ts";
import type { Receipt, SessionsPort } from "../src/sessions/index.ts";
import { silent } from "./harness.ts";

let t: TestDatabase;
let org: OrgFixture;

beforeAll(async () => {
  t = await createTestDatabase();
  org = await createOrgWithMembers(t.admin, "ride-along");
}, 60_000);
afterAll(async () => {
  await t?.drop();
});

/** A port whose every write is acked, delivered and read at once; counts the transactions the receipts took. */
function fastPhone() {
  const listeners = new Set<(r: Receipt) => void>();
  let n = 0;
  const port = {
    canSend: () => ({ ok: true }),
    newMessageId: () => `3EB0RIDE${String(++n).padStart(6, "0")}`,
    takeSignalKeyWrites: async () => undefined,
    takeOtherSignalKeyWrites: () => [],
    absorbStoredKeys: async () => undefined,
    async sendText({ instanceId, messageId }: { instanceId: string; messageId: string }) {
      for (const kind of ["server_ack", "delivered", "read"] as const) {
        for (const l of listeners)
          l({ instanceId, orgId: org.orgId, messageId, kind, remoteJid: null, at: new Date() });
      }
      return { messageId };
    },
    onReceipt(listener: (r: Receipt) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  } as unknown as SessionsPort;
  return port;
}

const resolver = {
  resolve: async (_: string, phone: string) => ({
    onWhatsApp: true,
    jid: `${phone.slice(1)}@s.whatsapp.net`,
    lid: null,
  }),
  refresh: async () => ({ onWhatsApp: false }),
} as unknown as NumberResolver;

async function queued(n: number): Promise<{ instanceId: string; ids: number[] }> {
  const inst = await t.db.asUser(org.users.operator.claims, (tx) =>
    insertInstance(tx, { orgId: org.orgId, name: `ride-${Math.random()}` }),
  );
  await t.db.asService((tx) => assignInstance(tx, inst.id, "w-ride"));
  const base = Date.now() - 60_000;
  const ids = await t.db.asService((tx) =>
    enqueueOutboundMessages(
      tx,
      Array.from({ length: n }, (_, i) => ({
        orgId: org.orgId,
        instanceId: inst.id,
        recipientPhone: `+5511950${String(i).padStart(6, "0")}`,
        body: `m${i}`,
        scheduledAt: new Date(base + i),
      })),
    ),
  );
  return { instanceId: inst.id, ids };
}

const states = async (ids: number[]) =>
  (
    await t.admin<{ id: number; state: string }[]>`
      select id::int, state::text from public.outbound_messages where id = any(${ids}::bigint[]) order by id`
  ).map((r) => r.state);

describe("receipts ride the next sending commit", () => {
  it("every row moves to read, the last ones by the flush at close; none waits for a flush of its own meanwhile", async () => {
    const sessions = fastPhone();
    // A flush window far longer than the test: only the sending commits (and close) can apply receipts.
    const receipts = createReceiptHandler({ db: t.db, sessions, logger: silent, flushMs: 600_000 });
    receipts.start();
    const sender = createSender({ db: t.db, sessions, resolver, logger: silent, carry: () => receipts.take() });
    const { instanceId, ids } = await queued(5);
    const batch = await t.db.asService((tx) => claimDirectBatch(tx, { instanceId, limit: 10 }));
    expect(batch.map((w) => w.id)).toEqual(ids);
    for (const { block: _block, ...work } of batch) {
      expect(await sender.deliver(work)).toMatchObject({ outcome: "sending" });
    }
    // Each message's receipts rode the next one's commit; the last message's wait for a flush.
    expect(await states(ids)).toEqual(["read", "read", "read", "read", "sending"]);
    await receipts.close();
    expect(await states(ids)).toEqual(["read", "read", "read", "read", "read"]);
  });

  it("receipts of a carrier that did not commit go back for the next flush", async () => {
    const sessions = fastPhone();
    const receipts = createReceiptHandler({ db: t.db, sessions, logger: silent, flushMs: 600_000 });
    receipts.start();
    const sender = createSender({ db: t.db, sessions, resolver, logger: silent });
    const { instanceId, ids } = await queued(1);
    const [claimed] = await t.db.asService((tx) => claimDirectBatch(tx, { instanceId, limit: 1 }));
    if (!claimed) throw new Error("nothing claimed");
    const { block: _block, ...work } = claimed;
    await sender.deliver(work);
    const taken = receipts.take();
    expect(taken).toBeDefined();
    expect(receipts.take()).toBeUndefined();
    taken?.settle(false);
    expect(await states(ids)).toEqual(["sending"]);
    await receipts.close();
    expect(await states(ids)).toEqual(["read"]);
  });
});
