import { createOrgWithMembers, type OrgFixture } from "@mirage/testing/fixtures";
import { createTestDatabase, type TestDatabase } from "@mirage/testing/postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitingByGroup, waitingPrefixes } from "../src/waiting-recipients.ts";

let t: TestDatabase;
// Numbers under the stem +5511972 are cut at ten characters, the others at eight.
const rule = { chars: 8, longChars: 10, longStems: ["+5511972"] };
let a: OrgFixture;
let campaignId: string;
let n1: string;
let n2: string;

beforeAll(async () => {
  t = await createTestDatabase();
  a = await createOrgWithMembers(t.admin, "org-waiting");
  const instances = await t.admin<{ id: string }[]>`
    insert into public.instances (org_id, name) values (${a.orgId}, 'n1'), (${a.orgId}, 'n2') returning id`;
  const [c] = await t.admin<{ id: string }[]>`
    insert into public.campaigns (org_id, name, status, template_snapshot)
    values (${a.orgId}, 'c1', 'running', '{"body":"Oi","variations":[]}') returning id`;
  if (!c || !instances[0] || !instances[1]) throw new Error("fixtures");
  [campaignId, n1, n2] = [c.id, instances[0].id, instances[1].id];
  await t.admin`insert into public.outreach_senders (instance_id, org_id, next_send_at)
    values (${n1}, ${a.orgId}, '2030-01-01T12:00:00Z')`;
  // São Paulo (two prefixes), Acre, one known only by its LID, and one already sent (not waiting).
  await t.admin`
    insert into public.outbound_messages (org_id, campaign_id, recipient_phone, recipient_lid, instance_id, body,
      scheduled_at)
    values (${a.orgId}, ${campaignId}, '+5511971000001', null, ${n1}, 'Oi', '2030-01-01T10:05:00Z'),
      (${a.orgId}, ${campaignId}, '+5511972000001', null, ${n1}, 'Oi', '2030-01-01T10:01:00Z'),
      (${a.orgId}, ${campaignId}, '+5568992000001', null, ${n1}, 'Oi', '2030-01-01T10:09:00Z'),
      (${a.orgId}, ${campaignId}, '+5568992000002', null, ${n2}, 'Oi', '2030-01-01T10:03:00Z'),
      (${a.orgId}, ${campaignId}, null, '123456789@lid', ${n2}, 'Oi', '2030-01-01T10:07:00Z'),
      (${a.orgId}, ${campaignId}, '+5511973000001', null, ${n2}, 'Oi', '2030-01-01T09:00:00Z')`;
  await t.admin`update public.outbound_messages set state = 'cancelled' where recipient_phone = '+5511973000001'`;
}, 60_000);

afterAll(async () => {
  await t?.drop();
});

describe("a campaign's waiting recipients, grouped", () => {
  it("by number prefix (longer under a long stem), each with one number of it; a LID-only recipient under the empty prefix", async () => {
    const prefixes = await t.db.asService((tx) => waitingPrefixes(tx, campaignId, rule));
    expect(prefixes.sort((x, y) => x.prefix.localeCompare(y.prefix))).toEqual([
      { prefix: "", sample: null },
      { prefix: "+5511971", sample: "+5511971000001" },
      { prefix: "+551197200", sample: "+5511972000001" },
      { prefix: "+5568992", sample: "+5568992000001" },
    ]);
  });

  it("the earliest planned time per sender and group, with the number's pacing slot", async () => {
    // Both São Paulo prefixes in group 0, Acre in 1, the LID in 2.
    const groups = new Map([
      ["+5511971", 0],
      ["+551197200", 0],
      ["+5568992", 1],
      ["", 2],
    ]);
    const rows = await t.db.asService((tx) => waitingByGroup(tx, { campaignId, rule, groups }));
    const seen = rows
      .map((r) => ({ ...r, earliest: r.earliest.toISOString(), slot: r.slot?.toISOString() ?? null }))
      .sort((x, y) => `${x.instanceId}${x.group}`.localeCompare(`${y.instanceId}${y.group}`));
    const slot = "2030-01-01T12:00:00.000Z";
    expect(seen).toEqual(
      [
        { instanceId: n1, group: 0, earliest: "2030-01-01T10:01:00.000Z", slot },
        { instanceId: n1, group: 1, earliest: "2030-01-01T10:09:00.000Z", slot },
        { instanceId: n2, group: 1, earliest: "2030-01-01T10:03:00.000Z", slot: null },
        { instanceId: n2, group: 2, earliest: "2030-01-01T10:07:00.000Z", slot: null },
      ].sort((x, y) => `${x.instanceId}${x.group}`.localeCompare(`${y.instanceId}${y.group}`)),
    );
    const none = await t.db.asService((tx) => waitingByGroup(tx, { campaignId, rule, groups: new Map() }));
    expect(none).toEqual([]);
  });
});
