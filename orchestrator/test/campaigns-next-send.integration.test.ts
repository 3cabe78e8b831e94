/**
 * A running campaign's next send in its stats and pool, over the real API and Postgres (no worker steps the
 * messages): held by the campaign's quiet hours, weekday windows and holidays from the start, not "now" until the
 * worker has postponed every waiting message; the earliest of every waiting recipient in their own zone, not the
 * first one's; and held by the number's caps until they free a send.
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
/** Two São Paulo people and one in Acre (Rio Branco, two hours behind São Paulo). */
let mixedListId: string;
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
  const mixed = await post("/lists", { name: "Mixed zones" });
  expect(mixed.status, JSON.stringify(mixed.body)).toBe(201);
  mixedListId = mixed.body.id;
  await h.t.admin`
    insert into public.contacts (org_id, phone_e164, name)
    values (${a.orgId}, '+5511972000001', 'Paulista 1'), (${a.orgId}, '+5511972000002', 'Paulista 2'),
      (${a.orgId}, '+5568992000001', 'Acreana')`;
  await h.t.admin`
    insert into public.contact_list_members (org_id, list_id, contact_id)
    select ${a.orgId}, ${mixedListId}, id from public.contacts
    where org_id = ${a.orgId} and phone_e164 in ('+5511972000001', '+5511972000002', '+5568992000001')`;
  const t = await post("/templates", { name: "Oferta", body: "Oi {{first_name|cliente}}!" });
  expect(t.status, JSON.stringify(t.body)).toBe(201);
  templateId = t.body.id;
});
afterAll(async () => {
  await h?.close();
});

/**
 * Starts a campaign now on a fresh number with `rules` and answers the next send its stats and pool show; `before`
 * changes the rows first (as the worker or other sends would have).
 */
async function startedNextSend(
  name: string,
  rules: Json,
  opts: { list?: string; before?: (campaignId: string, senderId: string) => Promise<unknown> } = {},
): Promise<{ stats: string | null; pool: string | null; heldBy: string | null }> {
  const sender = await insertInstance(h.t.admin, a.orgId, name, { status: "connected" });
  const c = await post("/campaigns", {
    name,
    templateId,
    audience: { listIds: [opts.list ?? listId] },
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
  await opts.before?.(c.body.id, sender);
  const stats = await get(`/campaigns/${c.body.id}/stats`);
  expect(stats.status, JSON.stringify(stats.body)).toBe(200);
  const pool = await get(`/campaigns/${c.body.id}/senders`);
  expect(pool.status, JSON.stringify(pool.body)).toBe(200);
  const heldBy = stats.body.senders[0].nextSendHeldBy;
  // The pool says the same as the stats, time and reason.
  expect(pool.body.items[0].nextSendHeldBy).toBe(heldBy);
  return { stats: stats.body.senders[0].nextSendAt, pool: pool.body.items[0].nextSendAt, heldBy };
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
    expect(next.heldBy).toBe("quiet_hours");
    expect(next.pool).toBe(next.stats);
  });

  it("on a weekday without a window is when the next window opens", async () => {
    const now = DateTime.now().setZone(ZONE);
    const tomorrow = now.plus({ days: 1 });
    const schedule = { windows: [{ days: [tomorrow.weekday], start: "09:00", end: "18:00" }] };
    const next = await startedNextSend("window-tomorrow", { schedule });
    nearMinute(next.stats, tomorrow.set({ hour: 9, minute: 0, second: 0, millisecond: 0 }));
    expect(next.heldBy).toBe("outside_window");
    expect(next.pool).toBe(next.stats);
  });

  it("on a holiday, with skipHolidays, is when the holiday ends", async () => {
    const today = DateTime.now().setZone(ZONE);
    await h.t.admin`insert into public.holidays (org_id, day, name)
      values (${a.orgId}, ${today.toISODate()}, 'Feriado de teste')`;
    const next = await startedNextSend("holiday-today", { skipHolidays: true });
    nearMinute(next.stats, today.plus({ days: 1 }).startOf("day"));
    expect(next.heldBy).toBe("holiday");
    expect(next.pool).toBe(next.stats);
    await h.t.admin`delete from public.holidays where org_id = ${a.orgId}`;
  });

  it("with nothing holding it is about now", async () => {
    const next = await startedNextSend("free-now", { skipHolidays: false });
    expect(Date.parse(next.stats ?? "")).toBeLessThan(Date.now() + 60_000);
    expect(next.heldBy).toBeNull();
    expect(next.pool).toBe(next.stats);
  });

  it("is the earliest of every waiting recipient in their own zone, not the first one's", async () => {
    // Quiet hours from an hour ago to an hour from now on São Paulo's clock: the two Paulistas, first in line, wait
    // for their end; in Rio Branco it is two hours earlier, before they start, so the Acreana may go at her time.
    const now = DateTime.now().setZone(ZONE).startOf("minute");
    const quietHours = {
      start: now.minus({ hours: 1 }).toFormat("HH:mm"),
      end: now.plus({ hours: 1 }).toFormat("HH:mm"),
    };
    const acre = now.plus({ minutes: 30 });
    const next = await startedNextSend(
      "zones-mixed",
      { quietHours },
      {
        list: mixedListId,
        before: (campaignId) => h.t.admin`update public.outbound_messages
          set scheduled_at = case when recipient_phone like '+5568%' then ${acre.toJSDate()}::timestamptz
            else now() - interval '1 minute' end
          where campaign_id = ${campaignId}`,
      },
    );
    nearMinute(next.stats, acre);
    // Her own planned time, not a window, decides it.
    expect(next.heldBy).toBeNull();
    expect(next.pool).toBe(next.stats);
  });

  it("at the number's hourly cap is when its oldest send of the hour leaves the window", async () => {
    const sentAt = DateTime.now().minus({ minutes: 10 });
    const next = await startedNextSend(
      "capped-hour",
      { caps: { perHour: 1, perDay: 100, warmup: false } },
      {
        // One of the campaign's messages went out ten minutes ago: with one an hour, the next waits 50 minutes.
        before: async (campaignId) => {
          const [m] = await h.t.admin<{ id: number }[]>`
            select min(id)::int as id from public.outbound_messages where campaign_id = ${campaignId}`;
          // Through the states a send takes (a trigger refuses a jump).
          for (const state of ["claimed", "sending", "sent"]) {
            await h.t.admin`update public.outbound_messages set state = ${state}::public.message_state,
              sending_at = coalesce(sending_at, ${sentAt.toJSDate()}) where id = ${m?.id ?? 0}`;
          }
        },
      },
    );
    nearMinute(next.stats, sentAt.plus({ hours: 1 }));
    expect(next.heldBy).toBe("cap");
    expect(next.pool).toBe(next.stats);
  });

  it("a number paired today, held by its warm-up's lower hourly cap, says so rather than 'at the caps'", async () => {
    const sentAt = DateTime.now().minus({ minutes: 10 });
    const next = await startedNextSend(
      "warming-up",
      { caps: { perHour: 40, perDay: 250, warmup: true } },
      {
        // Paired an hour ago (day 0: 20 a day, 5 an hour), and five sends of the last ten minutes from it.
        before: async (_campaignId, sender) => {
          await h.t.admin`insert into public.instance_events (instance_id, org_id, from_status, to_status, created_at)
            values (${sender}, ${a.orgId}, 'pending_pairing', 'connected', now() - interval '1 hour')`;
          await h.t.admin`insert into public.outbound_messages (org_id, instance_id, recipient_phone, body, state,
              sending_at)
            select ${a.orgId}, ${sender}, '+55119730000' || i, 'x', 'sent', ${sentAt.toJSDate()}
            from generate_series(10, 14) i`;
        },
      },
    );
    nearMinute(next.stats, sentAt.plus({ hours: 1 }));
    expect(next.heldBy).toBe("warmup");
  });
});
