/**
 * A running campaign's next send in its stats and pool, over the real API and Postgres (no worker steps the
 * messages): held by the campaign's quiet hours, weekday windows and holidays from the start, not "now" until the
 * worker has postponed every waiting message.
 */
import { createOrgWithMembers, insertInstance, type OrgFixture } from "@mirage/testing/fixtures";
import { DateTime } from "luxon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, type Harness, type Json, NO_BACKGROUND, startHarness } from "./harness.ts";

let h: Harness;
let a: OrgFixture;
let marketer: string;
let viewer: string;
let listId: string;
let templateId: string;

const ZONE = "America/Sao_Paulo";
const path = (p: string) => `/api/v1/orgs/${a.orgId}${p}`;
const post = (p: string, body: unknown) => api(h, "post", path(p), { token: marketer, body });
const get = (p: string) => api(h, "get", path(p), { token: viewer });

beforeAll(async () => {
  h = await startHarness(NO_BACKGROUND);
  a = await createOrgWithMembers(h.t.admin, "next-send");
  await h.t.admin`update public.organizations set default_country = 'BR' where id = ${a.orgId}`;
  marketer = await h.tokenFor(a.users.marketer);
  viewer = await h.tokenFor(a.users.viewer);
  const list = await post("/lists", { name: "Leads" });
  expect(list.status, JSON.stringify(list.body)).toBe(201);
  listId = list.body.id;
  // São Paulo numbers: their zone is the campaign's.
  await h.t.admin`
    insert into public.contacts (org_id, phone_e164, name)
    select ${a.orgId}, '+55119' || (71000000 + i)::text, 'Pessoa ' || i from generate_series(1, 5) i`;
  await h.t.admin`
    insert into public.contact_list_members (org_id, list_id, contact_id)
    select ${a.orgId}, ${listId}, id from public.contacts where org_id = ${a.orgId}`;
  const t = await post("/templates", { name: "Oferta", body: "Oi {{first_name|cliente}}!" });
  expect(t.status, JSON.stringify(t.body)).toBe(201);
  templateId = t.body.id;
});
afterAll(async () => {
  await h?.close();
});

/** Starts a campaign now on a fresh number with `rules` and answers the next send its stats and pool show. */
async function startedNextSend(name: string, rules: Json): Promise<{ stats: string | null; pool: string | null }> {
  const sender = await insertInstance(h.t.admin, a.orgId, name, { status: "connected" });
  const c = await post("/campaigns", {
    name,
    templateId,
    audience: { listIds: [listId] },
    senderIds: [sender],
    timezone: ZONE,
    // Nothing else holds it: each test sets the one rule it is about.
    quietHours: null,
    schedule: { windows: [] },
    skipHolidays: false,
    ...rules,
  });
  expect(c.status, JSON.stringify(c.body)).toBe(201);
  const started = await post(`/campaigns/${c.body.id}/start`, { now: true });
  expect(started.body.status, JSON.stringify(started.body)).toBe("running");
  const stats = await get(`/campaigns/${c.body.id}/stats`);
  expect(stats.status, JSON.stringify(stats.body)).toBe(200);
  const pool = await get(`/campaigns/${c.body.id}/senders`);
  expect(pool.status, JSON.stringify(pool.body)).toBe(200);
  return { stats: stats.body.senders[0].nextSendAt, pool: pool.body.items[0].nextSendAt };
}

/** Whether `at` is `expected` to the minute (the clock may turn a minute between the test and the request). */
const nearMinute = (at: string | null, expected: DateTime) => {
  expect(at).not.toBeNull();
  expect(Math.abs(Date.parse(at ?? "") - expected.toMillis())).toBeLessThanOrEqual(60_000);
};

describe("a running campaign's next send", () => {
  it("inside its quiet hours is when they end, not now", async () => {
    const now = DateTime.now().setZone(ZONE).startOf("minute");
    const quietHours = {
      start: now.minus({ hours: 1 }).toFormat("HH:mm"),
      end: now.plus({ hours: 2 }).toFormat("HH:mm"),
    };
    const next = await startedNextSend("quiet-now", { quietHours });
    nearMinute(next.stats, now.plus({ hours: 2 }));
    expect(next.pool).toBe(next.stats);
  });

  it("on a weekday without a window is when the next window opens", async () => {
    const now = DateTime.now().setZone(ZONE);
    const tomorrow = now.plus({ days: 1 });
    const schedule = { windows: [{ days: [tomorrow.weekday], start: "09:00", end: "18:00" }] };
    const next = await startedNextSend("window-tomorrow", { schedule });
    nearMinute(next.stats, tomorrow.set({ hour: 9, minute: 0, second: 0, millisecond: 0 }));
    expect(next.pool).toBe(next.stats);
  });

  it("on a holiday, with skipHolidays, is when the holiday ends", async () => {
    const today = DateTime.now().setZone(ZONE);
    await h.t.admin`insert into public.holidays (org_id, day, name)
      values (${a.orgId}, ${today.toISODate()}, 'Feriado de teste')`;
    const next = await startedNextSend("holiday-today", { skipHolidays: true });
    nearMinute(next.stats, today.plus({ days: 1 }).startOf("day"));
    expect(next.pool).toBe(next.stats);
    await h.t.admin`delete from public.holidays where org_id = ${a.orgId}`;
  });

  it("with nothing holding it is about now", async () => {
    const next = await startedNextSend("free-now", { skipHolidays: false });
    expect(Date.parse(next.stats ?? "")).toBeLessThan(Date.now() + 60_000);
    expect(next.pool).toBe(next.stats);
  });
});
