import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TChangeNotification } from "@mirage/contracts/changes";
import {
  ZBlacklistSource,
  ZCampaignStatus,
  ZInstanceStatus,
  ZMessageState,
  ZOrgRole,
  ZRoundStatus,
  ZWebhookDeliveryStatus,
} from "@mirage/contracts/enums";
import { createOrgWithMembers, type OrgFixture } from "@mirage/testing/fixtures";
import { createTestDatabase, type TestDatabase } from "@mirage/testing/postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listenChanges } from "../src/changes.ts";
import { assignInstance, insertInstance, writeHostedStatus } from "../src/instances.ts";
import { MigrationError, runMigrations } from "../src/migrate.ts";
import { createOrganizationWithOwner, listOrganizations } from "../src/organizations.ts";
import {
  claimDueOutboundMessages,
  enqueueOutboundMessages,
  listOutboundMessages,
  markInflightUnknown,
  transitionOutboundMessage,
} from "../src/outbound-messages.ts";
import { createUser } from "../src/users.ts";

let t: TestDatabase;
let a: OrgFixture;
let b: OrgFixture;

beforeAll(async () => {
  t = await createTestDatabase();
  a = await createOrgWithMembers(t.admin, "org-a");
  b = await createOrgWithMembers(t.admin, "org-b");
  await t.db.asService((tx) =>
    enqueueOutboundMessages(tx, [
      ...Array.from({ length: 5 }, (_, i) => ({ orgId: a.orgId, recipientPhone: `+551190000100${i}`, body: `a${i}` })),
      ...Array.from({ length: 3 }, (_, i) => ({ orgId: b.orgId, recipientPhone: `+551190000200${i}`, body: `b${i}` })),
    ]),
  );
});

afterAll(async () => {
  await t?.drop();
});

describe("asUser / asService", () => {
  it("lets RLS decide: each user sees only their organization's rows", async () => {
    const asA = await t.db.asUser(
      a.users.viewer.claims,
      (tx) => tx<{ org_id: string }[]>`select org_id from public.outbound_messages`,
    );
    const asB = await t.db.asUser(
      b.users.owner.claims,
      (tx) => tx<{ org_id: string }[]>`select org_id from public.outbound_messages`,
    );
    expect(asA).toHaveLength(5);
    expect(new Set(asA.map((r) => r.org_id))).toEqual(new Set([a.orgId]));
    expect(asB).toHaveLength(3);
    expect(new Set(asB.map((r) => r.org_id))).toEqual(new Set([b.orgId]));
  });

  it("filters through RLS even when the query asks for another organization", async () => {
    const rows = await t.db.asUser(a.users.owner.claims, (tx) =>
      listOutboundMessages(tx, { orgId: b.orgId, limit: 100 }),
    );
    expect(rows).toEqual([]);
  });

  it("denies a query outside both wrappers (the app role is NOINHERIT)", async () => {
    await expect(t.db.sql`select count(*) from public.outbound_messages`).rejects.toMatchObject({ code: "42501" });
    await expect(t.db.sql`select count(*) from public.wa_auth_creds`).rejects.toMatchObject({ code: "42501" });
  });

  it("does not leak the role or claims to the next query on the same connection", async () => {
    await t.db.asUser(a.users.owner.claims, (tx) => tx`select 1`);
    const [row] = await t.db.sql<{ role: string; claims: string | null }[]>`
      select current_user as role, nullif(current_setting('request.jwt.claims', true), '') as claims`;
    expect(row).toEqual({ role: "mirage_app", claims: null });
  });

  it("asService sees every organization", async () => {
    const [row] = await t.db.asService(
      (tx) => tx<{ n: number }[]>`select count(*)::int as n from public.outbound_messages`,
    );
    expect(row?.n).toBe(8);
  });

  it("rolls back the whole transaction when fn throws", async () => {
    await expect(
      t.db.asService(async (tx) => {
        await enqueueOutboundMessages(tx, [{ orgId: a.orgId, recipientPhone: "+5511900009999", body: "x" }]);
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    const [row] = await t.admin<{ n: number }[]>`
      select count(*)::int as n from public.outbound_messages where recipient_phone = '+5511900009999'`;
    expect(row?.n).toBe(0);
  });

  it("a viewer cannot write what RLS reserves for marketers", async () => {
    await expect(
      t.db.asUser(
        a.users.viewer.claims,
        (tx) => tx`insert into public.contacts (org_id, phone_e164) values (${a.orgId}, '+5511955550000')`,
      ),
    ).rejects.toMatchObject({ code: "42501" });
    await t.db.asUser(
      a.users.marketer.claims,
      (tx) => tx`insert into public.contacts (org_id, phone_e164) values (${a.orgId}, '+5511955550000')`,
    );
  });
});

describe("query modules", () => {
  it("creates an organization with its owner and lists it for that user only", async () => {
    const user = await t.db.asService((tx) =>
      createUser(tx, { email: "Founder@Example.com", passwordHash: "$2a$10$x" }),
    );
    expect(user.email).toBe("founder@example.com");
    const org = await t.db.asService((tx) =>
      createOrganizationWithOwner(tx, { name: "Founders", slug: "founders", ownerUserId: user.id }),
    );
    const claims = { sub: user.id, role: "authenticated" as const, aud: "authenticated" };
    const orgs = await t.db.asUser(claims, (tx) => listOrganizations(tx));
    expect(orgs).toEqual([expect.objectContaining({ id: org.id, slug: "founders", role: "owner" })]);
  });

  it("records a status change and its history row once, fenced by worker and epoch", async () => {
    const inst = await t.db.asUser(a.users.operator.claims, (tx) => insertInstance(tx, { orgId: a.orgId, name: "s1" }));
    expect(inst.status).toBe("pending_pairing");
    const epoch = await t.db.asService((tx) => assignInstance(tx, inst.id, "w1"));
    if (epoch === undefined) throw new Error("not assigned");
    const write = (workerId: string, e: number) =>
      t.db.asService((tx) => writeHostedStatus(tx, { instanceId: inst.id, workerId, epoch: e, to: "connected" }));
    expect(await write("w1", epoch)).toEqual({ result: "ok", from: "pending_pairing", orgId: a.orgId });
    expect(await write("w1", epoch)).toEqual({ result: "unchanged" });
    expect(await write("w1", epoch - 1)).toEqual({ result: "fenced" });
    expect(await write("w2", epoch)).toEqual({ result: "fenced" });
    const events = await t.db.asUser(
      a.users.viewer.claims,
      (tx) => tx`select from_status, to_status from public.instance_events where instance_id = ${inst.id}`,
    );
    expect(events).toEqual([{ from_status: "pending_pairing", to_status: "connected" }]);
  });

  it("never hands the same message to two concurrent claimers", async () => {
    const inst = await t.db.asUser(a.users.operator.claims, (tx) => insertInstance(tx, { orgId: a.orgId, name: "s2" }));
    await t.db.asService((tx) =>
      enqueueOutboundMessages(
        tx,
        Array.from({ length: 40 }, (_, i) => ({
          orgId: a.orgId,
          instanceId: inst.id,
          recipientPhone: `+55119100${String(i).padStart(5, "0")}`,
          body: "hi",
          scheduledAt: new Date(Date.now() - 1000),
        })),
      ),
    );
    const claims = await Promise.all(
      Array.from({ length: 8 }, () =>
        t.db.asService((tx) => claimDueOutboundMessages(tx, { instanceId: inst.id, limit: 7 })),
      ),
    );
    const ids = claims.flat().map((m) => m.id);
    expect(ids).toHaveLength(40);
    expect(new Set(ids).size).toBe(40);
  });

  it("refuses transitions that could send twice and reports lost races", async () => {
    const inst = await t.db.asUser(a.users.operator.claims, (tx) => insertInstance(tx, { orgId: a.orgId, name: "s3" }));
    const [id] = await t.db.asService((tx) =>
      enqueueOutboundMessages(tx, [
        { orgId: a.orgId, instanceId: inst.id, recipientPhone: "+5511920000001", body: "x" },
      ]),
    );
    if (id === undefined) throw new Error("not enqueued");
    const step = (from: ("queued" | "claimed" | "sending")[], to: "claimed" | "sending" | "queued") =>
      t.db.asService((tx) => transitionOutboundMessage(tx, { id, from, to, waMessageId: "3EB0ABC" }));
    expect(await step(["queued"], "claimed")).toBe(true);
    expect(await step(["queued"], "claimed")).toBe(false);
    expect(await step(["claimed"], "sending")).toBe(true);
    await expect(step(["sending"], "queued")).rejects.toMatchObject({ code: "23514" });
    expect(await t.db.asService((tx) => markInflightUnknown(tx, inst.id))).toBe(1);
    const [row] = await t.admin`select state, wa_message_id from public.outbound_messages where id = ${id}`;
    expect(row).toEqual({ state: "unknown", wa_message_id: "3EB0ABC" });
  });

  it("ignores duplicate recipients of a campaign step instead of doubling them", async () => {
    const [campaign] = await t.admin<{ id: string }[]>`
      insert into public.campaigns (org_id, name) values (${a.orgId}, 'dup') returning id`;
    const row = { orgId: a.orgId, campaignId: campaign?.id, recipientPhone: "+5511930000001", body: "x" };
    const first = await t.db.asService((tx) => enqueueOutboundMessages(tx, [row]));
    const second = await t.db.asService((tx) => enqueueOutboundMessages(tx, [row, row]));
    expect(first).toHaveLength(1);
    expect(second).toHaveLength(0);
  });
});

describe("change notifications", () => {
  it("emits compact events (table, op, id, org_id) after commit", async () => {
    const seen: TChangeNotification[] = [];
    const { unlisten } = await listenChanges(t.db.sql, (c) => seen.push(c));
    const inst = await t.db.asUser(b.users.operator.claims, (tx) => insertInstance(tx, { orgId: b.orgId, name: "n1" }));
    const epoch = (await t.db.asService((tx) => assignInstance(tx, inst.id, "w1"))) ?? 0;
    await t.db.asService((tx) =>
      writeHostedStatus(tx, { instanceId: inst.id, workerId: "w1", epoch, to: "connecting" }),
    );
    await expect.poll(() => seen.length, { timeout: 5000 }).toBeGreaterThanOrEqual(3);
    await unlisten();
    expect(seen).toEqual(
      expect.arrayContaining([
        { table: "instances", op: "insert", id: inst.id, org_id: b.orgId },
        { table: "instances", op: "update", id: inst.id, org_id: b.orgId },
        expect.objectContaining({ table: "instance_events", op: "insert", org_id: b.orgId }),
      ]),
    );
    expect(JSON.stringify(seen)).not.toContain("n1");
  });
});

describe("contracts mirror the database", () => {
  it("every enum matches its Postgres type", async () => {
    const pairs = {
      org_role: ZOrgRole,
      instance_status: ZInstanceStatus,
      campaign_status: ZCampaignStatus,
      round_status: ZRoundStatus,
      message_state: ZMessageState,
      blacklist_source: ZBlacklistSource,
      webhook_delivery_status: ZWebhookDeliveryStatus,
    };
    for (const [type, schema] of Object.entries(pairs)) {
      const rows = await t.admin<{ v: string }[]>`
        select unnest(enum_range(null::public.${t.admin(type)}))::text as v`;
      expect(
        rows.map((r) => r.v),
        type,
      ).toEqual(schema.options);
    }
  });
});

describe("runMigrations", () => {
  it("is a no-op when everything is applied", async () => {
    const applied = await runMigrations({
      adminUrl: t.adminUrl,
      migrationsDir: path.resolve(import.meta.dirname, "../../../supabase/migrations"),
    });
    expect(applied).toEqual([]);
  });

  it("stops at a failing migration with file, line and statement, and leaves the database unchanged", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "mig-"));
    await writeFile(path.join(dir, "20990101000000_good.sql"), "create table public.mig_ok (id int);\n");
    await writeFile(
      path.join(dir, "20990101000100_bad.sql"),
      "create table public.mig_half (id int);\n\ninsert into public.mig_half values (1);\nselect * from public.nope;\n",
    );
    await writeFile(path.join(dir, "20990101000200_later.sql"), "create table public.mig_later (id int);\n");
    const err = await runMigrations({ adminUrl: t.adminUrl, migrationsDir: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationError);
    const m = err as MigrationError;
    expect(m.file).toBe("20990101000100_bad.sql");
    expect(m.line).toBe(4);
    expect(m.statement).toContain("select * from public.nope");
    expect(m.message).toMatch(/relation "public.nope" does not exist/);
    const tables = await t.admin<{ t: string }[]>`
      select tablename as t from pg_tables where schemaname = 'public' and tablename like 'mig_%' order by 1`;
    expect(tables.map((r) => r.t)).toEqual(["mig_ok"]);
    const versions =
      await t.admin`select version from supabase_migrations.schema_migrations where version like '2099%'`;
    expect(versions).toHaveLength(1);
  });
});
