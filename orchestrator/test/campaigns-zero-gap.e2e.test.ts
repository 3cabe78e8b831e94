/**
 * A campaign with zero gaps and no typing, end to end (the real orchestrator, a real worker process with real Baileys
 * sockets on wa-sim): the engine then runs a number's steps back to back in one job, each message written inline and
 * each step's settle carried into the next step's transaction. Exactly once through a pause and a SIGKILL,
 * blacklist and opt-out honoured, and every number's pacing row settled when its run of steps ends.
 */

import { PACING_NO_GAPS } from "@mirage/contracts/campaigns";
import type { E2eStack } from "@mirage/testing/e2e-stack";
import type { OrgFixture } from "@mirage/testing/fixtures";
import type { TestDatabase } from "@mirage/testing/postgres";
import type { ReceivedMessage, Simulator } from "@mirage/wa-sim";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCampaignStack, waitForCount } from "./campaign-e2e.ts";
import { api, type Json } from "./harness.ts";

const ACCOUNTS = ["5511966230001", "5511966230002"];

let stack: E2eStack;
let t: TestDatabase;
let a: OrgFixture;
let sim: Simulator;
let url: string;
let marketer: string;
const instances: string[] = [];

const org = (p: string) => `/api/v1/orgs/${a.orgId}${p}`;
const post = (p: string, body: unknown) => api({ url }, "post", org(p), { token: marketer, body });
const campaignOf = async (id: string): Promise<Json> =>
  (await api({ url }, "get", org(`/campaigns/${id}`), { token: marketer })).body;
const received = (): ReceivedMessage[] => ACCOUNTS.flatMap((acc) => sim.groundTruth.messages({ account: acc }));

beforeAll(async () => {
  let ids: string[];
  ({
    stack,
    a,
    marketer,
    instances: ids,
  } = await startCampaignStack({
    name: "camp0",
    org: "camp-zero-gap",
    worker: "w-camp0",
    accounts: ACCOUNTS,
  }));
  ({ t, sim, url } = stack);
  instances.push(...ids);
}, 900_000);

afterAll(() => stack?.close(), 60_000);

describe("zero gaps, no typing", () => {
  it("each allowed person gets exactly one message through a pause and a SIGKILL; paused, the pacing rows are settled", async () => {
    const phones = Array.from({ length: 160 }, (_, i) => `+5511974${String(1_000_001 + i).slice(1)}`);
    const list = await post("/lists", { name: "zero-gap" });
    await t.admin`insert into public.contacts (org_id, phone_e164, name)
      select ${a.orgId}, p, 'Pessoa' from unnest(${phones}::text[]) p`;
    await t.admin`insert into public.contact_list_members (org_id, list_id, contact_id)
      select ${a.orgId}, ${list.body.id}, id from public.contacts where org_id = ${a.orgId}`;
    const blacklisted = phones.slice(20, 23);
    await t.admin`insert into public.blacklist (org_id, phone_e164, source)
      select ${a.orgId}, p, 'manual' from unnest(${blacklisted}::text[]) p`;
    const tpl = await post("/templates", { name: "zero-gap", body: "Oi {{first_name|cliente}}, tudo bem?" });
    const created = await post("/campaigns", {
      name: "Zero gap",
      templateId: tpl.body.id,
      audience: { listIds: [list.body.id] },
      senderIds: instances,
      pacing: PACING_NO_GAPS,
      caps: { perHour: 100_000, perDay: 100_000, warmup: false },
      skipHolidays: false,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    expect((await post(`/campaigns/${id}/start`, { now: true })).body.status).toBe("running");

    // A pause stops the back-to-back steps: nothing reaches WhatsApp from 2 s after it until the resume.
    await waitForCount(() => received().length, 30, "30 sent");
    const paused = await post(`/campaigns/${id}/pause`, {});
    expect(paused.body.status).toBe("paused");
    const pausedAt = new Date(paused.body.updatedAt).getTime();
    await new Promise((r) => setTimeout(r, 3_000));
    expect(received().filter((m) => m.receivedAt.getTime() > pausedAt + 2_000)).toEqual([]);
    // The steps' settles were stored when the run of steps ended: no number holds an in-flight slot into the future.
    const pacing = await t.admin<{ next: Date }[]>`
      select next_send_at as next from public.outreach_senders where instance_id = any(${instances}::uuid[])`;
    expect(pacing).toHaveLength(ACCOUNTS.length);
    for (const p of pacing) expect(p.next.getTime()).toBeLessThanOrEqual(Date.now());
    // Consent withdrawn after planning (while paused): checked again when the person's turn comes.
    const optedOut = phones[150] as string;
    await t.admin`update public.contacts set opted_out_at = now() where org_id = ${a.orgId} and phone_e164 = ${optedOut}`;
    expect((await post(`/campaigns/${id}/resume`, {})).body.status).toBe("running");

    // SIGKILL mid-run (a settle may be in flight or carried): the campaign still completes without a duplicate.
    await waitForCount(() => received().length, 90, "90 sent");
    await stack.stopWorker("w-camp0", "SIGKILL");
    stack.startWorker("w-camp0");
    await waitForCount(
      async () => ((await campaignOf(id)).status === "completed" ? 1 : 0),
      1,
      "campaign completed",
      180_000,
    );

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
      } else if (phone === optedOut) {
        expect(got).toEqual([]);
        expect(["skipped", "cancelled"]).toContain(state.get(phone)?.state);
      } else if (got.length === 1) {
        exact++;
        expect(got[0]?.text).toBe("Oi Pessoa, tudo bem?");
      } else {
        // At most once: a message caught mid-write by the SIGKILL is `unknown`, never sent again.
        expect(state.get(phone)?.state).toBe("unknown");
      }
    }
    expect(exact).toBeGreaterThanOrEqual(156 - ACCOUNTS.length);
  }, 900_000);

  it("a campaign at its caps holds only its own messages: another campaign on the number sends; raised caps release it", async () => {
    // The number sent today already (the test above, or the first campaign here): a daily cap of 1 is reached.
    const sender = instances[1] as string;
    const tpl = await post("/templates", { name: "caps", body: "Olá {{first_name|cliente}}" });
    const campaign = async (name: string, phones: string[], perDay: number) => {
      const list = await post("/lists", { name });
      await t.admin`insert into public.contacts (org_id, phone_e164, name)
        select ${a.orgId}, p, 'Pessoa' from unnest(${phones}::text[]) p on conflict do nothing`;
      await t.admin`insert into public.contact_list_members (org_id, list_id, contact_id)
        select ${a.orgId}, ${list.body.id}, id from public.contacts
        where org_id = ${a.orgId} and phone_e164 = any(${phones}::text[])`;
      const created = await post("/campaigns", {
        name,
        templateId: tpl.body.id,
        audience: { listIds: [list.body.id] },
        senderIds: [sender],
        pacing: PACING_NO_GAPS,
        caps: { perHour: 100_000, perDay, warmup: false },
        skipHolidays: false,
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      return created.body.id as string;
    };
    const gotAny = (phones: string[]) => phones.filter((p) => sim.groundTruth.messages({ contact: p.slice(1) }).length);
    const warm = ["+5511974900001"];
    const capped = ["+5511974910001", "+5511974910002", "+5511974910003"];
    const other = ["+5511974920001", "+5511974920002", "+5511974920003"];

    const first = await campaign("Warm", warm, 100_000);
    expect((await post(`/campaigns/${first}/start`, { now: true })).body.status).toBe("running");
    await waitForCount(() => gotAny(warm).length, 1, "the warm-up message");

    // At its cap from the start: its messages wait about a day, and the number's own slot does not.
    const held = await campaign("Capped", capped, 1);
    expect((await post(`/campaigns/${held}/start`, { now: true })).body.status).toBe("running");
    await waitForCount(
      async () => {
        const [row] = await t.admin<{ n: number }[]>`select count(*)::int as n from public.outbound_messages
          where campaign_id = ${held} and state = 'queued' and scheduled_at > now() + interval '12 hours'`;
        return row?.n ?? 0;
      },
      capped.length,
      "the capped campaign's messages held",
    );
    const [slot] = await t.admin<{ next: Date }[]>`
      select next_send_at as next from public.outreach_senders where instance_id = ${sender}`;
    expect(slot?.next.getTime()).toBeLessThan(Date.now() + 60_000);
    const stats = await api({ url }, "get", org(`/campaigns/${held}/stats`), { token: marketer });
    const next = new Date(stats.body.senders[0].nextSendAt).getTime();
    expect(next).toBeGreaterThan(Date.now() + 12 * 3_600_000);

    // Another campaign on the same number, with caps of its own, is not held by the first one's.
    const free = await campaign("Free", other, 100_000);
    expect((await post(`/campaigns/${free}/start`, { now: true })).body.status).toBe("running");
    await waitForCount(() => gotAny(other).length, other.length, "the other campaign's messages");
    expect(gotAny(capped)).toEqual([]);

    // Raising the caps applies from the next send: what they held is planned again and goes out.
    const patched = await api({ url }, "patch", org(`/campaigns/${held}`), {
      token: marketer,
      body: { caps: { perHour: 100_000, perDay: 100_000, warmup: false } },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    await waitForCount(() => gotAny(capped).length, capped.length, "the released messages", 120_000);
    for (const p of [...capped, ...other]) expect(sim.groundTruth.messages({ contact: p.slice(1) })).toHaveLength(1);
  }, 600_000);
});
