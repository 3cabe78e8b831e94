/**
 * A campaign's recent sends and its CSV report over the real API and Postgres with RLS: ordered by when each went
 * out, the person, the number and the text they got, and other organizations kept out.
 */
import type { OrgFixture } from "@mirage/testing/fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAST, startCampaignFixture } from "./campaign-fixture.ts";
import { api, type Harness, type Json } from "./harness.ts";

let h: Harness;
let a: OrgFixture;
let b: OrgFixture;
let marketer: string;
let viewer: string;
let senders: string[];
let listId: string;
let templateId: string;

const path = (p: string, org = a.orgId) => `/api/v1/orgs/${org}${p}`;
const post = (p: string, body: unknown, token = marketer) => api(h, "post", path(p), { token, body });
const get = (p: string, token = viewer) => api(h, "get", path(p), { token });

beforeAll(async () => {
  ({ h, a, b, marketer, viewer, senders, listId, templateId } = await startCampaignFixture("recent"));
});
afterAll(async () => {
  await h?.close();
});

describe("recent sends", () => {
  it("lists a campaign's sends newest first by the time each went out, not by id; unknown campaigns are 404", async () => {
    const c = await post("/campaigns", {
      name: "Recent",
      templateId,
      audience: { listIds: [listId] },
      senderIds: senders.slice(0, 2),
      pacing: FAST,
      caps: { perHour: 1000, perDay: 1000, warmup: false },
      skipHolidays: false,
    });
    expect((await post(`/campaigns/${c.body.id}/start`, { now: true })).body.status).toBe("running");
    const ids = (
      await h.t.admin<{ id: number }[]>`
        select id from public.outbound_messages where campaign_id = ${c.body.id} order by id limit 3`
    ).map((r) => Number(r.id));
    // Sent in another order than planned: the second planned went out first, the first planned last.
    for (const [i, minutesAgo] of [3, 5, 4].entries()) {
      const id = ids[i] as number;
      for (const state of ["claimed", "sending", "sent"]) {
        await h.t.admin`update public.outbound_messages set state = ${state}::public.message_state where id = ${id}`;
      }
      await h.t.admin`update public.outbound_messages set sending_at = now() - make_interval(mins => ${minutesAgo})
        where id = ${id}`;
    }
    const recent = await get(`/campaigns/${c.body.id}/recent-sends?limit=2`);
    expect(recent.status, JSON.stringify(recent.body)).toBe(200);
    expect(recent.body.items.map((m: Json) => m.id)).toEqual([ids[0], ids[2]]);
    const all = await get(`/campaigns/${c.body.id}/recent-sends`);
    expect(all.body.items.map((m: Json) => m.id)).toEqual([ids[0], ids[2], ids[1]]);
    expect(all.body.items[0]).toMatchObject({ state: "sent", campaignId: c.body.id });

    // The report names the person and the number that sends, and carries the text they got.
    const report = await api(h, "get", path(`/campaigns/${c.body.id}/report.csv`), { token: viewer });
    expect(report.status).toBe(200);
    const lines = String(report.body)
      .replace(/^\uFEFF/, "")
      .trim()
      .split("\r\n");
    expect(lines[0]).toBe(
      "message_id,phone,instance_id,state,reason,planned_at,sent_at,delivered_at,read_at,replied_at,contact_name,sender_name,text",
    );
    const first = lines.find((l) => l.startsWith(`${ids[0]},`)) ?? "";
    expect(first).toContain(",sent,");
    expect(first).toMatch(/,s[12],"?.*novidade/i);
    // Not sent yet: no text (the template is rendered for each person when their turn comes).
    const queued = lines.find((l) => l.includes(",queued,")) ?? "";
    expect(queued).toMatch(/,s[12],$/);
    expect(lines.filter((l) => /,Pessoa \d+,s[12],/.test(l)).length).toBeGreaterThan(100);
    expect((await get(`/campaigns/${c.body.id}/recent-sends?limit=0`)).status).toBe(400);
    const other = await api(h, "get", path(`/campaigns/${c.body.id}/recent-sends`, b.orgId), {
      token: await h.tokenFor(b.users.viewer),
    });
    expect(other.status).toBe(404);
    expect((await get("/campaigns/00000000-0000-4000-8000-00000000dead/recent-sends")).status).toBe(404);
  });
});
