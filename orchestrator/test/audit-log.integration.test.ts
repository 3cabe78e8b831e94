import { createOrgWithMembers, type OrgFixture } from "@mirage/testing/fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, type Harness, type Json, startHarness } from "./harness.ts";

let h: Harness;
let a: OrgFixture;
let b: OrgFixture;
let owner: string;

beforeAll(async () => {
  h = await startHarness({ WEBHOOK_WORKER_ENABLED: "false", IMPORT_WORKER_ENABLED: "false" });
  a = await createOrgWithMembers(h.t.admin, "auditlog-a");
  b = await createOrgWithMembers(h.t.admin, "auditlog-b");
  owner = await h.tokenFor(a.users.owner);
});
afterAll(async () => {
  await h?.close();
});

const path = (p: string, org = a.orgId) => `/api/v1/orgs/${org}${p}`;
const log = async (query: string, token = owner, org = a.orgId) => {
  const res = await api(h, "get", path(`/audit-log?limit=200${query}`, org), { token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.items as Json[];
};

describe("audit log names who and what", () => {
  it("keeps a deleted template's name, names the member by email and a revoked API key by its name", async () => {
    const created = await api(h, "post", path("/templates"), {
      token: owner,
      body: { name: "Black Friday 2026", body: "Oi {{first_name|cliente}}" },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const gone = await api(h, "delete", path(`/templates/${created.body.id}`), { token: owner });
    expect(gone.status).toBe(204);
    const deleted = (await log(`&targetId=${created.body.id}`)).map((e) => [e.action, e.targetLabel, e.actorLabel]);
    expect(deleted).toEqual([
      ["template.delete", "Black Friday 2026", "owner@auditlog-a.test"],
      ["template.create", "Black Friday 2026", "owner@auditlog-a.test"],
    ]);

    const key = await api(h, "post", path("/api-keys"), {
      token: owner,
      body: { name: "CRM sync", scopes: ["campaigns"] },
    });
    expect(key.status).toBe(201);
    const byKey = await api(h, "post", path("/templates"), {
      apiKey: key.body.key,
      body: { name: "Lembrete", body: "Oi" },
    });
    expect(byKey.status, JSON.stringify(byKey.body)).toBe(201);
    expect((await api(h, "delete", path(`/api-keys/${key.body.id}`), { token: owner })).status).toBe(200);
    const [keyEntry] = await log(`&actorApiKeyId=${key.body.id}`);
    expect(keyEntry).toMatchObject({
      action: "template.create",
      actorApiKeyId: key.body.id,
      actorLabel: "CRM sync",
      targetLabel: "Lembrete",
    });
    const [revoked] = await log(`&action=api_key.revoke&targetId=${key.body.id}`);
    expect(revoked).toMatchObject({ targetType: "api_key", targetLabel: "CRM sync" });
  });

  it("names a contact as it is now, and nothing once the contact is erased", async () => {
    const c = await api(h, "post", path("/contacts"), { token: owner, body: { phone: "+5511970001234", name: "Bia" } });
    expect(c.status).toBe(201);
    const [entry] = await log(`&targetType=contact&targetId=${c.body.id}`);
    expect(entry).toMatchObject({ action: "contact.create", targetLabel: "Bia" });
    expect((await api(h, "post", path(`/contacts/${c.body.id}/erase`), { token: owner, body: {} })).status).toBe(200);
    const after = await log(`&targetType=contact&targetId=${c.body.id}`);
    expect(after.map((e) => e.action)).toEqual(["contact.erase", "contact.create"]);
    expect(after.map((e) => e.targetLabel)).toEqual([null, null]);
    expect(JSON.stringify(await log(""))).not.toContain("5511970001234");
  });

  it("filters on the server by action, action prefix, target and actor", async () => {
    const list = await api(h, "post", path("/lists"), { token: owner, body: { name: "Clientes VIP" } });
    expect(list.status, JSON.stringify(list.body)).toBe(201);
    const lists = await log("&action=list.");
    expect(lists.length).toBeGreaterThan(0);
    expect(lists.every((e) => String(e.action).startsWith("list."))).toBe(true);
    expect(lists[0]).toMatchObject({ action: "list.create", targetLabel: "Clientes VIP" });
    // `_` is a character, not a wildcard: "list_" matches no "lists." action.
    expect(await log("&action=lis_.")).toEqual([]);
    expect((await log("&action=list.create")).every((e) => e.action === "list.create")).toBe(true);
    const mine = await log(`&actorUserId=${a.users.owner.id}`);
    expect(mine.length).toBeGreaterThan(2);
    expect(mine.every((e) => e.actorUserId === a.users.owner.id)).toBe(true);
    expect(await log(`&actorUserId=${a.users.admin.id}`)).toEqual([]);

    const bad = await api(h, "get", path("/audit-log?action=DROP%20TABLE"), { token: owner });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain("action");
  });

  it("never names another organization's things or people", async () => {
    const other = await api(h, "post", path("/contacts", b.orgId), {
      token: await h.tokenFor(b.users.owner),
      body: { phone: "+5511970009999", name: "Segredo" },
    });
    expect(other.status).toBe(201);
    // An entry of org A pointing at org B's contact (as a forged id would) stays unnamed.
    await h.t.admin`
      insert into public.audit_log (org_id, actor_user_id, action, target_type, target_id)
      values (${a.orgId}, ${a.users.owner.id}, 'contact.update', 'contact', ${other.body.id})`;
    const [forged] = await log(`&targetId=${other.body.id}`);
    expect(forged).toMatchObject({ action: "contact.update", targetLabel: null });
    // The live lookup answers nothing to a member who may not read the log.
    const asViewer = await h.t.db.asUser(
      a.users.viewer.claims,
      (tx) =>
        tx<{ label: string | null }[]>`
        select label from private.audit_person_labels(${a.orgId}, ${tx.json([{ type: "user", id: a.users.owner.id }])})`,
    );
    expect(asViewer).toEqual([]);
    // An admin gets the member's email, and nothing for a user the organization's log never mentions.
    const stranger = b.users.viewer.id;
    const asAdmin = await h.t.db.asUser(
      a.users.admin.claims,
      (tx) =>
        tx<{ id: string; label: string | null }[]>`
        select id, label from private.audit_person_labels(${a.orgId}, ${tx.json([
          { type: "user", id: a.users.owner.id },
          { type: "user", id: stranger },
        ])}) order by label nulls last`,
    );
    expect(asAdmin).toEqual([
      { id: a.users.owner.id, label: "owner@auditlog-a.test" },
      { id: stranger, label: null },
    ]);
  });
});
