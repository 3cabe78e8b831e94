/**
 * Sender budgets over the real API and Postgres with RLS: what each number sent in the rolling hour and day, the
 * caps that apply to it (the campaign's, its own, warm-up) and what is left; readable by every role of the
 * organization only.
 */
import { createOrgWithMembers, insertInstance, type OrgFixture } from "@mirage/testing/fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, type Harness, type Json, NO_BACKGROUND, startHarness } from "./harness.ts";

let h: Harness;
let a: OrgFixture;
let b: OrgFixture;
let viewer: string;
let busy: string;
let fresh: string;

const path = (p: string, org = a.orgId) => `/api/v1/orgs/${org}${p}`;

const instance = (org: string, name: string, dailyCap: number | null = null) =>
  insertInstance(h.t.admin, org, name, { dailyCap });

beforeAll(async () => {
  h = await startHarness(NO_BACKGROUND);
  a = await createOrgWithMembers(h.t.admin, "budget-a");
  b = await createOrgWithMembers(h.t.admin, "budget-b");
  viewer = await h.tokenFor(a.users.viewer);
  busy = await instance(a.orgId, "busy", 100);
  fresh = await instance(a.orgId, "fresh");
  await instance(b.orgId, "other-org");
  // busy: 3 sends in the last hour, 5 more earlier today, 2 yesterday (outside the rolling day).
  await h.t.admin`
    insert into public.outbound_messages (org_id, instance_id, recipient_phone, body, sending_at)
    select ${a.orgId}, ${busy}, '+551197600' || lpad(i::text, 4, '0'), 'oi',
      now() - case when i <= 3 then interval '10 minutes' when i <= 8 then interval '5 hours' else interval '30 hours' end
    from generate_series(1, 10) i`;
  // fresh: paired two days ago, so warm-up (day 2: 45 a day) applies when asked.
  await h.t.admin`
    insert into public.instance_events (org_id, instance_id, from_status, to_status, created_at)
    values (${a.orgId}, ${fresh}, 'pending_pairing', 'connected', now() - interval '2 days 1 hour')`;
}, 120_000);

afterAll(async () => {
  await h?.close();
});

const budgets = async (query: string, token = viewer) => {
  const res = await api(h, "get", path(`/sender-budgets${query}`), { token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return new Map<string, Json>((res.body.items as Json[]).map((x) => [x.instanceId, x]));
};

describe("sender budgets", () => {
  it("counts the rolling hour and day and applies the campaign's caps and the number's own", async () => {
    const m = await budgets("?perHour=10&perDay=250&warmup=false");
    expect(m.size).toBe(2);
    expect(m.get(busy)).toMatchObject({
      sentLastHour: 3,
      sentLastDay: 8,
      perHour: 10,
      perDay: 100,
      warmupDay: null,
      remainingThisHour: 7,
      remainingToday: 92,
    });
    expect(m.get(fresh)).toMatchObject({ sentLastDay: 0, perDay: 250, remainingToday: 250 });
  });

  it("with warm-up, a number paired two days ago gets day 2 of the curve; defaults are the campaign's", async () => {
    const m = await budgets("");
    expect(m.get(fresh)).toMatchObject({ warmupDay: 2, perDay: 45, remainingToday: 45 });
    expect(m.get(busy)).toMatchObject({ perHour: 40, perDay: 100, warmupDay: null });
  });

  it("refuses bad caps and another organization", async () => {
    expect((await api(h, "get", path("/sender-budgets?perDay=0"), { token: viewer })).status).toBe(400);
    expect((await api(h, "get", path("/sender-budgets", b.orgId), { token: viewer })).status).toBe(404);
  });
});

describe("start check", () => {
  it("lists every reason the start would give, changes nothing, and turns startable once they are fixed", async () => {
    const marketer = await h.tokenFor(a.users.marketer);
    const created = await api(h, "post", path("/campaigns"), { token: marketer, body: { name: "check" } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    const check = await api(h, "get", path(`/campaigns/${id}/start-check`), { token: viewer });
    expect(check.status).toBe(200);
    expect(check.body.startable).toBe(false);
    expect((check.body.refusals as Json[]).map((r) => r.code).sort()).toEqual([
      "empty_audience",
      "no_sender",
      "no_template",
    ]);
    // The same reasons as the start itself, which is refused the same way.
    const start = await api(h, "post", path(`/campaigns/${id}/start`), { token: marketer, body: { now: true } });
    expect(start.status).toBe(422);
    expect((start.body.errors as Json[]).map((e) => e.path).sort()).toEqual([
      "empty_audience",
      "no_sender",
      "no_template",
    ]);

    const tpl = await api(h, "post", path("/templates"), {
      token: marketer,
      body: { name: "t", body: "Oi {{first_name|você}}" },
    });
    const list = await api(h, "post", path("/lists"), { token: marketer, body: { name: "l" } });
    const contact = await api(h, "post", path("/contacts"), { token: marketer, body: { phone: "+5511976009999" } });
    await api(h, "post", path(`/lists/${list.body.id}/members`), {
      token: marketer,
      body: { contactIds: [contact.body.id] },
    });
    const patched = await api(h, "patch", path(`/campaigns/${id}`), {
      token: marketer,
      body: { templateId: tpl.body.id, audience: { listIds: [list.body.id], segmentIds: [] }, senderIds: [fresh] },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    const ok = await api(h, "get", path(`/campaigns/${id}/start-check`), { token: viewer });
    expect(ok.body).toEqual({ startable: true, refusals: [] });
    expect((await api(h, "get", path(`/campaigns/${id}`), { token: viewer })).body.status).toBe("draft");
    expect((await api(h, "get", path(`/campaigns/${id}/start-check`, b.orgId), { token: viewer })).status).toBe(404);
  });
});
