import { createOrgWithMembers, type OrgFixture } from "@mirage/testing/fixtures";
import { createTestDatabase, type TestDatabase } from "@mirage/testing/postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashBlacklistForErasure } from "../src/blacklist.ts";
import { findSendBlock } from "../src/messaging-settings.ts";
import { claimForSend } from "../src/send-claims.ts";

// The send-time check every send goes through (the claim's verdict, findSendBlock, the campaign dry run): whoever
// said stop is not messaged, whatever form of their number a list holds, and even after their data was erased.
let t: TestDatabase;
let a: OrgFixture;
let b: OrgFixture;
let instanceId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  a = await createOrgWithMembers(t.admin, "block-a");
  b = await createOrgWithMembers(t.admin, "block-b");
  const [inst] = await t.admin<{ id: string }[]>`
    insert into public.instances (org_id, name, status) values (${a.orgId}, 'block-1', 'connected') returning id`;
  instanceId = inst?.id ?? "";
});
afterAll(async () => {
  await t?.drop();
});

const check = (phone: string | null, lid: string | null = null) =>
  t.db.asService((tx) => findSendBlock(tx, { orgId: a.orgId, phone, lid, contactId: null }));

describe("the send-time block", () => {
  it("a Brazilian mobile blacklisted in one form blocks the other (with or without the ninth digit), and only it", async () => {
    await t.admin`insert into public.blacklist (org_id, phone_e164, source) values
      (${a.orgId}, '+5511987650001', 'opt_out'), (${a.orgId}, '+551187650002', 'manual')`;
    expect(await check("+5511987650001")).toBe("blacklisted");
    expect(await check("+551187650001")).toBe("blacklisted");
    expect(await check("+5511987650002")).toBe("blacklisted");
    expect(await check("+551187650002")).toBe("blacklisted");
    expect(await check("+5511987650003")).toBeUndefined();
    // A landline has no other form; another country's number is itself only.
    expect(await check("+551132650001")).toBeUndefined();
    expect(await check(null, "123@lid")).toBeUndefined();
  });

  it("an erased person's hashed entry still blocks their number, in either form", async () => {
    await t.admin`insert into public.blacklist (org_id, phone_e164, source) values (${a.orgId}, '+5511987650009', 'opt_out')`;
    await t.db.asService((tx) =>
      hashBlacklistForErasure(tx, a.orgId, { phones: ["+5511987650009"], waLid: null, reason: "erased" }),
    );
    const [clear] = await t.admin`select 1 from public.blacklist where phone_e164 = '+5511987650009'`;
    expect(clear).toBeUndefined();
    // Imported again later: not messaged.
    expect(await check("+5511987650009")).toBe("blacklisted");
    expect(await check("+551187650009")).toBe("blacklisted");
    // Another organization's salt and entries are its own.
    expect(
      await t.db.asService((tx) =>
        findSendBlock(tx, { orgId: b.orgId, phone: "+5511987650009", lid: null, contactId: null }),
      ),
    ).toBeUndefined();
  });

  it("an entry by LID only blocks a number once its LID is known (contact or on-WhatsApp answer)", async () => {
    await t.admin`insert into public.blacklist (org_id, wa_lid, source) values
      (${a.orgId}, '900001@lid', 'opt_out'), (${a.orgId}, '900002@lid', 'opt_out')`;
    expect(await check("+5511987650021")).toBeUndefined();
    await t.admin`insert into public.contacts (org_id, phone_e164, wa_lid) values (${a.orgId}, '+5511987650021', '900001@lid')`;
    await t.admin`insert into public.wa_id_lookups (phone_e164, on_whatsapp, wa_jid, wa_lid)
      values ('+551187650022', true, '551187650022@s.whatsapp.net', '900002@lid')`;
    expect(await check("+5511987650021")).toBe("blacklisted");
    // WhatsApp answered for the form without the ninth digit; the list holds the other.
    expect(await check("+5511987650022")).toBe("blacklisted");
    expect(await check("+5511987650023")).toBeUndefined();
  });

  it("a claim carries the same verdict, and a member of another organization may not ask", async () => {
    const [m] = await t.admin<{ id: string }[]>`
      insert into public.outbound_messages (org_id, instance_id, recipient_phone, body, source)
      values (${a.orgId}, ${instanceId}, '+551187650001', 'oi', 'api') returning id`;
    const claimed = await t.db.asService((tx) => claimForSend(tx, { instanceId, messageId: Number(m?.id) }));
    expect(claimed?.block).toBe("blacklisted");
    await expect(
      t.db.asUser(b.users.owner.claims, (tx) =>
        findSendBlock(tx, { orgId: a.orgId, phone: "+5511987650001", lid: null, contactId: null }),
      ),
    ).rejects.toThrow(/not a member/);
    expect(
      await t.db.asUser(a.users.viewer.claims, (tx) =>
        findSendBlock(tx, { orgId: a.orgId, phone: "+551187650002", lid: null, contactId: null }),
      ),
    ).toBe("blacklisted");
  });
});
