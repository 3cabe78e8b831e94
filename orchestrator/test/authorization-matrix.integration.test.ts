import { createOrgWithMembers, type OrgFixture } from "@mirage/testing/fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { orgCases } from "./authorization-cases-org.ts";
import { workCases } from "./authorization-cases-work.ts";
import { freshTargets, ROLES } from "./authorization-fixtures.ts";
import { api, type Harness, startHarness } from "./harness.ts";

let h: Harness;
let a: OrgFixture;
let b: OrgFixture;

beforeAll(async () => {
  h = await startHarness({ WEBHOOK_WORKER_ENABLED: "false" });
  a = await createOrgWithMembers(h.t.admin, "matrix-a");
  b = await createOrgWithMembers(h.t.admin, "matrix-b");
});
afterAll(async () => {
  await h?.close();
});

const fresh = freshTargets(() => h.t.admin);
const CASES = [...orgCases(fresh), ...workCases(fresh)];

describe("authorization matrix: every role × every organization endpoint × own/other organization", () => {
  for (const c of CASES) {
    for (const role of ROLES) {
      const own = c.allowed.includes(role) ? c.status : 403;
      it(`${c.name} as ${role}: own org → ${own}, other org → 404`, async () => {
        const token = await h.tokenFor(a.users[role]);
        const mine = await c.call(a.orgId);
        const res = await api(h, mine.method, `/api/v1${mine.path}`, { token, body: mine.body });
        expect(res.status, JSON.stringify(res.body)).toBe(own);
        if (own === 403) expect(res.body.code).toBe("forbidden");

        // The same request against organization B (whose targets exist) must not even reveal that they exist.
        const theirs = await c.call(b.orgId);
        const other = await api(h, theirs.method, `/api/v1${theirs.path}`, { token, body: theirs.body });
        expect(other.status, JSON.stringify(other.body)).toBe(404);
        expect(other.body.code).toBe("not_found");
      });
    }
  }

  it("wrote audit rows for the allowed mutations of organization A, and none in organization B", async () => {
    const rows = await h.t.admin<{ org_id: string; action: string; actor_user_id: string }[]>`
      select org_id, action, actor_user_id from public.audit_log`;
    expect(rows.filter((r) => r.org_id === b.orgId)).toEqual([]);
    const actions = new Set(rows.map((r) => r.action));
    for (const action of [
      "organization.update",
      "member.invite",
      "member.invitation_revoke",
      "member.role_change",
      "member.remove",
      "api_key.create",
      "api_key.revoke",
      "webhook.create",
      "webhook.update",
      "webhook.delete",
      "webhook.test",
      "webhook.rotate_secret",
      "webhook.redeliver",
      "contact.create",
      "contact.update",
      "contact.delete",
      "contact.consent.opted_in",
      "contact.export",
      "contact.erase",
      "list.create",
      "list.members.add",
      "segment.update",
      "blacklist.add",
      "instance.read_receipts",
      "blacklist.remove",
      "template.delete",
      "holiday.add",
      "holiday.seed",
      "holiday.remove",
      "campaign.sender.add",
      "campaign.sender.remove",
      "message.cancel",
    ]) {
      expect(actions, action).toContain(action);
    }
    const actors = new Set(rows.map((r) => r.actor_user_id));
    // Marketers write the audience; operators only sent read receipts, cancelled messages and worked the inbox
    // (its changes and notes audited); viewers changed nothing.
    expect(actors).toEqual(new Set([a.users.owner.id, a.users.admin.id, a.users.marketer.id, a.users.operator.id]));
    expect(
      rows
        .filter((r) => r.actor_user_id === a.users.operator.id)
        .every((r) =>
          [
            "instance.read_receipts",
            "message.cancel",
            "conversation.update",
            "conversation.note.add",
            "conversation.note.delete",
          ].includes(r.action),
        ),
    ).toBe(true);
  });

  it("lists only the caller's organizations", async () => {
    const res = await api(h, "get", "/api/v1/orgs", { token: await h.tokenFor(a.users.viewer) });
    expect(res.body.items.map((o: { id: string }) => o.id)).toEqual([a.orgId]);
  });
});

describe("ownership rules", () => {
  it("an admin cannot grant, demote or remove an owner (403); an owner can", async () => {
    const admin = await h.tokenFor(a.users.admin);
    const target = await fresh.freshMember(a.orgId);
    const grant = await api(h, "patch", `/api/v1/orgs/${a.orgId}/members/${target}`, {
      token: admin,
      body: { role: "owner" },
    });
    expect(grant.status).toBe(403);
    const demote = await api(h, "patch", `/api/v1/orgs/${a.orgId}/members/${a.users.owner.id}`, {
      token: admin,
      body: { role: "viewer" },
    });
    expect(demote.status).toBe(403);
    const remove = await api(h, "delete", `/api/v1/orgs/${a.orgId}/members/${a.users.owner.id}`, { token: admin });
    expect(remove.status).toBe(403);
    const owner = await h.tokenFor(a.users.owner);
    const granted = await api(h, "patch", `/api/v1/orgs/${a.orgId}/members/${target}`, {
      token: owner,
      body: { role: "owner" },
    });
    expect(granted.status).toBe(200);
    expect(granted.body.role).toBe("owner");
  });

  it("the last owner can be neither removed nor demoted (409 last_owner)", async () => {
    const owner = await h.tokenFor(b.users.owner);
    const remove = await api(h, "delete", `/api/v1/orgs/${b.orgId}/members/${b.users.owner.id}`, { token: owner });
    expect(remove.status).toBe(409);
    expect(remove.body.code).toBe("last_owner");
    const demote = await api(h, "patch", `/api/v1/orgs/${b.orgId}/members/${b.users.owner.id}`, {
      token: owner,
      body: { role: "admin" },
    });
    expect(demote.body.code).toBe("last_owner");
    const [row] = await h.t.admin<{ role: string }[]>`
      select role from public.organization_members where org_id = ${b.orgId} and user_id = ${b.users.owner.id}`;
    expect(row?.role).toBe("owner");
  });

  it("inviting an existing member again is a conflict (409)", async () => {
    const owner = await h.tokenFor(a.users.owner);
    const res = await api(h, "post", `/api/v1/orgs/${a.orgId}/invitations`, {
      token: owner,
      body: { email: "viewer@matrix-a.test", role: "admin" },
    });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe("conflict");
  });
});
