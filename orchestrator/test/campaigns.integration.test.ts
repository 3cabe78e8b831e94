/**
 * Campaigns over the real API, Postgres with RLS and Redis (no phone): definition and validation, start refused with
 * every reason, the plan (snapshot, sticky weighted senders, variants), dry run, stats, pause/resume/cancel
 * transitions, failover and the tick's idempotence.
 */
import { insertInstance, type OrgFixture } from "@mirage/testing/fixtures";
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

const instance = (name: string, status = "connected") => insertInstance(h.t.admin, a.orgId, name, { status });

beforeAll(async () => {
  ({ h, a, b, marketer, viewer, senders, listId, templateId } = await startCampaignFixture("camp"));
});
afterAll(async () => {
  await h?.close();
});

describe("campaign definition", () => {
  it("creates with defaults, validates references and values, and keeps other organizations out", async () => {
    const res = await post("/campaigns", {
      name: "Black Friday",
      templateId,
      audience: { listIds: [listId] },
      senderIds: senders,
      timezone: "America/Sao_Paulo",
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      status: "draft",
      senderIds: [...senders].sort(),
      stopOnReply: true,
      caps: { perHour: 40, perDay: 250, warmup: true },
      pacing: { gapMs: { min: 20_000, max: 90_000 } },
    });
    const bad = await post("/campaigns", {
      name: "x",
      timezone: "Mars/Olympus",
      templateId: "00000000-0000-4000-8000-000000000000",
      senderIds: ["00000000-0000-4000-8000-000000000001"],
      startsAt: "2030-01-02T00:00:00Z",
      endsAt: "2030-01-01T00:00:00Z",
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: Json) => e.path).sort()).toEqual(
      ["body.endsAt", "body.senderIds.0", "body.templateId", "body.timezone"].sort(),
    );
    expect((await post("/campaigns", { name: "v" }, viewer)).status).toBe(403);
    // No time zone given: the organization's, not UTC's.
    await h.t.admin`update public.organizations set timezone = 'America/Recife' where id = ${a.orgId}`;
    const zoned = await post("/campaigns", { name: "Sem fuso" });
    expect(zoned.status).toBe(201);
    expect(zoned.body.timezone).toBe("America/Recife");
    await h.t.admin`update public.organizations set timezone = 'UTC' where id = ${a.orgId}`;
    const outsider = await api(h, "get", path(`/campaigns/${res.body.id}`), {
      token: await h.tokenFor(b.users.owner),
    });
    expect(outsider.status).toBe(404);
  });

  it("refuses to start with every reason: empty audience, unknown variable, no sender, window never opens, end before start", async () => {
    const t = await post("/templates", { name: "Broken", body: "Oi {{apelido}}" });
    const c = await post("/campaigns", {
      name: "Refused",
      templateId: t.body.id,
      schedule: { windows: [{ days: [1], start: "10:00", end: "10:00" }] },
      startsAt: "2031-01-02T00:00:00Z",
      endsAt: "2031-01-01T12:00:00Z",
    });
    expect(c.status).toBe(400);
    const ok = await post("/campaigns", {
      name: "Refused",
      templateId: t.body.id,
      schedule: { windows: [{ days: [1], start: "10:00", end: "10:00" }] },
    });
    const res = await post(`/campaigns/${ok.body.id}/start`, {});
    expect(res.status).toBe(422);
    expect(res.body.code).toBe("campaign_not_startable");
    expect(res.body.errors.map((e: Json) => e.path).sort()).toEqual(
      ["empty_audience", "no_sender", "unknown_variable", "window_never_opens"].sort(),
    );
    const only = await post("/campaigns", {
      name: "Not connected",
      templateId,
      audience: { listIds: [listId] },
      senderIds: [senders[2]],
    });
    const r2 = await post(`/campaigns/${only.body.id}/start`, {});
    expect(r2.body.errors.map((e: Json) => e.path)).toEqual(["no_connected_sender"]);
  });
});

describe("planning, dry run and control", () => {
  let id: string;

  it("dry run before the start answers who, what, which number and when, and stores nothing", async () => {
    const c = await post("/campaigns", {
      name: "Planned",
      templateId,
      audience: { listIds: [listId] },
      senderIds: senders,
      pacing: FAST,
      caps: { perHour: 1000, perDay: 1000, warmup: false },
      skipHolidays: false,
    });
    id = c.body.id;
    const dry = await post(`/campaigns/${id}/dry-run`, { count: 10 }, viewer);
    expect(dry.status, JSON.stringify(dry.body)).toBe(200);
    expect(dry.body.planned).toBe(false);
    expect(dry.body.total).toBe(120);
    expect(dry.body.items).toHaveLength(10);
    for (const item of dry.body.items) {
      expect(senders.slice(0, 2)).toContain(item.instanceId);
      // The review step shows the person's name with the number.
      expect(item.contactName).toMatch(/^Pessoa \d+$/);
      expect(item.text).toMatch(/^(Olá|Oi) Pessoa, novidade em Recife!$|^Bom dia Pessoa! Temos novidades\.$/);
      expect(item.at).not.toBeNull();
    }
    const [n] = await h.t.admin<{ n: number }[]>`
      select count(*)::int as n from public.outbound_messages where campaign_id = ${id}`;
    expect(n?.n).toBe(0);
  });

  it("dry run: a number at the campaign's caps is held until its window frees a send, the others are not", async () => {
    const capped = await instance("capped-1");
    const free = await instance("free-1");
    // capped-1 sent 2 messages today (any campaign or direct), the oldest 20 hours ago: a daily cap of 2 is reached.
    await h.t.admin`insert into public.outbound_messages (org_id, instance_id, recipient_phone, body, state, sending_at)
      values (${a.orgId}, ${capped}, '+5511900002222', 'x', 'sent', now() - interval '20 hours'),
             (${a.orgId}, ${capped}, '+5511900002223', 'x', 'sent', now() - interval '1 hour')`;
    const c = await post("/campaigns", {
      name: "Capped dry run",
      templateId,
      audience: { listIds: [listId] },
      senderIds: [capped, free],
      pacing: FAST,
      caps: { perHour: 1000, perDay: 2, warmup: false },
      skipHolidays: false,
    });
    const dry = await post(`/campaigns/${c.body.id}/dry-run`, { count: 20 }, viewer);
    expect(dry.status, JSON.stringify(dry.body)).toBe(200);
    const by = (instanceId: string) => dry.body.items.filter((x: Json) => x.instanceId === instanceId);
    expect(by(capped).length).toBeGreaterThan(0);
    expect(by(free).length).toBeGreaterThan(0);
    const inHours = (item: Json) => (new Date(item.at).getTime() - Date.now()) / 3_600_000;
    const held = by(capped).sort((x: Json, y: Json) => inHours(x) - inHours(y));
    expect(held.length).toBeGreaterThan(1);
    for (const item of held) expect(item.blockedReason).toBe("cap");
    // The first about 4 hours from now, when the send of 20 hours ago leaves the 24-hour window; the next one not
    // with it: that send is in the window then, so it waits for the one of an hour ago to leave (about 23 hours).
    expect(inHours(held[0])).toBeGreaterThan(3.9);
    expect(inHours(held[0])).toBeLessThan(4.1);
    expect(inHours(held[1])).toBeGreaterThan(22.9);
    expect(inHours(held[1])).toBeLessThan(23.1);
    // The free number sends its two of the day at once, then its own sends hold it a day.
    const freed = by(free).sort((x: Json, y: Json) => inHours(x) - inHours(y));
    expect(freed.length).toBeGreaterThan(2);
    for (const item of freed.slice(0, 2)) {
      expect(item.blockedReason).toBeNull();
      expect(inHours(item)).toBeLessThan(1);
    }
    for (const item of freed.slice(2)) {
      expect(item.blockedReason).toBe("cap");
      expect(inHours(item)).toBeGreaterThan(23.9);
    }
  });

  it("dry run: a campaign scheduled after the number's caps free up is not held by them, only by its own sends", async () => {
    const busy = await instance("busy-today");
    // The hourly cap of 1 is reached now; the campaign starts in two days, long after that send left every window.
    await h.t.admin`insert into public.outbound_messages (org_id, instance_id, recipient_phone, body, state, sending_at)
      values (${a.orgId}, ${busy}, '+5511900003333', 'x', 'sent', now() - interval '5 minutes')`;
    const startsAt = new Date(Date.now() + 2 * 86_400_000);
    const c = await post("/campaigns", {
      name: "Scheduled after the caps",
      templateId,
      audience: { listIds: [listId] },
      senderIds: [busy],
      startsAt: startsAt.toISOString(),
      pacing: FAST,
      caps: { perHour: 1, perDay: 1000, warmup: false },
      skipHolidays: false,
    });
    expect(c.status, JSON.stringify(c.body)).toBe(201);
    const dry = await post(`/campaigns/${c.body.id}/dry-run`, { count: 3 }, viewer);
    expect(dry.status, JSON.stringify(dry.body)).toBe(200);
    expect(dry.body.items).toHaveLength(3);
    const [first, ...rest] = dry.body.items;
    expect(first.blockedReason).toBeNull();
    expect(new Date(first.at).getTime()).toBeGreaterThanOrEqual(startsAt.getTime() - 1000);
    // One an hour: the campaign's own first send holds the next ones, each an hour after the one before.
    let previous = new Date(first.at).getTime();
    for (const item of rest) {
      expect(item.blockedReason).toBe("cap");
      expect(new Date(item.at).getTime() - previous).toBe(3_600_000);
      previous = new Date(item.at).getTime();
    }
  });

  it("stats: a campaign that has not started has no next send, whatever its numbers' pacing slots", async () => {
    const busy = await instance("paced-elsewhere");
    // The number sends for another campaign: its pacing slot is a minute from now.
    await h.t.admin`insert into public.outreach_senders (instance_id, org_id, next_send_at)
      values (${busy}, ${a.orgId}, now() + interval '1 minute')`;
    const c = await post("/campaigns", {
      name: "Starts next week",
      templateId,
      audience: { listIds: [listId] },
      senderIds: [busy],
      startsAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
    });
    expect((await post(`/campaigns/${c.body.id}/start`, {})).body.status).toBe("scheduled");
    const stats = await get(`/campaigns/${c.body.id}/stats`);
    expect(stats.status, JSON.stringify(stats.body)).toBe(200);
    expect(stats.body.senders).toEqual([expect.objectContaining({ instanceId: busy, nextSendAt: null })]);
    const pool = await get(`/campaigns/${c.body.id}/senders`);
    expect(pool.body.items).toEqual([expect.objectContaining({ instanceId: busy, nextSendAt: null })]);
  });

  it("dry run: a blacklisted or opted-out person is listed as never sent, with the reason", async () => {
    const list = await post("/lists", { name: "Dry run blocks" });
    const phones = ["+5511975550001", "+5511975550002", "+5511975550003"];
    await h.t.admin`insert into public.contacts (org_id, phone_e164, name, opted_out_at)
      select ${a.orgId}, p, 'Pessoa', case when p = ${phones[1] as string} then now() end from unnest(${phones}::text[]) p`;
    await h.t.admin`insert into public.contact_list_members (org_id, list_id, contact_id)
      select ${a.orgId}, ${list.body.id}, id from public.contacts where phone_e164 = any(${phones}::text[])`;
    await h.t
      .admin`insert into public.blacklist (org_id, phone_e164, source) values (${a.orgId}, ${phones[0] as string}, 'manual')`;
    const c = await post("/campaigns", {
      name: "Dry run blocks",
      templateId,
      audience: { listIds: [list.body.id] },
      senderIds: [senders[0]],
      pacing: FAST,
      caps: { perHour: 1000, perDay: 1000, warmup: false },
      skipHolidays: false,
    });
    const dry = await post(`/campaigns/${c.body.id}/dry-run`, { count: 10 }, viewer);
    expect(dry.status, JSON.stringify(dry.body)).toBe(200);
    const of = (items: Json[], phone: string) => items.find((x: Json) => x.phone === phone);
    expect(of(dry.body.items, phones[0] as string)).toMatchObject({ at: null, blockedReason: "blacklisted" });
    // Who withdrew consent before the start is not planned at all.
    expect(of(dry.body.items, phones[1] as string)).toBeUndefined();
    expect(of(dry.body.items, phones[2] as string)).toMatchObject({ blockedReason: null });
    expect(of(dry.body.items, phones[2] as string)?.at).not.toBeNull();
    // Started, then the third person opts out: the stored plan still holds them, the dry run says they never go.
    expect((await post(`/campaigns/${c.body.id}/start`, { now: true })).body.status).toBe("running");
    await h.t
      .admin`update public.contacts set opted_out_at = now() where org_id = ${a.orgId} and phone_e164 = ${phones[2] as string}`;
    const started = await post(`/campaigns/${c.body.id}/dry-run`, { count: 10 }, viewer);
    expect(started.body.planned).toBe(true);
    expect(of(started.body.items, phones[2] as string)).toMatchObject({ at: null, blockedReason: "opted_out" });
    expect((await post(`/campaigns/${c.body.id}/cancel`, {})).status).toBe(200);
  });

  it("start snapshots the audience into one row per person, spread over connected senders; later edits change nothing", async () => {
    const res = await post(`/campaigns/${id}/start`, { now: true });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.status).toBe("running");
    const rows = await h.t.admin<{ instance_id: string; n: number; variants: number }[]>`
      select instance_id, count(*)::int as n, count(distinct variation)::int as variants
      from public.outbound_messages where campaign_id = ${id} group by instance_id order by instance_id`;
    expect(rows.map((r) => r.instance_id).sort()).toEqual(senders.slice(0, 2).sort());
    expect(rows.reduce((s, r) => s + r.n, 0)).toBe(120);
    for (const r of rows) {
      expect(r.n).toBeGreaterThan(30);
      expect(r.variants).toBe(2);
    }
    // A person added to the list afterwards is not part of this campaign.
    await h.t.admin`insert into public.contacts (org_id, phone_e164) values (${a.orgId}, '+5511966660000')`;
    await h.t.admin`insert into public.contact_list_members (org_id, list_id, contact_id)
      select ${a.orgId}, ${listId}, id from public.contacts where phone_e164 = '+5511966660000'`;
    const again = await post(`/campaigns/${id}/start`, { now: true });
    expect(again.status).toBe(409);
    const edit = await api(h, "patch", path(`/campaigns/${id}`), {
      token: marketer,
      body: { audience: { listIds: [] } },
    });
    expect(edit.status).toBe(409);
    const pacing = await api(h, "patch", path(`/campaigns/${id}`), {
      token: marketer,
      body: { pacing: { ...FAST, gapMs: { min: 200, max: 400 } } },
    });
    expect(pacing.status).toBe(200);
    const stats = await get(`/campaigns/${id}/stats`);
    expect(stats.status).toBe(200);
    expect(stats.body).toMatchObject({ total: 120, counts: { queued: 120, sent: 0 } });
    expect(stats.body.senders).toHaveLength(3);
  });

  it("pause, resume (fresh times, no burst), cancel; refused transitions answer 409", async () => {
    expect((await post(`/campaigns/${id}/resume`, {})).status).toBe(409);
    const p = await post(`/campaigns/${id}/pause`, { reason: "checking the copy" });
    expect(p.body).toMatchObject({ status: "paused", statusReason: "user: checking the copy" });
    await h.t
      .admin`update public.outbound_messages set scheduled_at = now() - interval '1 hour' where campaign_id = ${id}`;
    const resumedAt = new Date();
    const r = await post(`/campaigns/${id}/resume`, {});
    expect(r.body.status).toBe("running");
    // Measured from the first planned instant, not from the clock when this query runs (a loaded machine may take
    // longer than a mean gap between the resume and the query).
    const [span] = await h.t.admin<{ due: number; first: Date }[]>`
      with q as (select scheduled_at from public.outbound_messages where campaign_id = ${id})
      select count(*) filter (where scheduled_at <= (select min(scheduled_at) from q) + interval '50 milliseconds')::int
        as due, (select min(scheduled_at) from q) as first
      from q`;
    // What was due during the pause is not due at once: about one per sender now, the rest spread by the mean gap.
    expect(span?.first.getTime()).toBeGreaterThanOrEqual(resumedAt.getTime() - 1_000);
    expect(span?.due).toBeGreaterThanOrEqual(1);
    expect(span?.due).toBeLessThanOrEqual(4);
    const csv = await api(h, "get", path(`/campaigns/${id}/report.csv`), { token: viewer });
    expect(csv.status).toBe(200);
    const c = await post(`/campaigns/${id}/cancel`, {});
    expect(c.body).toMatchObject({ status: "cancelled", statusReason: "user" });
    const [left] = await h.t.admin<{ n: number }[]>`
      select count(*)::int as n from public.outbound_messages where campaign_id = ${id} and state = 'queued'`;
    expect(left?.n).toBe(0);
    expect((await post(`/campaigns/${id}/pause`, {})).status).toBe(409);
  });
});
