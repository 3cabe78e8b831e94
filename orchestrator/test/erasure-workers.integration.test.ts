import type { TWorkerCommand } from "@mirage/contracts/worker-bus";
import { workerCommandQueue } from "@mirage/contracts/worker-bus";
import { createWorkerCommandClient, createWorkerCommandConsumer } from "@mirage/queue/worker-commands";
import { createOrgWithMembers, type OrgFixture } from "@mirage/testing/fixtures";
import { until } from "@mirage/testing/until";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, type Harness, startHarness } from "./harness.ts";
import { startFakeWorker } from "./openapi-tools.ts";

// An erasure reaches the workers hosting the organization's numbers: each drops the person's Signal keys from
// memory and deletes what a commit under way wrote after the erasure's own delete (the `forget-person` command;
// the worker's side is in workers/test/retry-receipts.integration.test.ts). The command names the person, so it
// leaves Redis with its answer.

let h: Harness;
let a: OrgFixture;
let b: OrgFixture;

const PHONE = "+5511976300001";
const LID = "76300001@lid";

beforeAll(async () => {
  h = await startHarness({ WEBHOOK_WORKER_ENABLED: "false", IMPORT_WORKER_ENABLED: "false" });
  a = await createOrgWithMembers(h.t.admin, "erase-workers-a");
  b = await createOrgWithMembers(h.t.admin, "erase-workers-b");
}, 60_000);
afterAll(async () => {
  await h?.close();
});

describe("erasure and the workers' memory", () => {
  it("each live worker hosting one of the organization's numbers forgets the person; the commands leave Redis", {
    timeout: 30_000,
  }, async () => {
    const sql = h.t.admin;
    const asked: Extract<TWorkerCommand, { type: "forget-person" }>[] = [];
    const worker = await startFakeWorker(h, (c) => {
      if (c.type !== "forget-person") return undefined;
      asked.push(c);
      return { ok: true, outcome: "forgotten", forgotten: { inMemory: 4, stored: 1 } };
    });
    try {
      const instance = async (orgId: string, name: string, workerId: string) => {
        const [row] = await sql<{ id: string }[]>`
          insert into public.instances (org_id, name, worker_id, status)
          values (${orgId}, ${name}, ${workerId}, 'connected') returning id`;
        return row?.id ?? "";
      };
      const hosted = await instance(a.orgId, "hosted", worker.id);
      const orphan = await instance(a.orgId, "orphan", "a-worker-that-is-gone");
      await instance(b.orgId, "other-org", worker.id);
      const [contact] = await sql<{ id: string }[]>`
        insert into public.contacts (org_id, phone_e164, wa_lid, name)
        values (${a.orgId}, ${PHONE}, ${LID}, 'Rita') returning id`;
      await sql`
        insert into public.wa_auth_keys (instance_id, org_id, type, id, key_id, ciphertext)
        select i, ${a.orgId}, t, k, 'k1', '\\x00'::bytea
        from unnest(${[hosted, hosted, orphan]}::uuid[], ${["session", "lid-mapping", "session"]}::text[],
                    ${["5511976300001.0", "76300001_reverse", "76300001_1.0"]}::text[]) as v(i, t, k)`;

      const erased = await api(h, "post", `/api/v1/orgs/${a.orgId}/contacts/${contact?.id}/erase`, {
        token: await h.tokenFor(a.users.marketer),
        body: {},
      });
      expect(erased.status, JSON.stringify(erased.body)).toBe(200);
      // Three rows deleted by the erasure, one more by the worker after its commit under way.
      expect(erased.body.deleted).toMatchObject({ signalKeys: 4, numbersForgotten: 1 });
      // Only the number a live worker hosts was asked (the orphan's rows went with the erasure, it has no memory);
      // never another organization's.
      expect(asked.map((c) => c.instanceId)).toEqual([hosted]);
      expect(asked[0]?.users).toEqual(expect.arrayContaining(["5511976300001", "551176300001", "76300001"]));

      const queue = new Queue(workerCommandQueue(worker.id), { connection: h.redis, prefix: h.prefix });
      try {
        const jobs = await queue.getJobs(["waiting", "active", "completed", "failed", "delayed"]);
        expect(jobs.filter((j) => JSON.stringify(j.data).includes("76300001"))).toEqual([]);
      } finally {
        await queue.close();
      }
      const stream = await h.redis.xrange(`${h.prefix}:${workerCommandQueue(worker.id)}:events`, "-", "+");
      expect(stream.length).toBeGreaterThan(0);
      expect(stream.filter(([, f]) => f.join(" ").includes("76300001"))).toEqual([]);
    } finally {
      await worker.close();
    }
  });

  it("a command naming the person that a worker is running when the erasure commits is removed once it ends", {
    timeout: 30_000,
  }, async () => {
    const phone = "+5511976300002";
    const [inst] = await h.t.admin<{ id: string }[]>`
      insert into public.instances (org_id, name) values (${a.orgId}, 'slow') returning id`;
    const [contact] = await h.t.admin<{ id: string }[]>`
      insert into public.contacts (org_id, phone_e164, name) values (${a.orgId}, ${phone}, 'Lia') returning id`;
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    let running = false;
    const connection = h.redis.duplicate({ maxRetriesPerRequest: null });
    const slow = createWorkerCommandConsumer({
      connection,
      prefix: h.prefix,
      workerId: "erase-slow",
      handle: async (c) => {
        running = true;
        await held;
        const phones = c.type === "on-whatsapp" ? c.phones : [];
        return {
          ok: true,
          outcome: "checked",
          numbers: phones.map((p) => ({ phone: p, onWhatsApp: false, jid: null, lid: null })),
        };
      },
    });
    const commands = createWorkerCommandClient({ connection: h.redis, prefix: h.prefix });
    try {
      await commands.send("erase-slow", { type: "on-whatsapp", instanceId: inst?.id ?? "", phones: [phone] });
      await until(() => running);
      setTimeout(release, 500);
      const erased = await api(h, "post", `/api/v1/orgs/${a.orgId}/contacts/${contact?.id}/erase`, {
        token: await h.tokenFor(a.users.marketer),
        body: {},
      });
      expect(erased.status, JSON.stringify(erased.body)).toBe(200);
      expect(erased.body.deleted.queuedJobs).toBe(1);
      const queue = new Queue(workerCommandQueue("erase-slow"), { connection: h.redis, prefix: h.prefix });
      try {
        const jobs = await queue.getJobs(["waiting", "active", "completed", "failed", "delayed"]);
        expect(jobs.filter((j) => JSON.stringify([j.data, j.returnvalue]).includes("76300002"))).toEqual([]);
      } finally {
        await queue.close();
      }
    } finally {
      release();
      await slow.close();
      await commands.close();
      connection.disconnect();
    }
  });
});
