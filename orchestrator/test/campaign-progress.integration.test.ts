/**
 * campaign:progress is throttled per campaign but never silent about the end (real Postgres, Redis and the
 * campaign engine's tick): a tick inside the quiet period leaves one trailing event with the newer counts, and the
 * change to completed goes out at once — so a browser always ends on the final counts.
 */
import { createLogger } from "@mirage/logger";
import { createQueues } from "@mirage/queue/queues";
import { orgStreamKey } from "@mirage/queue/realtime";
import { createOrgWithMembers, type OrgFixture } from "@mirage/testing/fixtures";
import { until } from "@mirage/testing/until";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCampaignScheduler } from "../src/campaigns/index.ts";
import { api, type Harness, type Json, NO_BACKGROUND, startHarness } from "./harness.ts";

const PROGRESS_MS = 800;
let h: Harness;
let a: OrgFixture;
let campaignId: string;
let scheduler: ReturnType<typeof createCampaignScheduler>;
let queues: ReturnType<typeof createQueues>;

const path = (p: string) => `/api/v1/orgs/${a.orgId}${p}`;

beforeAll(async () => {
  h = await startHarness(NO_BACKGROUND);
  a = await createOrgWithMembers(h.t.admin, "progress-a");
  const marketer = await h.tokenFor(a.users.marketer);
  const post = (p: string, body: unknown) => api(h, "post", path(p), { token: marketer, body });
  const [sender] = await h.t.admin<{ id: string }[]>`
    insert into public.instances (org_id, name, status) values (${a.orgId}, 's1', 'connected') returning id`;
  const list = await post("/lists", { name: "L" });
  await h.t.admin`
    insert into public.contacts (org_id, phone_e164, name)
    select ${a.orgId}, '+55119760' || (10000 + i)::text, 'P' || i from generate_series(1, 3) i`;
  await h.t.admin`
    insert into public.contact_list_members (org_id, list_id, contact_id)
    select ${a.orgId}, ${list.body.id}, id from public.contacts where org_id = ${a.orgId}`;
  const tpl = await post("/templates", { name: "T", body: "Oi {{first_name|você}}" });
  const c = await post("/campaigns", {
    name: "C",
    templateId: tpl.body.id,
    audience: { listIds: [list.body.id] },
    senderIds: [sender?.id],
  });
  campaignId = c.body.id as string;
  const started = await post(`/campaigns/${campaignId}/start`, { now: true });
  expect(started.body.status, JSON.stringify(started.body)).toBe("running");
  queues = createQueues({ connection: h.redis, prefix: h.prefix });
  scheduler = createCampaignScheduler({
    db: h.t.db,
    redis: h.redis,
    queues,
    logger: createLogger({ service: "test", level: (process.env.TEST_LOG as "silent" | undefined) ?? "silent" }),
    prefix: h.prefix,
    realtime: { stream: `${h.prefix}:realtime` },
    tickMs: 60_000,
    progressMs: PROGRESS_MS,
  });
}, 120_000);

afterAll(async () => {
  await scheduler?.close();
  await queues?.close();
  await h?.close();
});

type Progress = { at: number; data: { status: string; counts: Record<string, number> } };
async function events(): Promise<Progress[]> {
  const entries = await h.redis.xrange(orgStreamKey(a.orgId, `${h.prefix}:realtime`), "-", "+");
  return (
    entries
      .map(([, fields]) => JSON.parse(fields[1] ?? "{}") as Json)
      // Status changes of the row also reach the stream (the relay, without counts): the scheduler's carry counts.
      .filter((e) => e.type === "campaign:progress" && e.data.campaignId === campaignId && e.data.counts)
  );
}
const skip = (n: number) => h.t.admin`
  update public.outbound_messages set state = 'skipped', skip_reason = 'test'
  where id in (select id from public.outbound_messages where campaign_id = ${campaignId} and state = 'queued'
    order by id limit ${n})`;

describe("campaign:progress", () => {
  it("a tick inside the quiet period leaves one trailing event with the newer counts", async () => {
    await scheduler.engine.tick();
    const [first] = await until(async () => ((await events()).length === 1 ? events() : undefined), 10_000);
    expect(first?.data).toMatchObject({ status: "running", counts: { queued: 3, skipped: 0 } });
    await skip(1);
    await scheduler.engine.tick();
    await scheduler.engine.tick();
    const all = await until(async () => {
      const e = await events();
      return e.length === 2 ? e : undefined;
    }, 10_000);
    expect(all[1]?.data.counts).toMatchObject({ queued: 2, skipped: 1 });
    expect((all[1]?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(PROGRESS_MS - 50);
  });

  it("completion goes out at once, inside the quiet period", async () => {
    await skip(2);
    const before = Date.now();
    await scheduler.engine.tick();
    const last = await until(async () => {
      const e = await events();
      return e.at(-1)?.data.status === "completed" ? e.at(-1) : undefined;
    }, 10_000);
    expect(last?.data.counts).toMatchObject({ queued: 0, skipped: 3 });
    expect(last?.at ?? 0).toBeLessThan(before + PROGRESS_MS);
    expect(
      (await api(h, "get", path(`/campaigns/${campaignId}`), { token: await h.tokenFor(a.users.viewer) })).body.status,
    ).toBe("completed");
  });
});
