// The direct lane's batching against real Postgres: due messages are claimed several per statement, yet leave one at
// a time in queue order, and nothing of a batch stays claimed that is not being sent. The send module is replaced
// by a recorder that marks each message `sending` as the real one does (the write itself is covered end to end).
import { assignInstance, insertInstance } from "@mirage/db/instances";
import { enqueueOutboundMessages, markSending } from "@mirage/db/outbound-messages";
import type { SendWork } from "@mirage/db/send-claims";
import { createOrgWithMembers, type OrgFixture } from "@mirage/testing/fixtures";
import { createTestDatabase, type TestDatabase } from "@mirage/testing/postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSendLanes, type SendLanes } from "../src/messaging/lanes.ts";
import type { Sender, SendOutcome } from "../src/messaging/sender.ts";
import { silent } from "./harness.ts";

let t: TestDatabase;
let org: OrgFixture;

beforeAll(async () => {
  t = await createTestDatabase();
  org = await createOrgWithMembers(t.admin, "lanes");
}, 60_000);

afterAll(async () => {
  await t?.drop();
});

/** A hosted instance of worker `workerId` with `n` direct messages queued, oldest first; answers their ids. */
async function setup(workerId: string, n: number): Promise<{ instanceId: string; ids: number[] }> {
  const inst = await t.db.asUser(org.users.operator.claims, (tx) =>
    insertInstance(tx, { orgId: org.orgId, name: workerId }),
  );
  await t.db.asService((tx) => assignInstance(tx, inst.id, workerId));
  const base = Date.now() - 60_000;
  const ids = await t.db.asService((tx) =>
    enqueueOutboundMessages(
      tx,
      Array.from({ length: n }, (_, i) => ({
        orgId: org.orgId,
        instanceId: inst.id,
        recipientPhone: `+5511940${String(i).padStart(6, "0")}`,
        body: `m${i}`,
        scheduledAt: new Date(base + i * 10),
      })),
    ),
  );
  return { instanceId: inst.id, ids };
}

const statesOf = async (ids: number[]) => {
  const rows = await t.admin<{ id: number; state: string }[]>`
    select id::int, state::text from public.outbound_messages where id = any(${ids}::bigint[])`;
  return new Map(rows.map((r) => [r.id, r.state]));
};

/** A send module that records what it is handed and marks it `sending`, like the real one before its write. */
function recorder(onDeliver?: (work: SendWork, index: number) => Promise<void> | void) {
  const delivered: number[] = [];
  let notify: () => void = () => undefined;
  const sender = {
    async deliver(work: SendWork): Promise<SendOutcome> {
      const index = delivered.length;
      delivered.push(work.id);
      await onDeliver?.(work, index);
      const waMessageId = `3EB0LANE${work.id}`;
      await t.db.asService((tx) => markSending(tx, { id: work.id, waMessageId, recipientJid: "x@s.whatsapp.net" }));
      notify();
      return { outcome: "sending", messageId: work.id, waMessageId };
    },
  } as unknown as Sender;
  const until = (n: number) =>
    new Promise<void>((resolve) => {
      notify = () => {
        if (delivered.length >= n) resolve();
      };
      notify();
    });
  return { sender, delivered, until };
}

const lanesFor = (workerId: string, sender: Sender): SendLanes =>
  createSendLanes({ db: t.db, sender, workerId, logger: silent, sweepMs: 60_000, claimBatch: 4 });

describe("the direct send lane", () => {
  it("claims several per statement and sends each once, in queue order, across batches", async () => {
    const { instanceId, ids } = await setup("lane-order", 11);
    const rec = recorder();
    const lanes = lanesFor("lane-order", rec.sender);
    await lanes.nudge(instanceId);
    await rec.until(11);
    await lanes.close();
    expect(rec.delivered).toEqual(ids);
    expect([...(await statesOf(ids)).values()].every((s) => s === "sending")).toBe(true);
  }, 30_000);

  it("while a message shows typing…, the ones behind it wait queued, not claimed", async () => {
    const { instanceId, ids } = await setup("lane-typing", 4);
    await t.admin`update public.outbound_messages set typing_ms = 800 where id = ${ids[1] ?? 0}`;
    const seen: Map<number, string>[] = [];
    const rec = recorder(async (_work, index) => {
      if (index === 1) seen.push(await statesOf(ids));
    });
    const lanes = lanesFor("lane-typing", rec.sender);
    await lanes.nudge(instanceId);
    await rec.until(4);
    await lanes.close();
    expect(rec.delivered).toEqual(ids);
    expect(ids.map((id) => seen[0]?.get(id))).toEqual(["sending", "claimed", "queued", "queued"]);
  }, 30_000);

  it("closing mid-batch hands the unsent rest back to the queue at once", async () => {
    const { instanceId, ids } = await setup("lane-close", 4);
    let lanes: SendLanes | undefined;
    let closing: Promise<void> | undefined;
    const rec = recorder((_work, index) => {
      if (index === 1) closing = lanes?.close();
    });
    lanes = lanesFor("lane-close", rec.sender);
    await lanes.nudge(instanceId);
    await rec.until(2);
    await closing;
    const states = await statesOf(ids);
    expect(ids.map((id) => states.get(id))).toEqual(["sending", "sending", "queued", "queued"]);
    expect(rec.delivered).toEqual(ids.slice(0, 2));
  }, 30_000);
});
