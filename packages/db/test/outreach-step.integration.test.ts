import { createOrgWithMembers, type OrgFixture } from "@mirage/testing/fixtures";
import { createTestDatabase, type TestDatabase } from "@mirage/testing/postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asServiceBatched } from "../src/batched-tx.ts";
import { lockPacing } from "../src/outreach.ts";
import { readForStep, reserveSlotIfClaimed, settlePacing } from "../src/outreach-step.ts";
import { claimForSend } from "../src/send-claims.ts";

let t: TestDatabase;
let a: OrgFixture;
let instanceId: string;
let campaignId: string;
let contactId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  a = await createOrgWithMembers(t.admin, "org-a");
  const [i] = await t.admin<{ id: string }[]>`
    insert into public.instances (org_id, name) values (${a.orgId}, 'n1') returning id`;
  const [c] = await t.admin<{ id: string }[]>`
    insert into public.campaigns (org_id, name, status, template_snapshot, stop_on_reply)
    values (${a.orgId}, 'c1', 'running', '{"body":"Oi","variations":[]}', true) returning id`;
  const [p] = await t.admin<{ id: string }[]>`
    insert into public.contacts (org_id, phone_e164, name, tags) values (${a.orgId}, '+5511900008001', 'Ana', '{vip}')
    returning id`;
  if (!i || !c || !p) throw new Error("fixtures");
  [instanceId, campaignId, contactId] = [i.id, c.id, p.id];
  await t.admin`insert into public.campaign_senders (campaign_id, instance_id, org_id)
    values (${campaignId}, ${instanceId}, ${a.orgId})`;
  await t.admin`
    insert into public.outbound_messages (org_id, campaign_id, recipient_phone, contact_id, instance_id, body,
      scheduled_at, created_at)
    values (${a.orgId}, ${campaignId}, '+5511900008001', ${contactId}, ${instanceId}, 'Oi {{first_name}}',
        now() - interval '2 minutes', now() - interval '1 hour'),
      (${a.orgId}, ${campaignId}, '+5511900008002', null, ${instanceId}, 'Oi', now() - interval '1 minute',
        now() - interval '1 hour')`;
  // The second person answered after planning.
  await t.admin`insert into public.inbound_messages (org_id, instance_id, from_phone, from_jid, body, received_at,
      wa_message_id)
    values (${a.orgId}, ${instanceId}, '+5511900008002', '5511900008002@s.whatsapp.net', 'oi', now(), 'in-1')`;
}, 60_000);

afterAll(async () => {
  await t?.drop();
});

const pacingRow = async () => {
  const [row] = await t.admin<{ next: Date; since: number; last: Date | null }[]>`
    select next_send_at as next, sends_since_break as since, last_sent_at as last
    from public.outreach_senders where instance_id = ${instanceId}`;
  return row;
};

describe("a step's reads and writes", () => {
  it("reads under the pacing lock in one go: the row (created on the first step), candidates with their person", async () => {
    const read = await asServiceBatched(t.db, async (tx) => ({
      value: await readForStep(tx, { instanceId, now: new Date(), limit: 4, withCapsInfo: true }),
    }));
    expect(read.pacing.inFlight).toBe(false);
    expect(read.capsInfo).toMatchObject({ hourlyCap: null, dailyCap: null });
    expect(read.sent).toMatchObject({ hour: 0, day: 0 });
    expect(read.candidates.map((c) => c.recipientPhone)).toEqual(["+5511900008001", "+5511900008002"]);
    expect(read.candidates[0]).toMatchObject({ replied: false, contact: { name: "Ana", tags: ["vip"] } });
    expect(read.candidates[1]).toMatchObject({ replied: true, contact: undefined });
    expect(await pacingRow()).toBeDefined();
  });

  it("the slot is reserved with the claim, and not when the claim did not take; a carried settle is stored first", async () => {
    const [first] = await t.admin<{ id: number }[]>`
      select id from public.outbound_messages where recipient_phone = '+5511900008001'`;
    if (!first) throw new Error("no message");
    const hold = new Date(Date.now() + 60_000);
    const pacing = { nextSendAt: hold, sendsSinceBreak: 1, breakAfter: 5 };
    // The recipient's stored on-WhatsApp answer comes with the claim (the send module does not read it again), and
    // so does the instance's stored LID mapping for the number (Baileys looks it up during a first check).
    await t.admin`insert into public.wa_id_lookups (phone_e164, on_whatsapp, wa_jid, wa_lid, checked_at)
      select recipient_phone, true, '5511900008001@s.whatsapp.net', null, now() from public.outbound_messages
      where id = ${first.id}`;
    await t.admin`insert into public.wa_auth_keys (instance_id, org_id, type, id, key_id, ciphertext)
      select ${instanceId}, org_id, 'lid-mapping', '5511900008001', 'k1', '\\x0102'::bytea
      from public.instances where id = ${instanceId}`;
    // Claimed and reserved in the commit's write.
    const claimed = await asServiceBatched(t.db, async (tx) => {
      const claim = claimForSend(tx, { instanceId, messageId: first.id });
      const reserved = reserveSlotIfClaimed(tx, { instanceId, messageId: first.id, pacing });
      return { value: claim, writes: [claim, reserved] };
    });
    expect(claimed?.id).toBe(Number(first.id));
    expect(claimed?.waLookup).toMatchObject({ onWhatsApp: true, jid: "5511900008001@s.whatsapp.net", lid: null });
    expect(Number.isNaN(Date.parse(claimed?.waLookup?.checkedAt ?? ""))).toBe(false);
    expect(claimed?.lidMappingKey).toEqual({ keyId: "k1", ciphertext: Buffer.from([1, 2]).toString("base64") });
    expect(await pacingRow()).toMatchObject({ next: hold, since: 1 });
    // The same message again: the claim does not take, nothing is reserved.
    const later = { nextSendAt: new Date(Date.now() + 120_000), sendsSinceBreak: 2, breakAfter: 5 };
    const again = await asServiceBatched(t.db, async (tx) => {
      const claim = claimForSend(tx, { instanceId, messageId: first.id });
      return {
        value: claim,
        writes: [claim, reserveSlotIfClaimed(tx, { instanceId, messageId: first.id, pacing: later })],
      };
    });
    expect(again).toBeUndefined();
    expect(await pacingRow()).toMatchObject({ next: hold, since: 1 });
    // The message in flight holds the number; a carried settle (written, next = now) is stored before the lock reads.
    await t.admin`update public.outbound_messages set state = 'sending', sending_at = now() where id = ${first.id}`;
    const now = new Date();
    const read = await asServiceBatched(t.db, async (tx) => ({
      value: await readForStep(tx, {
        instanceId,
        now,
        limit: 4,
        withCapsInfo: false,
        settle: { next: now, written: true },
      }),
    }));
    expect(read.pacing.nextSendAt.getTime()).toBe(now.getTime());
    expect(read.pacing.sendsSinceBreak).toBe(1);
    expect(read.sent.day).toBe(1);
    // Nothing written: the reserved send is given back.
    await t.db.asServicePipelined((tx) => settlePacing(tx, instanceId, now, false));
    expect(await pacingRow()).toMatchObject({ since: 0 });
  });

  it("a failing write rolls back everything; so does a body that throws", async () => {
    const before = await pacingRow();
    await expect(
      asServiceBatched(t.db, async (tx) => ({
        value: 1,
        writes: [settlePacing(tx, instanceId, new Date(0), true), tx`select 1 / 0`.execute()],
      })),
    ).rejects.toThrow(/division by zero/);
    expect(await pacingRow()).toEqual(before);
    await expect(
      asServiceBatched(t.db, async (tx) => {
        await settlePacing(tx, instanceId, new Date(0), true);
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    expect(await pacingRow()).toEqual(before);
    // The pool is still sound afterwards.
    expect(await asServiceBatched(t.db, async (tx) => ({ value: (await tx`select 1 as one`)[0]?.one }))).toBe(1);
  });

  it("the first step of a number creates its pacing row", async () => {
    const [i] = await t.admin<{ id: string }[]>`
      insert into public.instances (org_id, name) values (${a.orgId}, 'n2') returning id`;
    if (!i) throw new Error("no instance");
    const read = await asServiceBatched(t.db, async (tx) => ({
      value: await readForStep(tx, { instanceId: i.id, now: new Date(), limit: 4, withCapsInfo: false }),
    }));
    expect(read.candidates).toEqual([]);
    expect(read.pacing.inFlight).toBe(false);
    expect(await t.db.asService((tx) => lockPacing(tx, i.id))).toMatchObject({ sendsSinceBreak: 0 });
  });
});
