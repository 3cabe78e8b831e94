import { createOrgWithMembers, type OrgFixture } from "@mirage/testing/fixtures";
import { createTestDatabase, type TestDatabase } from "@mirage/testing/postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PipelinedLateStatementError } from "../src/client.ts";
import { insertInstance } from "../src/instances.ts";
import { rememberPeerLid, saveWaLookups } from "../src/messaging-settings.ts";
import { enqueueOutboundMessages, markSending } from "../src/outbound-messages.ts";
import { claimDirectBatch, releaseClaims } from "../src/send-claims.ts";

let t: TestDatabase;
let a: OrgFixture;
let b: OrgFixture;

beforeAll(async () => {
  t = await createTestDatabase();
  a = await createOrgWithMembers(t.admin, "org-a");
  b = await createOrgWithMembers(t.admin, "org-b");
}, 60_000);

afterAll(async () => {
  await t?.drop();
});

const countPhone = async (phone: string) => {
  const [row] = await t.admin<{ n: number }[]>`
    select count(*)::int as n from public.outbound_messages where recipient_phone = ${phone}`;
  return row?.n;
};

describe("asServicePipelined", () => {
  it("runs as the service role (every organization) and commits", async () => {
    await t.db.asServicePipelined((tx) =>
      enqueueOutboundMessages(tx, [
        { orgId: a.orgId, recipientPhone: "+5511900007001", body: "a" },
        { orgId: b.orgId, recipientPhone: "+5511900007002", body: "b" },
      ]),
    );
    const [row] = await t.db.asServicePipelined(
      (tx) => tx<{ n: number }[]>`
        select count(*)::int as n from public.outbound_messages where recipient_phone like '+55119000070%'`,
    );
    expect(row?.n).toBe(2);
    expect(await countPhone("+5511900007001")).toBe(1);
  });

  it("the writes the sending commit carries (a peer's LID, on-WhatsApp answers) run inside it", async () => {
    const phone = "+5511900007020";
    const [contact] = await t.admin<{ id: string }[]>`
      insert into public.contacts (org_id, phone_e164) values (${a.orgId}, ${phone}) returning id`;
    const inst = await t.db.asService((tx) => insertInstance(tx, { orgId: a.orgId, name: "peer-lid" }));
    const [id] = await t.db.asService((tx) =>
      enqueueOutboundMessages(tx, [{ orgId: a.orgId, recipientPhone: phone, body: "x", instanceId: inst.id }]),
    );
    await t.db.asServicePipelined((tx) =>
      Promise.all([
        rememberPeerLid(tx, { orgId: a.orgId, instanceId: inst.id, phone, lid: "777@lid", messageId: id }),
        saveWaLookups(tx, [{ phone, onWhatsApp: true, jid: "5511900007020@s.whatsapp.net", lid: "777@lid" }]),
      ]),
    );
    const [row] = await t.admin<{ contact: string | null; message: string | null; lookup: string | null }[]>`
      select (select wa_lid from public.contacts where id = ${contact?.id ?? ""}) as contact,
             (select recipient_lid from public.outbound_messages where id = ${id ?? 0}) as message,
             (select wa_lid from public.wa_id_lookups where phone_e164 = ${phone}) as lookup`;
    expect(row).toEqual({ contact: "777@lid", message: "777@lid", lookup: "777@lid" });
  });

  it("runs several statements in the order they were started, in one transaction", async () => {
    const [, , [after]] = await t.db.asServicePipelined((tx) =>
      Promise.all([
        tx`create temporary table pipelined_order (n int) on commit drop`,
        tx`insert into pipelined_order values (1), (2)`,
        tx<{ n: number }[]>`select sum(n)::int as n from pipelined_order`,
      ]),
    );
    expect(after?.n).toBe(3);
  });

  it("a failing statement undoes the whole transaction and its error is rethrown", async () => {
    await expect(
      t.db.asServicePipelined((tx) =>
        Promise.all([
          enqueueOutboundMessages(tx, [{ orgId: a.orgId, recipientPhone: "+5511900007003", body: "x" }]),
          tx`select 1 / 0`,
        ]),
      ),
    ).rejects.toMatchObject({ code: "22012" });
    expect(await countPhone("+5511900007003")).toBe(0);
  });

  it("fn throwing before any answer came back commits nothing", async () => {
    await expect(
      t.db.asServicePipelined((tx) => {
        void enqueueOutboundMessages(tx, [{ orgId: a.orgId, recipientPhone: "+5511900007004", body: "x" }]).catch(
          () => undefined,
        );
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await countPhone("+5511900007004")).toBe(0);
  });

  it("misuse fails loudly: a statement started after another's answer (it would run after the commit) is refused", async () => {
    await expect(
      t.db.asServicePipelined(async (tx) => {
        await tx`select 1`;
        return tx`select count(*) from public.outbound_messages`;
      }),
    ).rejects.toBeInstanceOf(PipelinedLateStatementError);
    await expect(
      t.db.asServicePipelined(async (tx) => {
        await tx`select 1`;
        return tx.unsafe("select 2");
      }),
    ).rejects.toBeInstanceOf(PipelinedLateStatementError);
  });

  it("leaves no role or claims on the connection it used", async () => {
    await t.db.asServicePipelined((tx) => tx`select 1`);
    const [row] = await t.db.sql<{ role: string; claims: string | null }[]>`
      select current_user as role, nullif(current_setting('request.jwt.claims', true), '') as claims`;
    expect(row).toEqual({ role: "mirage_app", claims: null });
  });
});

describe("the direct lane's batch claim", () => {
  it("claims due direct messages in queue order with their block verdict, skips locked ones, releases the rest", async () => {
    const inst = await t.db.asUser(a.users.operator.claims, (tx) => insertInstance(tx, { orgId: a.orgId, name: "b1" }));
    const base = Date.now() - 60_000;
    // Queued newest first on purpose: the claim answers them oldest first.
    const ids = await t.db.asService((tx) =>
      enqueueOutboundMessages(
        tx,
        Array.from({ length: 6 }, (_, i) => ({
          orgId: a.orgId,
          instanceId: inst.id,
          recipientPhone: `+55119300000${i}`,
          body: `m${i}`,
          scheduledAt: new Date(base - i * 1000),
        })),
      ),
    );
    await t.admin`
      insert into public.blacklist (org_id, phone_e164, source, reason)
      values (${a.orgId}, '+551193000003', 'manual', 'test')`;

    const [first, second] = await Promise.all([
      t.db.asServicePipelined((tx) => claimDirectBatch(tx, { instanceId: inst.id, limit: 4 })),
      t.db.asServicePipelined((tx) => claimDirectBatch(tx, { instanceId: inst.id, limit: 4 })),
    ]);
    const claimed = [...(first ?? []), ...(second ?? [])];
    expect(claimed).toHaveLength(6);
    expect(new Set(claimed.map((w) => w.id)).size).toBe(6);
    for (const batch of [first ?? [], second ?? []]) {
      const order = batch.map((w) => w.id);
      expect(order).toEqual([...order].sort((x, y) => y - x)); // older scheduled_at = larger id here
    }
    expect(claimed.find((w) => w.recipientPhone === "+551193000003")?.block).toBe("blacklisted");
    expect(claimed.filter((w) => w.block !== null)).toHaveLength(1);
    // No LID mapping is stored for these numbers: the claim says so (null), so nothing reads it again.
    expect(claimed.map((w) => w.lidMappingKey)).toEqual(claimed.map(() => null));

    // One is sent; the rest go back to the queue, and a row that is no longer claimed is left alone.
    const sent = claimed[0];
    expect(
      await t.db.asServicePipelined((tx) =>
        markSending(tx, { id: sent?.id ?? 0, waMessageId: "3EB0PIPE", recipientJid: "x@s.whatsapp.net" }),
      ),
    ).toBe("sending");
    const released = await t.db.asServicePipelined((tx) => releaseClaims(tx, ids));
    expect(released).toBe(5);
    const states = await t.admin<{ state: string; n: number }[]>`
      select state::text, count(*)::int as n from public.outbound_messages where instance_id = ${inst.id}
      group by state order by state`;
    expect(states).toEqual([
      { state: "queued", n: 5 },
      { state: "sending", n: 1 },
    ]);
  });
});
