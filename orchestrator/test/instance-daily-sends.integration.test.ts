/**
 * Today's sends against the caps on the instance view: counted in SQL over the campaign engine's 24-hour window,
 * against the number's own daily cap and, during warm-up, the warm-up curve's cap for its age (which only campaigns
 * with warm-up on apply, so it is reported apart) — in the list and on one instance.
 */
import { WARMUP_DAILY } from "@mirage/campaign-rules";
import { listOf } from "@mirage/contracts/common";
import { ZInstance } from "@mirage/contracts/instances";
import { createOrgWithMembers, type OrgFixture } from "@mirage/testing/fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, type Harness, startHarness } from "./harness.ts";

let h: Harness;
let a: OrgFixture;
let viewer: string;
const ids: Record<"warming" | "capped" | "fresh" | "both" | "banned", string> = {
  warming: "",
  capped: "",
  fresh: "",
  both: "",
  banned: "",
};

beforeAll(async () => {
  h = await startHarness();
  a = await createOrgWithMembers(h.t.admin, "daily-sends");
  viewer = await h.tokenFor(a.users.viewer);
  const sql = h.t.admin;
  for (const [name, cap] of [
    ["warming", null],
    ["capped", 30],
    ["fresh", null],
    ["both", 10],
    ["banned", null],
  ] as const) {
    const [row] = await sql<{ id: string }[]>`
      insert into public.instances (org_id, name, daily_cap) values (${a.orgId}, ${name}, ${cap}) returning id`;
    if (!row) throw new Error("instance not inserted");
    ids[name] = row.id;
  }
  // "warming" first connected two days ago (warm-up day 2); "capped" 40 days ago (warmed up, its own cap applies).
  await sql`insert into public.instance_events (org_id, instance_id, to_status, created_at) values
    (${a.orgId}, ${ids.warming}, 'connected', now() - interval '2 days 1 hour'),
    (${a.orgId}, ${ids.capped}, 'connected', now() - interval '40 days'),
    (${a.orgId}, ${ids.both}, 'connected', now() - interval '1 hour'),
    (${a.orgId}, ${ids.banned}, 'connected', now() - interval '3 days')`;
  // Banned on day 3 of its warm-up: it sent today, but has no warm-up left to show.
  await sql`update public.instances set status = 'banned' where id = ${ids.banned}`;
  // 3 sends in the window for "warming" (one of them failed: it still counts, as for the engine), one outside it.
  const send = (instanceId: string, ago: string, state: string) => sql`
    insert into public.outbound_messages (org_id, instance_id, recipient_phone, body, state, sending_at)
    values (${a.orgId}, ${instanceId}, '+5511900001111', 'hi', ${state}::public.message_state,
            now() - ${ago}::interval)`;
  await send(ids.warming, "5 minutes", "sent");
  await send(ids.warming, "3 hours", "delivered");
  await send(ids.warming, "23 hours", "failed");
  await send(ids.warming, "25 hours", "read");
  await send(ids.capped, "1 hour", "sent");
  await send(ids.banned, "2 hours", "failed");
});
afterAll(async () => {
  await h?.close();
});

describe("instances: sends today against the daily cap", () => {
  it("lists each number's 24-hour sends with its own cap and, apart, its warm-up cap", async () => {
    const res = await api(h, "get", `/api/v1/orgs/${a.orgId}/instances`, { token: viewer });
    expect(res.status).toBe(200);
    // The answer is what the documented schema says (dailySends included).
    expect(listOf(ZInstance).safeParse(res.body).error).toBeUndefined();
    const by = new Map<string, { dailySends: unknown }>(
      res.body.items.map((i: { id: string; dailySends: unknown }) => [i.id, i]),
    );
    // Warm-up is a campaign's choice (caps.warmup): not the number's cap, but reported for campaigns that keep it.
    expect(by.get(ids.warming)?.dailySends).toEqual({ sent: 3, cap: null, warmupCap: WARMUP_DAILY[2], warmupDay: 2 });
    expect(by.get(ids.capped)?.dailySends).toEqual({ sent: 1, cap: 30, warmupCap: null, warmupDay: null });
    expect(by.get(ids.fresh)?.dailySends).toEqual({ sent: 0, cap: null, warmupCap: null, warmupDay: null });
    expect(by.get(ids.both)?.dailySends).toEqual({ sent: 0, cap: 10, warmupCap: WARMUP_DAILY[0], warmupDay: 0 });
    expect(by.get(ids.banned)?.dailySends).toEqual({ sent: 1, cap: null, warmupCap: null, warmupDay: null });
  });

  it("shows the same on one instance", async () => {
    const res = await api(h, "get", `/api/v1/orgs/${a.orgId}/instances/${ids.warming}`, { token: viewer });
    expect(res.status).toBe(200);
    expect(ZInstance.safeParse(res.body).error).toBeUndefined();
    expect(res.body.dailySends).toEqual({ sent: 3, cap: null, warmupCap: WARMUP_DAILY[2], warmupDay: 2 });
  });
});
