import { createOrgWithMembers, type OrgFixture } from "@mirage/testing/fixtures";
import { createTestDatabase, type TestDatabase } from "@mirage/testing/postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planCampaign } from "../src/campaign-planning.ts";

/**
 * The planner writes its rows in bulk (private.insert_campaign_plan) without a foreign-key check per row; these
 * tests hold it to what those checks guaranteed, on a real Postgres with a second connection racing it.
 */

let t: TestDatabase;
let a: OrgFixture;
let b: OrgFixture;
let instanceA: string;

async function newCampaign(orgId: string, instanceId: string): Promise<string> {
  const [c] = await t.admin<{ id: string }[]>`
    insert into public.campaigns (org_id, name) values (${orgId}, ${`c ${Math.random()}`}) returning id`;
  if (!c) throw new Error("no campaign");
  await t.admin`insert into public.campaign_senders (campaign_id, instance_id, org_id) values (${c.id}, ${instanceId}, ${orgId})`;
  return c.id;
}

const plan = (tx: Parameters<typeof planCampaign>[0], campaignId: string, orgId: string) =>
  planCampaign(tx, {
    campaignId,
    orgId,
    listIds: [],
    segments: [{ tagsAny: ["vip"] }],
    startAt: new Date("2026-12-01T12:00:00Z"),
    spacingMs: 45_000,
    perDayCap: 250,
    variants: ["Olá", "Oi"],
  });

beforeAll(async () => {
  t = await createTestDatabase();
  a = await createOrgWithMembers(t.admin, "plan-a");
  b = await createOrgWithMembers(t.admin, "plan-b");
  const [i] = await t.admin<{ id: string }[]>`
    insert into public.instances (org_id, name, status) values (${a.orgId}, 'a-1', 'connected') returning id`;
  if (!i) throw new Error("no instance");
  instanceA = i.id;
  await t.admin`insert into public.contacts (org_id, phone_e164, name, tags)
    select ${a.orgId}, '+55119770001' || lpad(n::text, 2, '0'), 'A ' || n, array['vip'] from generate_series(1, 20) n`;
  await t.admin`insert into public.contacts (org_id, phone_e164, name, tags)
    select ${b.orgId}, '+55119770002' || lpad(n::text, 2, '0'), 'B ' || n, array['vip'] from generate_series(1, 5) n`;
});

afterAll(async () => {
  await t?.drop();
});

describe("planCampaign (bulk insert)", () => {
  it("plans each person of the audience once, from the campaign's organization only", async () => {
    const campaignId = await newCampaign(a.orgId, instanceA);
    const first = await t.db.asService((tx) => plan(tx, campaignId, a.orgId));
    const again = await t.db.asService((tx) => plan(tx, campaignId, a.orgId));
    const rows = await t.admin<{ org_id: string; phone: string; contact_phone: string; n: number }[]>`
      select o.org_id, o.recipient_phone as phone, c.phone_e164 as contact_phone, count(*) over ()::int as n
      from public.outbound_messages o join public.contacts c on c.id = o.contact_id
      where o.campaign_id = ${campaignId}`;
    expect(first).toBe(20);
    expect(again).toBe(0);
    expect(rows).toHaveLength(20);
    expect(rows.every((r) => r.org_id === a.orgId && r.phone === r.contact_phone)).toBe(true);
    // Planned with another organization's id, the campaign still only takes its own organization's people.
    const foreign = await newCampaign(a.orgId, instanceA);
    expect(await t.db.asService((tx) => plan(tx, foreign, b.orgId))).toBe(0);
  });

  it("leaves every foreign key and trigger on for the rest of the transaction", async () => {
    const campaignId = await newCampaign(a.orgId, instanceA);
    const [bContact] = await t.admin<{ id: string }[]>`
      select id from public.contacts where org_id = ${b.orgId} limit 1`;
    const err = await t.db
      .asService(async (tx) => {
        await plan(tx, campaignId, a.orgId);
        const [role] = await tx<{ r: string }[]>`select current_setting('session_replication_role') as r`;
        expect(role?.r).toBe("origin");
        // Another organization's contact on this organization's row: the composite key refuses it.
        await tx`insert into public.outbound_messages (org_id, contact_id, recipient_phone, instance_id, body)
          values (${a.orgId}, ${bContact?.id ?? null}, '+5511977000999', ${instanceA}, 'x')`;
      })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "23503" });
    const [n] = await t.admin<{ n: number }[]>`
      select count(*)::int as n from public.outbound_messages where campaign_id = ${campaignId}`;
    expect(n?.n).toBe(0);
  });

  it("holds off a concurrent delete of a planned contact until it commits, which then unlinks the row", async () => {
    const campaignId = await newCampaign(a.orgId, instanceA);
    const [victim] = await t.admin<{ id: string; phone: string }[]>`
      select id, phone_e164 as phone from public.contacts where org_id = ${a.orgId} order by phone_e164 limit 1`;
    if (!victim) throw new Error("no contact");
    let deleted: Promise<unknown> | undefined;
    let deleteDoneEarly = false;
    await t.db.asService(async (tx) => {
      expect(await plan(tx, campaignId, a.orgId)).toBe(20);
      deleted = t.admin`delete from public.contacts where id = ${victim.id}`.then(() => {
        deleteDoneEarly = true;
      });
      // The delete must wait for this transaction's lock on the contact (what the foreign key check took).
      const deadline = Date.now() + 10_000;
      for (;;) {
        const [w] = await t.admin<{ n: number }[]>`
          select count(*)::int as n from pg_stat_activity
          where wait_event_type = 'Lock' and query like 'delete from public.contacts%'`;
        if ((w?.n ?? 0) > 0) break;
        if (deleteDoneEarly || Date.now() > deadline) throw new Error("the delete did not wait for the plan");
        await new Promise((r) => setTimeout(r, 25));
      }
    });
    await deleted;
    const [row] = await t.admin<{ contact_id: string | null }[]>`
      select contact_id from public.outbound_messages where campaign_id = ${campaignId} and recipient_phone = ${victim.phone}`;
    expect(row).toBeDefined();
    expect(row?.contact_id).toBeNull();
  }, 30_000);
});
