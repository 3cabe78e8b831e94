/**
 * The holiday calendar and campaign sender pools over the real API (Postgres with RLS, no phone): seeding national
 * holidays, adding and removing days; numbers joining and leaving a running campaign, with the effect on what each
 * number's chain takes next.
 */
import { dueForInstance, holidaySet } from "@mirage/db/outreach";
import { createLogger } from "@mirage/logger";
import { createOrgWithMembers, insertInstance, type OrgFixture } from "@mirage/testing/fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCampaignEngine } from "../src/campaigns/index.ts";
import { api, type Harness, type Json, NO_BACKGROUND, startHarness } from "./harness.ts";

let h: Harness;
let a: OrgFixture;
let b: OrgFixture;
let marketer: string;
let viewer: string;

const path = (p: string, org = a.orgId) => `/api/v1/orgs/${org}${p}`;
const post = (p: string, body: unknown, token = marketer) => api(h, "post", path(p), { token, body });
const get = (p: string, token = viewer) => api(h, "get", path(p), { token });
const del = (p: string, token = marketer) => api(h, "delete", path(p), { token });

const instance = (name: string, status = "connected") => insertInstance(h.t.admin, a.orgId, name, { status });

beforeAll(async () => {
  h = await startHarness(NO_BACKGROUND);
  a = await createOrgWithMembers(h.t.admin, "pools-a");
  b = await createOrgWithMembers(h.t.admin, "pools-b");
  marketer = await h.tokenFor(a.users.marketer);
  viewer = await h.tokenFor(a.users.viewer);
});
afterAll(async () => {
  await h?.close();
});

describe("holiday calendar", () => {
  it("seeds Brazil's national holidays by default (idempotent), lists by range and country, adds and removes days", async () => {
    const year = new Date().getUTCFullYear();
    const seeded = await post("/holidays/seed", {});
    expect(seeded.status, JSON.stringify(seeded.body)).toBe(200);
    expect(seeded.body).toMatchObject({ country: "BR", years: [year, year + 1] });
    expect(seeded.body.added).toBeGreaterThanOrEqual(16);
    expect((await post("/holidays/seed", {})).body.added).toBe(0);

    const list = await get("/holidays");
    expect(list.status).toBe(200);
    const days = list.body.items.map((x: Json) => x.day);
    expect(days).toContain(`${year}-12-25`);
    expect(days).toContain(`${year}-09-07`);
    // This calendar year only, by default, in day order.
    expect(days.every((d: string) => d.startsWith(String(year)))).toBe(true);
    expect([...days].sort()).toEqual(days);

    // A day of the organization's own, for every country; the same day again conflicts.
    const own = await post("/holidays", { day: `${year}-11-21`, name: "Dia da empresa" });
    expect(own.status, JSON.stringify(own.body)).toBe(201);
    expect(own.body).toMatchObject({ day: `${year}-11-21`, countryCode: null });
    const twice = await post("/holidays", { day: `${year}-11-21`, name: "De novo" });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe("conflict");
    const pt = await post("/holidays", { day: `${year}-06-10`, name: "Dia de Portugal", countryCode: "PT" });
    expect(pt.status).toBe(201);
    const br = await get(`/holidays?from=${year}-06-01&to=${year}-11-30&country=BR`);
    expect(br.body.items.map((x: Json) => x.day)).not.toContain(`${year}-06-10`);
    expect(br.body.items.map((x: Json) => x.day)).toContain(`${year}-11-21`);

    // What the send chain reads: the company day counts for a Brazilian recipient until it is removed.
    const at = new Date(`${year}-11-21T12:00:00Z`);
    expect(await h.t.db.asService((tx) => holidaySet(tx, a.orgId, "BR", at))).toContain(`${year}-11-21`);
    expect((await del(`/holidays/${own.body.id}`)).status).toBe(204);
    expect((await del(`/holidays/${own.body.id}`)).status).toBe(404);
    expect(await h.t.db.asService((tx) => holidaySet(tx, a.orgId, "BR", at))).not.toContain(`${year}-11-21`);
  });

  it("validates input, keeps viewers read-only and other organizations out", async () => {
    expect((await post("/holidays", { day: "2026-02-30", name: "x" })).status).toBe(400);
    expect((await post("/holidays", { day: "2026-03-01", name: "x", countryCode: "br" })).status).toBe(400);
    expect((await post("/holidays/seed", { country: "ZZ" })).status).toBe(400);
    expect((await get("/holidays?from=2026-05-01&to=2026-04-01")).status).toBe(400);
    expect((await post("/holidays", { day: "2026-03-01", name: "x" }, viewer)).status).toBe(403);
    const other = await api(h, "get", path("/holidays", b.orgId), { token: marketer });
    expect(other.status).toBe(404);
    // Portugal on request: its own national days.
    const pt = await post("/holidays/seed", { country: "PT", years: [2027] });
    expect(pt.body).toMatchObject({ country: "PT", years: [2027] });
    expect(pt.body.added).toBeGreaterThan(5);
  });
});

describe("sender pools of a running campaign", () => {
  let id: string;
  let s1: string;
  let s2: string;
  let s3: string;
  const pool = async () => (await get(`/campaigns/${id}/senders`)).body.items as Json[];
  const of = (items: Json[], instanceId: string) => items.find((x) => x.instanceId === instanceId);

  beforeAll(async () => {
    s1 = await instance("p1");
    s2 = await instance("p2");
    s3 = await instance("p3");
    const list = await post("/lists", { name: "Pool" });
    await h.t.admin`
      insert into public.contacts (org_id, phone_e164, name)
      select ${a.orgId}, '+55119' || (71000000 + i)::text, 'Pessoa ' || i from generate_series(1, 300) i`;
    await h.t.admin`
      insert into public.contact_list_members (org_id, list_id, contact_id)
      select ${a.orgId}, ${list.body.id}, id from public.contacts where org_id = ${a.orgId}`;
    const tpl = await post("/templates", { name: "Pool", body: "Oi {{first_name|cliente}}" });
    const c = await post("/campaigns", {
      name: "Pool",
      templateId: tpl.body.id,
      audience: { listIds: [list.body.id] },
      senderIds: [s1, s2],
      skipHolidays: false,
    });
    id = c.body.id;
    const started = await post(`/campaigns/${id}/start`, { now: true });
    expect(started.body.status, JSON.stringify(started.body)).toBe("running");
  });

  it("lists the pool with each number's status and waiting recipients", async () => {
    const items = await pool();
    expect(items.map((x) => x.instanceId).sort()).toEqual([s1, s2].sort());
    expect(of(items, s1)).toMatchObject({ name: "p1", status: "connected", active: true, weight: 1 });
    expect(items.reduce((n, x) => n + x.queued, 0)).toBe(300);
  });

  it("a number that joins takes a share of the waiting recipients (not those already written to) at its next step", async () => {
    const added = await post(`/campaigns/${id}/senders`, { instanceId: s3 });
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    expect(added.body).toMatchObject({ instanceId: s3, active: true, inactiveReason: null });
    // About a third (weights 1:1:1), drawn by a stable hash.
    expect(added.body.queued).toBeGreaterThan(60);
    expect(added.body.queued).toBeLessThan(140);
    const items = await pool();
    expect(items.reduce((n, x) => n + x.queued, 0)).toBe(300);
    // What its chain takes next is one of those recipients.
    const next = await h.t.db.asService((tx) => dueForInstance(tx, s3, new Date(Date.now() + 86_400_000), 1));
    expect(next).toHaveLength(1);
    // Adding it again changes nobody's share.
    expect((await post(`/campaigns/${id}/senders`, { instanceId: s3 })).body.queued).toBe(added.body.queued);
  });

  it("a number that leaves stops at once and its waiting recipients move to the others; it can come back", async () => {
    expect((await del(`/campaigns/${id}/senders/${s1}`)).status).toBe(204);
    const items = await pool();
    expect(of(items, s1)).toMatchObject({ active: false, inactiveReason: "removed", queued: 0 });
    expect(items.reduce((n, x) => n + x.queued, 0)).toBe(300);
    expect(await h.t.db.asService((tx) => dueForInstance(tx, s1, new Date(Date.now() + 86_400_000), 5))).toEqual([]);
    // The tick does not take back a number a user removed, even while it is connected.
    const engine = createCampaignEngine({ db: h.t.db, logger: createLogger({ service: "test", level: "silent" }) });
    await engine.monitor(id, new Date());
    expect(of(await pool(), s1)).toMatchObject({ active: false, inactiveReason: "removed" });
    // The stats show it too (what it sent stays counted).
    const stats = await get(`/campaigns/${id}/stats`);
    expect(stats.body.senders.find((x: Json) => x.instanceId === s1)).toMatchObject({ active: false });

    const back = await post(`/campaigns/${id}/senders`, { instanceId: s1, weight: 2 });
    expect(back.body).toMatchObject({ active: true, weight: 2 });
    expect(back.body.queued).toBeGreaterThan(0);
  });

  it("refuses unknown numbers, other organizations, viewers, finished campaigns; unknown pool members are 404", async () => {
    const [foreign] = await h.t.admin<{ id: string }[]>`
      insert into public.instances (org_id, name, status) values (${b.orgId}, 'b1', 'connected') returning id`;
    const bad = await post(`/campaigns/${id}/senders`, { instanceId: foreign?.id });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ path: "body.instanceId", message: "no such instance" }]);
    expect((await post(`/campaigns/${id}/senders`, { instanceId: s2 }, viewer)).status).toBe(403);
    const other = await api(h, "get", path(`/campaigns/${id}/senders`, b.orgId), {
      token: await h.tokenFor(b.users.marketer),
    });
    expect(other.status).toBe(404);
    const none = await instance("p4");
    expect((await del(`/campaigns/${id}/senders/${none}`)).status).toBe(404);
    expect((await post(`/campaigns/${id}/cancel`, {})).body.status).toBe("cancelled");
    const late = await post(`/campaigns/${id}/senders`, { instanceId: none });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe("invalid_campaign_state");
  });
});
