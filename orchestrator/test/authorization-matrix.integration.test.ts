import { randomUUID } from "node:crypto";
import type { TOrgRole } from "@mirage/contracts/enums";
import { createOrgWithMembers, type OrgFixture } from "@mirage/testing/fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

const ROLES: TOrgRole[] = ["owner", "admin", "operator", "marketer", "viewer"];
const ALL = ROLES;
const ADMINS: TOrgRole[] = ["owner", "admin"];

// Fresh targets per call, created as superuser, so every call finds its target whatever earlier calls did.
async function freshMember(orgId: string): Promise<string> {
  const [u] = await h.t.admin<
    { id: string }[]
  >`insert into auth.users (email) values (${`${randomUUID()}@x.test`}) returning id`;
  if (!u) throw new Error("no user");
  await h.t.admin`insert into public.organization_members (org_id, user_id, role) values (${orgId}, ${u.id}, 'viewer')`;
  return u.id;
}
async function freshInvitation(orgId: string): Promise<string> {
  const [i] = await h.t.admin<{ id: string }[]>`
    insert into public.organization_invitations (org_id, email, role, token_hash, expires_at)
    values (${orgId}, ${`${randomUUID()}@invited.test`}, 'viewer', ${randomUUID()}, now() + interval '1 day')
    returning id`;
  return i?.id ?? "";
}
async function freshKey(orgId: string): Promise<string> {
  const tag = randomUUID().replaceAll("-", "");
  const [k] = await h.t.admin<{ id: string }[]>`
    insert into public.api_keys (org_id, name, prefix, key_hash, scopes)
    values (${orgId}, 'k', ${`mk_${tag.slice(0, 8)}`}, ${tag}, '{read}') returning id`;
  return k?.id ?? "";
}
async function freshWebhook(orgId: string): Promise<{ id: string; deliveryId: number }> {
  const [w] = await h.t.admin<{ id: string }[]>`
    insert into public.webhook_endpoints (org_id, url, enabled) values (${orgId}, 'http://127.0.0.1:9/hook', false)
    returning id`;
  if (!w) throw new Error("no webhook");
  const [d] = await h.t.admin<{ id: number }[]>`
    insert into public.webhook_deliveries (org_id, endpoint_id, event_type, payload, status)
    values (${orgId}, ${w.id}, 'instance:status', '{}', 'dead') returning id`;
  return { id: w.id, deliveryId: Number(d?.id) };
}

const MARKETING: TOrgRole[] = ["owner", "admin", "marketer"];
const SENDERS: TOrgRole[] = ["owner", "admin", "operator"];
async function freshQueuedMessage(orgId: string): Promise<number> {
  const [m] = await h.t.admin<{ id: number }[]>`
    insert into public.outbound_messages (org_id, recipient_phone, body, source)
    values (${orgId}, '+5511960009999', 'Oi', 'api') returning id`;
  return Number(m?.id);
}
let phoneSeq = 0;
async function freshContact(orgId: string): Promise<string> {
  phoneSeq++;
  const [c] = await h.t.admin<{ id: string }[]>`
    insert into public.contacts (org_id, phone_e164) values (${orgId}, ${`+55119${String(70000000 + phoneSeq)}`})
    returning id`;
  return c?.id ?? "";
}
async function freshRow(table: "contact_lists" | "segments" | "message_templates", orgId: string): Promise<string> {
  const name = randomUUID();
  const [r] =
    table === "message_templates"
      ? await h.t.admin<{ id: string }[]>`
          insert into public.message_templates (org_id, name, body) values (${orgId}, ${name}, 'Oi {{name}}') returning id`
      : await h.t.admin<{ id: string }[]>`
          insert into ${h.t.admin(`public.${table}`)} (org_id, name) values (${orgId}, ${name}) returning id`;
  return r?.id ?? "";
}
async function freshBlacklist(orgId: string): Promise<string> {
  const [r] = await h.t.admin<{ id: string }[]>`
    insert into public.blacklist (org_id, wa_lid) values (${orgId}, ${`${randomUUID().slice(0, 8).replace(/\D/g, "1")}@lid`})
    returning id`;
  return r?.id ?? "";
}

let daySeq = 0;
/** A day no earlier call used (holidays are unique per day and country). */
const freshDay = () => {
  daySeq++;
  return new Date(Date.UTC(2031, 0, daySeq)).toISOString().slice(0, 10);
};
async function freshHoliday(orgId: string): Promise<string> {
  const [r] = await h.t.admin<{ id: string }[]>`
    insert into public.holidays (org_id, day, name) values (${orgId}, ${freshDay()}::date, 'x') returning id`;
  return r?.id ?? "";
}
async function freshInstance(orgId: string): Promise<string> {
  const [r] = await h.t.admin<{ id: string }[]>`
    insert into public.instances (org_id, name) values (${orgId}, ${randomUUID()}) returning id`;
  return r?.id ?? "";
}
/** A draft campaign with one number in its pool. */
async function freshCampaign(orgId: string): Promise<{ id: string; senderId: string }> {
  const [c] = await h.t.admin<{ id: string }[]>`
    insert into public.campaigns (org_id, name) values (${orgId}, ${randomUUID()}) returning id`;
  const senderId = await freshInstance(orgId);
  await h.t.admin`insert into public.campaign_senders (campaign_id, instance_id, org_id)
    values (${c?.id ?? ""}, ${senderId}, ${orgId})`;
  return { id: c?.id ?? "", senderId };
}

// The inbox is worked by marketers (answering their campaigns' replies), operators and above.
const INBOX: TOrgRole[] = ["owner", "admin", "operator", "marketer"];
async function freshConversation(orgId: string): Promise<string> {
  const [i] = await h.t.admin<{ id: string }[]>`
    insert into public.instances (org_id, name, status) values (${orgId}, ${randomUUID()}, 'stopped') returning id`;
  phoneSeq++;
  const [c] = await h.t.admin<{ id: string }[]>`
    insert into public.conversations (org_id, instance_id, peer_phone)
    values (${orgId}, ${i?.id ?? ""}, ${`+55119${String(60000000 + phoneSeq)}`}) returning id`;
  return c?.id ?? "";
}

type Case = {
  name: string;
  allowed: TOrgRole[];
  status: number;
  call: (orgId: string) => Promise<{ method: string; path: string; body?: unknown }>;
};

const CASES: Case[] = [
  { name: "GET org", allowed: ALL, status: 200, call: async (o) => ({ method: "get", path: `/orgs/${o}` }) },
  {
    name: "PATCH org",
    allowed: ADMINS,
    status: 200,
    call: async (o) => ({ method: "patch", path: `/orgs/${o}`, body: { timezone: "America/Sao_Paulo" } }),
  },
  {
    name: "GET members",
    allowed: ALL,
    status: 200,
    call: async (o) => ({ method: "get", path: `/orgs/${o}/members` }),
  },
  {
    name: "POST invitation",
    allowed: ADMINS,
    status: 201,
    call: async (o) => ({
      method: "post",
      path: `/orgs/${o}/invitations`,
      body: { email: `${randomUUID()}@new.test`, role: "viewer" },
    }),
  },
  {
    name: "DELETE invitation",
    allowed: ADMINS,
    status: 200,
    call: async (o) => ({ method: "delete", path: `/orgs/${o}/invitations/${await freshInvitation(o)}` }),
  },
  {
    name: "GET invitations",
    allowed: ADMINS,
    status: 200,
    call: async (o) => ({ method: "get", path: `/orgs/${o}/invitations` }),
  },
  {
    name: "PATCH member role",
    allowed: ADMINS,
    status: 200,
    call: async (o) => ({
      method: "patch",
      path: `/orgs/${o}/members/${await freshMember(o)}`,
      body: { role: "marketer" },
    }),
  },
  {
    name: "DELETE member",
    allowed: ADMINS,
    status: 204,
    call: async (o) => ({ method: "delete", path: `/orgs/${o}/members/${await freshMember(o)}` }),
  },
  {
    name: "GET api keys",
    allowed: ADMINS,
    status: 200,
    call: async (o) => ({ method: "get", path: `/orgs/${o}/api-keys` }),
  },
  {
    name: "POST api key",
    allowed: ADMINS,
    status: 201,
    call: async (o) => ({ method: "post", path: `/orgs/${o}/api-keys`, body: { name: "n8n", scopes: ["read"] } }),
  },
  {
    name: "DELETE api key",
    allowed: ADMINS,
    status: 200,
    call: async (o) => ({ method: "delete", path: `/orgs/${o}/api-keys/${await freshKey(o)}` }),
  },
  {
    name: "GET webhooks",
    allowed: ADMINS,
    status: 200,
    call: async (o) => ({ method: "get", path: `/orgs/${o}/webhooks` }),
  },
  {
    name: "POST webhook",
    allowed: ADMINS,
    status: 201,
    call: async (o) => ({
      method: "post",
      path: `/orgs/${o}/webhooks`,
      body: { url: "http://127.0.0.1:9/hook", enabled: false },
    }),
  },
  {
    name: "GET webhook",
    allowed: ADMINS,
    status: 200,
    call: async (o) => ({ method: "get", path: `/orgs/${o}/webhooks/${(await freshWebhook(o)).id}` }),
  },
  {
    name: "PATCH webhook",
    allowed: ADMINS,
    status: 200,
    call: async (o) => ({
      method: "patch",
      path: `/orgs/${o}/webhooks/${(await freshWebhook(o)).id}`,
      body: { description: "x" },
    }),
  },
  {
    name: "DELETE webhook",
    allowed: ADMINS,
    status: 204,
    call: async (o) => ({ method: "delete", path: `/orgs/${o}/webhooks/${(await freshWebhook(o)).id}` }),
  },
  {
    name: "POST rotate webhook secret",
    allowed: ADMINS,
    status: 200,
    call: async (o) => ({ method: "post", path: `/orgs/${o}/webhooks/${(await freshWebhook(o)).id}/rotate-secret` }),
  },
  {
    name: "POST webhook test event",
    allowed: ADMINS,
    status: 202,
    call: async (o) => {
      const w = await freshWebhook(o);
      await h.t.admin`update public.webhook_endpoints set enabled = true where id = ${w.id}`;
      return { method: "post", path: `/orgs/${o}/webhooks/${w.id}/test` };
    },
  },
  {
    name: "GET deliveries",
    allowed: ADMINS,
    status: 200,
    call: async (o) => ({ method: "get", path: `/orgs/${o}/webhooks/${(await freshWebhook(o)).id}/deliveries` }),
  },
  {
    name: "GET delivery",
    allowed: ADMINS,
    status: 200,
    call: async (o) => {
      const w = await freshWebhook(o);
      return { method: "get", path: `/orgs/${o}/webhooks/${w.id}/deliveries/${w.deliveryId}` };
    },
  },
  {
    name: "POST redeliver",
    allowed: ADMINS,
    status: 202,
    call: async (o) => {
      const w = await freshWebhook(o);
      return { method: "post", path: `/orgs/${o}/webhooks/${w.id}/deliveries/${w.deliveryId}/redeliver` };
    },
  },
  {
    name: "GET contacts",
    allowed: ALL,
    status: 200,
    call: async (o) => ({ method: "get", path: `/orgs/${o}/contacts` }),
  },
  {
    name: "POST contact",
    allowed: MARKETING,
    status: 201,
    call: async (o) => {
      phoneSeq++;
      return { method: "post", path: `/orgs/${o}/contacts`, body: { phone: `+55119${String(60000000 + phoneSeq)}` } };
    },
  },
  {
    name: "PATCH contact",
    allowed: MARKETING,
    status: 200,
    call: async (o) => ({ method: "patch", path: `/orgs/${o}/contacts/${await freshContact(o)}`, body: { name: "X" } }),
  },
  {
    name: "DELETE contact",
    allowed: MARKETING,
    status: 204,
    call: async (o) => ({ method: "delete", path: `/orgs/${o}/contacts/${await freshContact(o)}` }),
  },
  {
    name: "POST consent",
    allowed: MARKETING,
    status: 201,
    call: async (o) => ({
      method: "post",
      path: `/orgs/${o}/contacts/${await freshContact(o)}/consent`,
      body: { state: "opted_in", source: "form" },
    }),
  },
  {
    name: "GET contact export (LGPD)",
    allowed: MARKETING,
    status: 200,
    call: async (o) => ({ method: "get", path: `/orgs/${o}/contacts/${await freshContact(o)}/export` }),
  },
  {
    name: "POST contact erase (LGPD)",
    allowed: MARKETING,
    status: 200,
    call: async (o) => ({ method: "post", path: `/orgs/${o}/contacts/${await freshContact(o)}/erase` }),
  },
  { name: "GET lists", allowed: ALL, status: 200, call: async (o) => ({ method: "get", path: `/orgs/${o}/lists` }) },
  {
    name: "POST list",
    allowed: MARKETING,
    status: 201,
    call: async (o) => ({ method: "post", path: `/orgs/${o}/lists`, body: { name: randomUUID() } }),
  },
  {
    name: "POST list members",
    allowed: MARKETING,
    status: 200,
    call: async (o) => ({
      method: "post",
      path: `/orgs/${o}/lists/${await freshRow("contact_lists", o)}/members`,
      body: { contactIds: [await freshContact(o)] },
    }),
  },
  {
    name: "POST segment count",
    allowed: ALL,
    status: 200,
    call: async (o) => ({ method: "post", path: `/orgs/${o}/segments/count`, body: { filter: { tagsAny: ["x"] } } }),
  },
  {
    name: "PATCH segment",
    allowed: MARKETING,
    status: 200,
    call: async (o) => ({
      method: "patch",
      path: `/orgs/${o}/segments/${await freshRow("segments", o)}`,
      body: { filter: { replied: false } },
    }),
  },
  {
    name: "GET blacklist",
    allowed: ALL,
    status: 200,
    call: async (o) => ({ method: "get", path: `/orgs/${o}/blacklist` }),
  },
  {
    name: "POST blacklist",
    allowed: MARKETING,
    status: 201,
    call: async (o) => {
      phoneSeq++;
      return { method: "post", path: `/orgs/${o}/blacklist`, body: { phone: `+55119${String(50000000 + phoneSeq)}` } };
    },
  },
  {
    name: "DELETE blacklist entry",
    allowed: MARKETING,
    status: 204,
    call: async (o) => ({ method: "delete", path: `/orgs/${o}/blacklist/${await freshBlacklist(o)}` }),
  },
  {
    name: "POST template preview",
    allowed: ALL,
    status: 200,
    call: async (o) => ({
      method: "post",
      path: `/orgs/${o}/templates/${await freshRow("message_templates", o)}/preview`,
      body: { count: 2 },
    }),
  },
  {
    name: "DELETE template",
    allowed: MARKETING,
    status: 204,
    call: async (o) => ({ method: "delete", path: `/orgs/${o}/templates/${await freshRow("message_templates", o)}` }),
  },
  {
    name: "GET imports",
    allowed: ALL,
    status: 200,
    call: async (o) => ({ method: "get", path: `/orgs/${o}/imports` }),
  },
  {
    // Allowed callers get past authorization to the instance's socket: with no worker in this test, a fast 503.
    name: "POST instance on-whatsapp",
    allowed: SENDERS,
    status: 503,
    call: async (o) => ({
      method: "post",
      path: `/orgs/${o}/instances/${await freshInstance(o)}/on-whatsapp`,
      body: { numbers: ["+5511999990001"] },
    }),
  },
  {
    name: "POST instance presence",
    allowed: SENDERS,
    status: 503,
    call: async (o) => ({
      method: "post",
      path: `/orgs/${o}/instances/${await freshInstance(o)}/presence`,
      body: { presence: "available" },
    }),
  },
  {
    name: "POST instance read-receipts",
    allowed: SENDERS,
    status: 200,
    call: async (o) => ({
      method: "post",
      path: `/orgs/${o}/instances/${await freshInstance(o)}/read-receipts`,
      body: { waMessageIds: ["3EB0NEVERRECEIVED"] },
    }),
  },
  {
    name: "POST cancel message",
    allowed: SENDERS,
    status: 200,
    call: async (o) => ({ method: "post", path: `/orgs/${o}/messages/${await freshQueuedMessage(o)}/cancel` }),
  },
  {
    name: "GET conversations",
    allowed: ALL,
    status: 200,
    call: async (o) => ({ method: "get", path: `/orgs/${o}/conversations/${await freshConversation(o)}/messages` }),
  },
  {
    name: "PATCH conversation",
    allowed: INBOX,
    status: 200,
    call: async (o) => ({
      method: "patch",
      path: `/orgs/${o}/conversations/${await freshConversation(o)}`,
      body: { tags: ["lead"], read: true },
    }),
  },
  {
    name: "POST conversation note",
    allowed: INBOX,
    status: 201,
    call: async (o) => ({
      method: "post",
      path: `/orgs/${o}/conversations/${await freshConversation(o)}/notes`,
      body: { text: "retornar amanhã" },
    }),
  },
  {
    // Allowed roles get past the role check to the instance's own refusal (it is stopped).
    name: "POST conversation reply",
    allowed: INBOX,
    status: 409,
    call: async (o) => ({
      method: "post",
      path: `/orgs/${o}/conversations/${await freshConversation(o)}/messages`,
      body: { text: "Oi!" },
    }),
  },
  {
    name: "GET daily stats",
    allowed: ALL,
    status: 200,
    call: async (o) => ({ method: "get", path: `/orgs/${o}/stats/daily?days=7` }),
  },
  {
    name: "GET audit log",
    allowed: ADMINS,
    status: 200,
    call: async (o) => ({ method: "get", path: `/orgs/${o}/audit-log` }),
  },
  {
    name: "GET holidays",
    allowed: ALL,
    status: 200,
    call: async (o) => ({ method: "get", path: `/orgs/${o}/holidays` }),
  },
  {
    name: "POST holiday",
    allowed: MARKETING,
    status: 201,
    call: async (o) => ({ method: "post", path: `/orgs/${o}/holidays`, body: { day: freshDay(), name: "Folga" } }),
  },
  {
    name: "POST holidays seed",
    allowed: MARKETING,
    status: 200,
    call: async (o) => ({ method: "post", path: `/orgs/${o}/holidays/seed`, body: { country: "BR", years: [2031] } }),
  },
  {
    name: "DELETE holiday",
    allowed: MARKETING,
    status: 204,
    call: async (o) => ({ method: "delete", path: `/orgs/${o}/holidays/${await freshHoliday(o)}` }),
  },
  {
    name: "GET campaign senders",
    allowed: ALL,
    status: 200,
    call: async (o) => ({ method: "get", path: `/orgs/${o}/campaigns/${(await freshCampaign(o)).id}/senders` }),
  },
  {
    name: "POST campaign sender",
    allowed: MARKETING,
    status: 200,
    call: async (o) => ({
      method: "post",
      path: `/orgs/${o}/campaigns/${(await freshCampaign(o)).id}/senders`,
      body: { instanceId: await freshInstance(o) },
    }),
  },
  {
    name: "DELETE campaign sender",
    allowed: MARKETING,
    status: 204,
    call: async (o) => {
      const c = await freshCampaign(o);
      return { method: "delete", path: `/orgs/${o}/campaigns/${c.id}/senders/${c.senderId}` };
    },
  },
];

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
    // (audited); viewers changed nothing.
    expect(actors).toEqual(new Set([a.users.owner.id, a.users.admin.id, a.users.marketer.id, a.users.operator.id]));
    expect(
      rows
        .filter((r) => r.actor_user_id === a.users.operator.id)
        .every((r) => ["instance.read_receipts", "message.cancel", "conversation.update"].includes(r.action)),
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
    const target = await freshMember(a.orgId);
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
