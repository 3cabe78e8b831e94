/**
 * What accepting a send leaves behind besides its row, without a worker: the transaction sends no change
 * notification; the realtime stream gets one message:status (queued) and one conversation:changed per new message,
 * from the API itself, and nothing for an idempotent replay (the relay adds no second copy); the hosting worker's
 * queue is nudged after the commit.
 */
import { workerSendQueue } from "@mirage/contracts/worker-bus";
import { createOrgWithMembers, type OrgFixture } from "@mirage/testing/fixtures";
import { until } from "@mirage/testing/until";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, type Harness, type Json, startHarness } from "./harness.ts";

let h: Harness;
let a: OrgFixture;
let instanceId: string;
let queue: Queue;
const WORKER = "accept-events-w";

beforeAll(async () => {
  // The placement loop would mark the instance connecting (no worker runs here).
  h = await startHarness({ PLACEMENT_ENABLED: "false", WEBHOOK_WORKER_ENABLED: "false" });
  a = await createOrgWithMembers(h.t.admin, "accept-events");
  const [row] = await h.t.admin<{ id: string }[]>`
    insert into public.instances (org_id, name, phone_e164, status, worker_id)
    values (${a.orgId}, 'vendas', '+5511977000001', 'connected', ${WORKER}) returning id`;
  instanceId = row?.id ?? "";
  queue = new Queue(workerSendQueue(WORKER), { connection: h.redis, prefix: h.prefix });
});
afterAll(async () => {
  await queue?.close();
  await h?.close();
});

type Entry = { type: string; data: Json };
async function orgEvents(): Promise<Entry[]> {
  const rows = (await h.redis.xrange(`${h.config.REALTIME_STREAM}:org:${a.orgId}`, "-", "+")) as [string, string[]][];
  return rows.map(([, fields]) => JSON.parse(fields[1] ?? "{}") as Entry);
}

describe("accepting a send", () => {
  it("publishes its own events once, notifies nothing, and nudges the worker", async () => {
    const notified: string[] = [];
    const listener = await h.t.admin.listen("mirage_changes", (payload) => {
      if (payload.includes(a.orgId)) notified.push(payload);
    });
    const token = await h.tokenFor(a.users.operator);
    const send = (text: string, key: string) =>
      api(h, "post", `/api/v1/orgs/${a.orgId}/instances/${instanceId}/messages`, {
        token,
        headers: { "idempotency-key": key },
        body: { to: "+5511999990001", text },
      });
    const first = await send("Olá!", "k-1");
    const second = await send("Seu pedido saiu.", "k-2");
    const replay = await send("Seu pedido saiu.", "k-2");
    expect([first.status, second.status, replay.status]).toEqual([202, 202, 200]);

    // A change that does notify, as a marker: once the relay has published it, it has published everything the
    // sends could have notified before it (notifications arrive in commit order).
    await h.t.admin`update public.instances set status = 'degraded' where id = ${instanceId}`;
    await until(
      async () => ((await orgEvents()).some((e) => e.type === "instance:status") ? true : undefined),
      20_000,
      "the marker's instance:status",
    );
    await listener.unlisten();
    expect(notified.filter((p) => !p.includes('"instances"'))).toEqual([]);

    const events = (await orgEvents()).filter((e) => e.type !== "instance:status");
    expect(events.map((e) => [e.type, e.data.messageId ?? e.data.conversationId, e.data.state ?? null])).toEqual([
      ["message:status", first.body.id, "queued"],
      ["conversation:changed", first.body.conversationId ?? expect.any(String), null],
      ["message:status", second.body.id, "queued"],
      ["conversation:changed", expect.any(String), null],
    ]);
    expect(events[1]?.data).toMatchObject({ instanceId, status: "open", unreadCount: 0 });
    expect(events[3]?.data.conversationId).toBe(events[1]?.data.conversationId);

    // Nudges for one instance may coalesce, but the last one is issued after the last commit and names its message.
    await until(
      async () => {
        const jobs = await queue.getJobs(["waiting", "delayed", "prioritized"]);
        return jobs.some((j) => j.data.instanceId === instanceId && j.data.messageId === second.body.id)
          ? true
          : undefined;
      },
      20_000,
      "the nudge for the second message",
    );
  }, 60_000);
});
