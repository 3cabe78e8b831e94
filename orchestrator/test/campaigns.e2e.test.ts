/**
 * Campaigns end to end: the real orchestrator (API, tick) over Postgres and Redis, a real worker process hosting
 * real Baileys sockets for three numbers, and wa-sim's contacts — whose record of what each received is what the
 * assertions read. Exactly once across pause/resume and a SIGKILL of the worker, blacklist and opt-out honoured,
 * gaps drawn from the profile, quiet hours and holidays in the recipient's own zone, a banned number's share moved.
 */
import { type E2eStack, waiter } from "@mirage/testing/e2e-stack";
import type { OrgFixture } from "@mirage/testing/fixtures";
import type { TestDatabase } from "@mirage/testing/postgres";
import type { ReceivedMessage, Simulator } from "@mirage/wa-sim";
import { DateTime } from "luxon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gapsByAccount, startCampaignStack, waitForCompletion, waitForCount } from "./campaign-e2e.ts";
import { api, type Json } from "./harness.ts";

const ACCOUNTS = ["5511966220001", "5511966220002", "5511966220003"];

let stack: E2eStack;
let t: TestDatabase;
let a: OrgFixture;
let sim: Simulator;
let url: string;
let marketer: string;
const instances: string[] = [];
const accountOf = new Map<string, string>();

/** The one worker of this suite. */
const startWorker = () => stack.startWorker("w-camp");
const stopWorker = (signal: NodeJS.Signals) => stack.stopWorker("w-camp", signal);
const waitFor = waiter(30_000);

const org = (p: string) => `/api/v1/orgs/${a.orgId}${p}`;
const post = (p: string, body: unknown) => api({ url }, "post", org(p), { token: marketer, body });
const campaignOf = async (id: string): Promise<Json> =>
  (await api({ url }, "get", org(`/campaigns/${id}`), { token: marketer })).body;
/** What the stall detector of `waitForCompletion` reads, and what it prints when a campaign stops moving. */
const watch = {
  admin: () => t.admin,
  campaignOf: (id: string) => campaignOf(id),
  workerAlive: () => stack.workers.get("w-camp")?.exitCode === null,
};
const received = (accounts = ACCOUNTS): ReceivedMessage[] =>
  accounts.flatMap((acc) => sim.groundTruth.messages({ account: acc }));

/** Contacts `+<prefix><i>` for i in [1, n], in one new list; answers the list and the phones. */
async function audience(name: string, phones: string[]): Promise<string> {
  const list = await post("/lists", { name });
  await t.admin`
    insert into public.contacts (org_id, phone_e164, name)
    select ${a.orgId}, p, 'Pessoa ' || row_number() over () from unnest(${phones}::text[]) p`;
  await t.admin`
    insert into public.contact_list_members (org_id, list_id, contact_id)
    select ${a.orgId}, ${list.body.id}, id from public.contacts where org_id = ${a.orgId} and phone_e164 = any(${phones}::text[])`;
  return list.body.id;
}

const FAST = {
  gapMs: { min: 150, max: 450 },
  breakEvery: { min: 25, max: 35 },
  breakMs: { min: 1_500, max: 2_000 },
  typingMsPerChar: 1,
  typingMs: { min: 50, max: 120 },
};
const NO_CAPS = { perHour: 100_000, perDay: 100_000, warmup: false };

beforeAll(async () => {
  let ids: string[];
  ({
    stack,
    a,
    marketer,
    instances: ids,
  } = await startCampaignStack({
    name: "camp",
    org: "camp-e2e",
    worker: "w-camp",
    accounts: ACCOUNTS,
  }));
  ({ t, sim, url } = stack);
  for (const [i, id] of ids.entries()) {
    instances.push(id);
    accountOf.set(id, ACCOUNTS[i] as string);
  }
}, 900_000);

afterAll(() => stack?.close(), 60_000);

describe("a campaign of 300 over three numbers", () => {
  it("delivers exactly once to each allowed person, through pause/resume and a SIGKILL, honouring blacklist and opt-out", async () => {
    const phones = Array.from({ length: 300 }, (_, i) => `+5511977${String(1_000_001 + i).slice(1)}`);
    const listId = await audience("e2e-300", phones);
    const blacklisted = phones.slice(10, 15);
    await t.admin`insert into public.blacklist (org_id, phone_e164, source)
      select ${a.orgId}, p, 'manual' from unnest(${blacklisted}::text[]) p`;
    const tpl = await post("/templates", {
      name: "e2e",
      body: "{Oi|Olá} {{first_name|cliente}}, temos uma {oferta|promoção} para você!",
    });
    const created = await post("/campaigns", {
      name: "E2E 300",
      templateId: tpl.body.id,
      audience: { listIds: [listId] },
      senderIds: instances,
      pacing: FAST,
      caps: NO_CAPS,
      skipHolidays: false,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    const started = await post(`/campaigns/${id}/start`, { now: true });
    expect(started.body.status, JSON.stringify(started.body)).toBe("running");

    // The person planned last says "pare" to their number before their turn: they get nothing, and are blacklisted.
    const [last] = await t.admin<{ phone: string; instance_id: string }[]>`
      select recipient_phone as phone, instance_id from public.outbound_messages
      where campaign_id = ${id} and not (recipient_phone = any(${blacklisted}::text[]))
      order by scheduled_at desc limit 1`;
    if (!last) throw new Error("no plan");
    sim.contact(last.phone.slice(1)).sendText(accountOf.get(last.instance_id) as string, "Pare de mandar, por favor");
    await waitFor(
      async () => {
        const [row] = await t.admin<{ state: string }[]>`
        select state::text from public.outbound_messages where campaign_id = ${id} and recipient_phone = ${last.phone}`;
        return row?.state === "cancelled";
      },
      30_000,
      "opt-out cancels the queued message",
    );

    // Pause holds: nothing new for the pause's length beyond what was already being written.
    await waitForCount(() => received().length, 60, "60 sent");
    const paused = await post(`/campaigns/${id}/pause`, {});
    expect(paused.body.status).toBe("paused");
    const pausedAt = new Date(paused.body.updatedAt).getTime();
    await new Promise((r) => setTimeout(r, 3_000));
    // Written after the pause: at most the one each number had already claimed and checked (typing, then the write).
    const [late] = await t.admin<{ n: number }[]>`
      select count(*)::int as n from public.outbound_messages
      where campaign_id = ${id} and sending_at > ${new Date(pausedAt)}`;
    expect(late?.n).toBeLessThanOrEqual(ACCOUNTS.length);
    // And the contacts' record shows silence from 2 s after the pause until the resume.
    const inPause = received().filter((m) => m.receivedAt.getTime() > pausedAt + 2_000);
    expect(inPause).toEqual([]);
    const pauseEnd = Date.now();
    const resumed = await post(`/campaigns/${id}/resume`, {});
    expect(resumed.body.status).toBe("running");

    // SIGKILL mid-campaign, then the worker comes back: the campaign completes without a duplicate.
    await waitForCount(() => received().length, 160, "160 sent");
    await stopWorker("SIGKILL");
    const killedAt = Date.now();
    startWorker();
    const done = await waitForCompletion(watch, id);
    expect(done.statusReason).toBe("done");

    const rows = await t.admin<{ phone: string; state: string; reason: string | null }[]>`
      select recipient_phone as phone, state::text, coalesce(skip_reason, error_code) as reason
      from public.outbound_messages where campaign_id = ${id}`;
    const state = new Map(rows.map((r) => [r.phone, r]));
    let exact = 0;
    for (const phone of phones) {
      const got = sim.groundTruth.messages({ contact: phone.slice(1) });
      expect(got.length, `${phone} received ${got.length}`).toBeLessThanOrEqual(1);
      if (blacklisted.includes(phone)) {
        expect(got).toEqual([]);
        expect(state.get(phone)).toMatchObject({ state: "skipped", reason: "blacklisted" });
      } else if (phone === last.phone) {
        expect(got).toEqual([]);
        expect(state.get(phone)).toMatchObject({ state: "cancelled", reason: "opted_out" });
      } else if (got.length === 1) {
        exact++;
        expect(got[0]?.text).toMatch(/^(Oi|Olá) Pessoa, temos uma (oferta|promoção) para você!$/);
      } else {
        // At most once: a message caught mid-write by the SIGKILL is `unknown`, never sent again.
        expect(state.get(phone)?.state).toBe("unknown");
      }
    }
    expect(exact).toBeGreaterThanOrEqual(294 - ACCOUNTS.length);
    const [optedOut] = await t.admin<{ n: number }[]>`
      select count(*)::int as n from public.blacklist where org_id = ${a.orgId} and phone_e164 = ${last.phone}`;
    expect(optedOut?.n).toBe(1);

    // Per number, gaps fall inside the profile (the drawn gap plus typing; a break now and then) and vary.
    const all = received();
    const crosses = (prev: ReceivedMessage, next: ReceivedMessage, at: number) =>
      prev.receivedAt.getTime() <= at && next.receivedAt.getTime() >= at;
    const gaps = gapsByAccount(
      all,
      ACCOUNTS,
      (prev, next) => crosses(prev, next, pauseEnd) || crosses(prev, next, killedAt),
    );
    for (const [acc, g] of gaps) {
      expect(g.length, acc).toBeGreaterThan(40);
      const floor = FAST.gapMs.min + FAST.typingMs.min - 60;
      expect(Math.min(...g), `${acc} smallest gap`).toBeGreaterThanOrEqual(floor);
      expect(new Set(g.map((x) => Math.round(x / 20))).size, `${acc} gaps vary`).toBeGreaterThan(10);
      expect(
        g.some((x) => x >= FAST.breakMs.min),
        `${acc} took a break`,
      ).toBe(true);
    }
    const stats = await api({ url }, "get", org(`/campaigns/${id}/stats`), { token: marketer });
    expect(stats.body.skippedByReason).toMatchObject({ blacklisted: 5, opted_out: 1 });
  }, 1_200_000);
});

describe("time rules in the recipient's zone", () => {
  it("sends nothing inside quiet hours or on a holiday of the recipient's zone; others receive", async () => {
    const sp = Array.from({ length: 8 }, (_, i) => `+5511976${String(1_000_001 + i).slice(1)}`);
    const jp = Array.from({ length: 8 }, (_, i) => `+8190${String(100_000_001 + i).slice(1)}`);
    const es = Array.from({ length: 8 }, (_, i) => `+3461${String(10_000_001 + i).slice(1)}`);
    const listId = await audience("zones", [...sp, ...jp, ...es]);
    const spNow = DateTime.now().setZone("America/Sao_Paulo");
    const fmt = (d: DateTime) => d.toFormat("HH:mm");
    // Quiet around São Paulo's "now": Madrid (4 h ahead) and Tokyo (12 h ahead) are outside it.
    const quietHours = { start: fmt(spNow.minus({ hours: 1 })), end: fmt(spNow.plus({ hours: 1 })) };
    const today = DateTime.now().setZone("Asia/Tokyo").toISODate();
    await t.admin`insert into public.holidays (org_id, day, name, country_code) values (${a.orgId}, ${today}, 'Test day', 'JP')`;
    const tpl = await post("/templates", { name: "zones", body: "Olá {{first_name|cliente}}!" });
    const c = await post("/campaigns", {
      name: "Zones",
      templateId: tpl.body.id,
      audience: { listIds: [listId] },
      senderIds: instances,
      pacing: FAST,
      caps: NO_CAPS,
      quietHours,
      skipHolidays: true,
    });
    const id = c.body.id as string;
    expect((await post(`/campaigns/${id}/start`, { now: true })).body.status).toBe("running");
    await waitForCount(
      () => es.filter((p) => sim.groundTruth.messages({ contact: p.slice(1) }).length === 1).length,
      es.length,
      "Spain",
    );
    // Every other recipient's turn comes (and is postponed) within a few steps of the numbers' chains.
    const heldBack = () => t.admin<{ phone: string; state: string; at: Date }[]>`
      select recipient_phone as phone, state::text, scheduled_at as at from public.outbound_messages
      where campaign_id = ${id} and not (recipient_phone = any(${es}::text[]))`;
    const rows = await waitFor(
      async () => {
        const r = await heldBack();
        return r.every((x) => x.state !== "queued" || x.at.getTime() > Date.now() + 30 * 60_000) && r;
      },
      60_000,
      "postponed",
    );
    expect(rows).toHaveLength(sp.length + jp.length);
    for (const p of [...sp, ...jp]) expect(sim.groundTruth.messages({ contact: p.slice(1) })).toEqual([]);
    for (const r of rows) {
      expect(r.state).toBe("queued");
      const local = DateTime.fromJSDate(r.at).setZone(sp.includes(r.phone) ? "America/Sao_Paulo" : "Asia/Tokyo");
      // Postponed to the first minute allowed: the end of the quiet hours (São Paulo), the day after (Tokyo).
      if (sp.includes(r.phone)) expect(fmt(local)).toBe(quietHours.end);
      else expect(String(local.toISODate()) > String(today)).toBe(true);
    }
    const dry = await post(`/campaigns/${id}/dry-run`, { count: 5 });
    expect(dry.body.planned).toBe(true);
    // Every number now sleeps until its next known recipient (the end of the quiet hours, or tomorrow): a campaign
    // started meanwhile wakes them, it does not wait behind the postponed ones.
    const more = Array.from({ length: 6 }, (_, i) => `+3462${String(10_000_001 + i).slice(1)}`);
    const next = await post("/campaigns", {
      name: "Zones, next",
      templateId: tpl.body.id,
      audience: { listIds: [await audience("zones-next", more)] },
      senderIds: instances,
      pacing: FAST,
      caps: NO_CAPS,
      skipHolidays: false,
    });
    expect((await post(`/campaigns/${next.body.id}/start`, { now: true })).body.status).toBe("running");
    await waitForCount(
      () => more.filter((p) => sim.groundTruth.messages({ contact: p.slice(1) }).length === 1).length,
      more.length,
      "next campaign",
    );
    for (const p of [...sp, ...jp]) expect(sim.groundTruth.messages({ contact: p.slice(1) })).toEqual([]);
    expect((await post(`/campaigns/${id}/cancel`, {})).body.status).toBe("cancelled");
  }, 600_000);
});

describe("failover", () => {
  it("a campaign held by its warm-up on a number does not hold back another campaign on that number", async () => {
    // Warm-up holds a number to 5 an hour on its first day (the first number sent far more in the tests above): a
    // campaign with warm-up waits for its hour to free there, and one without goes on sending through it meanwhile.
    const number = instances[0] as string;
    const account = ACCOUNTS[0] as string;
    const tpl = await post("/templates", { name: "shared", body: "Oi {{first_name|cliente}}!" });
    const start = async (name: string, phones: string[], warmup: boolean) => {
      const listId = await audience(name, phones);
      const created = await post("/campaigns", {
        name,
        templateId: tpl.body.id,
        audience: { listIds: [listId] },
        senderIds: [number],
        pacing: FAST,
        caps: { ...NO_CAPS, warmup },
        skipHolidays: false,
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const started = await post(`/campaigns/${created.body.id}/start`, { now: true });
      expect(started.body.status, JSON.stringify(started.body)).toBe("running");
      return created.body.id as string;
    };
    const held = Array.from({ length: 8 }, (_, i) => `+5511973${String(1_000_001 + i).slice(1)}`);
    const free = Array.from({ length: 3 }, (_, i) => `+5511972${String(1_000_001 + i).slice(1)}`);
    const heldId = await start("held by warm-up", held, true);
    const got = (phones: string[]) => received([account]).filter((m) => phones.includes(`+${m.contact}`)).length;
    await waitFor(
      async () => {
        const [r] = await t.admin<{ waiting: number; sent: number }[]>`
          select count(*) filter (where state = 'queued' and scheduled_at > now() + interval '1 minute')::int
              as waiting,
            count(*) filter (where state in ('sent', 'delivered', 'read'))::int as sent
          from public.outbound_messages where campaign_id = ${heldId}`;
        return (r?.waiting ?? 0) > 0 && (r?.waiting ?? 0) + (r?.sent ?? 0) === held.length;
      },
      60_000,
      "the warm-up campaign waits for its hour",
    );
    const heldSent = got(held);
    expect(heldSent).toBeLessThanOrEqual(5);
    // A worker that starts meanwhile finds the number's chain asleep until that hour frees, as the only work it has.
    const lastEvent = async () =>
      (
        await t.admin<{ id: number; to: string }[]>`
        select id::int, to_status::text as to from public.instance_events
        where instance_id = ${number} order by id desc limit 1`
      )[0];
    const before = (await lastEvent())?.id ?? 0;
    await stopWorker("SIGTERM");
    startWorker();
    await waitFor(
      async () => {
        const now = await lastEvent();
        return (now?.id ?? 0) > before && now?.to === "connected";
      },
      90_000,
      "the number connected again by the new worker",
    );
    // The new worker's sweep (every second once the number is connected) arms the chain at the only work it knows,
    // that hour; its job has the old worker's name (`<number>-<ms>`), so nothing tells the two apart from outside.
    await new Promise((r) => setTimeout(r, 3_000));
    await start("no warm-up", free, false);
    await waitForCount(() => got(free), free.length, "the other campaign's messages, through the same number");
    expect(got(held)).toBe(heldSent);
    // Its recipients would wait the hour out: cancelled, so the tests after this one have the number to themselves.
    expect((await post(`/campaigns/${heldId}/cancel`, {})).body.status).toBe("cancelled");
  }, 180_000);

  it("a number banned mid-campaign stops; its share moves to the others and everyone still gets one message", async () => {
    const phones = Array.from({ length: 60 }, (_, i) => `+5511975${String(1_000_001 + i).slice(1)}`);
    const listId = await audience("failover", phones);
    const tpl = await post("/templates", { name: "failover", body: "Oi {{first_name|cliente}}, tudo bem?" });
    const c = await post("/campaigns", {
      name: "Failover",
      templateId: tpl.body.id,
      audience: { listIds: [listId] },
      senderIds: instances,
      pacing: { ...FAST, gapMs: { min: 300, max: 600 } },
      caps: NO_CAPS,
      skipHolidays: false,
    });
    const id = c.body.id as string;
    expect((await post(`/campaigns/${id}/start`, { now: true })).body.status).toBe("running");
    const inCampaign = () => phones.flatMap((p) => sim.groundTruth.messages({ contact: p.slice(1) }));
    await waitForCount(() => inCampaign().length, 12, "12 sent");
    const banned = ACCOUNTS[2] as string;
    sim.phone(banned).fault({ type: "banned" });
    const bannedAt = Date.now();
    const done = await waitForCompletion(watch, id);
    expect(done.status).toBe("completed");
    const late = inCampaign().filter((m) => m.account === banned && m.receivedAt.getTime() > bannedAt + 1_000);
    expect(late).toEqual([]);
    let missing = 0;
    for (const p of phones) {
      const got = sim.groundTruth.messages({ contact: p.slice(1) });
      expect(got.length).toBeLessThanOrEqual(1);
      if (got.length === 0) missing++;
    }
    // A message written as the ban hit may be lost with the number (failed or unknown), never sent twice.
    expect(missing).toBeLessThanOrEqual(1);
    const stats = await api({ url }, "get", org(`/campaigns/${id}/stats`), { token: marketer });
    const bannedSender = stats.body.senders.find((s: Json) => s.instanceId === instances[2]);
    expect(bannedSender).toMatchObject({ active: false });
  }, 900_000);
});
