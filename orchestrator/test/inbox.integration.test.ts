/**
 * The inbox as marketers work it (they answer the people who reply to their campaigns) and the overview's daily
 * figures, against the real orchestrator over Postgres under RLS. Sending itself is covered end to end by
 * messaging.e2e.test.ts and the dashboard's inbox e2e; here the rows are written as superuser and read through the API.
 */
import { createOrgWithMembers, type OrgFixture } from "@mirage/testing/fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, type Harness, startHarness } from "./harness.ts";

let h: Harness;
let a: OrgFixture;
let b: OrgFixture;
let instanceId: string;
let conversationId: string;

beforeAll(async () => {
  h = await startHarness({ WEBHOOK_WORKER_ENABLED: "false" });
  a = await createOrgWithMembers(h.t.admin, "inbox-a");
  b = await createOrgWithMembers(h.t.admin, "inbox-b");
  const [inst] = await h.t.admin<{ id: string }[]>`
    insert into public.instances (org_id, name, phone_e164, status) values (${a.orgId}, 'inbox-1', '+5511988001001', 'stopped')
    returning id`;
  instanceId = inst?.id ?? "";
  const [conv] = await h.t.admin<{ id: string }[]>`
    insert into public.conversations (org_id, instance_id, peer_phone) values (${a.orgId}, ${instanceId}, '+5511977001001')
    returning id`;
  conversationId = conv?.id ?? "";
});
afterAll(async () => {
  await h?.close();
});

const conv = (org: OrgFixture = a) => `/api/v1/orgs/${org.orgId}/conversations/${conversationId}`;

describe("marketers work the inbox", () => {
  it("a marketer tags, assigns, closes and reopens a conversation; a viewer may not", async () => {
    const marketer = await h.tokenFor(a.users.marketer);
    const patched = await api(h, "patch", conv(), {
      token: marketer,
      body: { tags: ["lead", "vip"], assignedTo: a.users.marketer.id, status: "closed", read: true },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body).toMatchObject({
      tags: ["lead", "vip"],
      assignedTo: a.users.marketer.id,
      status: "closed",
      unreadCount: 0,
      optedOutAt: null,
      blacklisted: false,
    });
    const reopened = await api(h, "patch", conv(), { token: marketer, body: { status: "open", assignedTo: null } });
    expect(reopened.body).toMatchObject({ status: "open", assignedTo: null });
    // Someone who is not a member of this organization: the field is named, nothing changes.
    const stranger = await api(h, "patch", conv(), {
      token: marketer,
      body: { assignedTo: "00000000-0000-4000-8000-000000000099", status: "closed" },
    });
    expect(stranger.status).toBe(400);
    expect(stranger.body.code).toBe("validation_failed");
    expect(stranger.body.errors).toEqual([{ path: "body.assignedTo", message: "no such record in this organization" }]);
    expect((await api(h, "get", conv(), { token: marketer })).body).toMatchObject({ status: "open", assignedTo: null });
    // A viewer cannot reply: assigning them the conversation would leave it with nobody who can.
    const toViewer = await api(h, "patch", conv(), { token: marketer, body: { assignedTo: a.users.viewer.id } });
    expect(toViewer.status).toBe(400);
    expect(toViewer.body.code).toBe("validation_failed");
    expect(toViewer.body.errors).toEqual([{ path: "body.assignedTo", message: "a viewer cannot work the inbox" }]);
    expect((await api(h, "get", conv(), { token: marketer })).body).toMatchObject({ assignedTo: null });

    const viewer = await api(h, "patch", conv(), { token: await h.tokenFor(a.users.viewer), body: { tags: [] } });
    expect(viewer.status).toBe(403);
    const audit = await h.t.admin<{ actor_user_id: string }[]>`
      select actor_user_id from public.audit_log where action = 'conversation.update' and target_id = ${conversationId}`;
    expect(audit.map((r) => r.actor_user_id)).toEqual([a.users.marketer.id, a.users.marketer.id]);
  });

  it("a marketer writes a note and deletes it, but not an operator's note", async () => {
    const marketer = await h.tokenFor(a.users.marketer);
    const note = await api(h, "post", `${conv()}/notes`, { token: marketer, body: { text: "ligar amanhã" } });
    expect(note.status).toBe(201);
    expect(note.body.authorId).toBe(a.users.marketer.id);
    const theirs = await api(h, "post", `${conv()}/notes`, {
      token: await h.tokenFor(a.users.operator),
      body: { text: "nota do operador" },
    });
    const refused = await api(h, "delete", `${conv()}/notes/${theirs.body.id}`, { token: marketer });
    expect(refused.status).toBe(404);
    const deleted = await api(h, "delete", `${conv()}/notes/${note.body.id}`, { token: marketer });
    expect(deleted.status).toBe(204);
    const timeline = await api(h, "get", `${conv()}/messages`, { token: marketer });
    expect(timeline.body.items.map((i: { text: string }) => i.text)).toEqual(["nota do operador"]);
    // Audited by who and which note, never by its text (it stays in the conversation, and leaves with an erasure).
    const audited = await h.t.admin<{ action: string; actor_user_id: string; detail: { noteId: number } }[]>`
      select action, actor_user_id, detail from public.audit_log
      where action like 'conversation.note.%' and target_id = ${conversationId} order by id`;
    expect(audited.map((r) => [r.action, r.actor_user_id, Number(r.detail.noteId)])).toEqual([
      ["conversation.note.add", a.users.marketer.id, Number(note.body.id)],
      ["conversation.note.add", a.users.operator.id, Number(theirs.body.id)],
      ["conversation.note.delete", a.users.marketer.id, Number(note.body.id)],
    ]);
    expect(JSON.stringify(audited)).not.toContain("ligar");
  });

  it("a marketer replies from the inbox (409 with the reason while the instance cannot send), not through the send API", async () => {
    const marketer = await h.tokenFor(a.users.marketer);
    const down = await api(h, "post", `${conv()}/messages`, { token: marketer, body: { text: "Oi!" } });
    expect(down.status).toBe(409);
    expect(down.body.code).toBe("instance_unavailable");
    expect(down.body.detail).toContain("stopped");
    // The reason as a code too, which the dashboard words in the user's language (the detail is English).
    expect(down.body.reasonCode).toBe("instance_not_connected");
    // Restricted by WhatsApp (a reach-out timelock): replies are refused too, and the reason says until when.
    await h.t.admin`update public.instances set status = 'restricted', status_reason = 'reach_out_timelock',
      restricted_until = now() + interval '2 hours' where id = ${instanceId}`;
    const restricted = await api(h, "post", `${conv()}/messages`, { token: marketer, body: { text: "Oi!" } });
    expect(restricted.status).toBe(409);
    expect(restricted.body.reasonCode).toBe("instance_restricted");
    expect(restricted.body.detail).toBe(
      'instance "inbox-1" is restricted (reach_out_timelock): WhatsApp restricts it, and Mirage sends nothing from it (replies included) until the restriction lifts',
    );

    await h.t.admin`update public.instances set status = 'connected' where id = ${instanceId}`;
    const sent = await api(h, "post", `${conv()}/messages`, {
      token: marketer,
      body: { text: "Oi! Como posso ajudar?" },
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(202);
    expect(sent.body).toMatchObject({ state: "queued", source: "inbox", to: "+5511977001001" });
    const [row] = await h.t.admin<{ created_by: string; source: string }[]>`
      select created_by, source from public.outbound_messages where id = ${sent.body.id}`;
    expect(row).toEqual({ created_by: a.users.marketer.id, source: "inbox" });

    const direct = await api(h, "post", `/api/v1/orgs/${a.orgId}/instances/${instanceId}/messages`, {
      token: marketer,
      body: { to: "+5511977001002", text: "direto" },
    });
    expect(direct.status).toBe(403);
    const viewer = await api(h, "post", `${conv()}/messages`, {
      token: await h.tokenFor(a.users.viewer),
      body: { text: "x" },
    });
    expect(viewer.status).toBe(403);
  });

  it("lists the conversations of the people who replied to a campaign", async () => {
    const campaign = async (name: string) => {
      const [row] = await h.t.admin<{ id: string }[]>`
        insert into public.campaigns (org_id, name, status) values (${a.orgId}, ${name}, 'running') returning id`;
      return row?.id ?? "";
    };
    const [spring, autumn] = [await campaign("primavera"), await campaign("outono")];
    const [other] = await h.t.admin<{ id: string }[]>`
      insert into public.conversations (org_id, instance_id, peer_phone) values (${a.orgId}, ${instanceId}, '+5511977001002')
      returning id`;
    const inbound = (conversation: string, wa: string, campaignId: string | null) => h.t.admin`
      insert into public.inbound_messages (org_id, instance_id, wa_message_id, from_jid, body, conversation_id, campaign_id)
      values (${a.orgId}, ${instanceId}, ${wa}, 'x@s.whatsapp.net', 'quero', ${conversation}, ${campaignId})`;
    await inbound(conversationId, "CAMP-1", spring);
    await inbound(conversationId, "CAMP-2", spring);
    await inbound(other?.id ?? "", "CAMP-3", null);
    const list = async (campaignId: string, org: OrgFixture = a) =>
      api(h, "get", `/api/v1/orgs/${org.orgId}/conversations?campaignId=${campaignId}`, {
        token: await h.tokenFor(org.users.marketer),
      });
    expect((await list(spring)).body.items.map((c: { id: string }) => c.id)).toEqual([conversationId]);
    expect((await list(autumn)).body.items).toEqual([]);
    expect((await list("not-a-uuid")).status).toBe(400);
    // Another organization filtering by this campaign sees nothing of it.
    expect((await list(spring, b)).body.items).toEqual([]);
    // The later tests count this conversation's messages and the day's replies: leave them as they were.
    await h.t.admin`delete from public.inbound_messages where wa_message_id like 'CAMP-%'`;
    await h.t.admin`delete from public.conversations where id = ${other?.id ?? null}`;
  });

  it("another organization's marketer sees nothing (404)", async () => {
    const res = await api(h, "patch", conv(b), { token: await h.tokenFor(b.users.marketer), body: { tags: ["x"] } });
    expect(res.status).toBe(404);
  });

  it("an opted-out, blacklisted person shows as such, and a failed reply carries its reason", async () => {
    await h.t.admin`
      insert into public.contacts (org_id, phone_e164, opted_out_at) values (${a.orgId}, '+5511977001001', now())`;
    await h.t.admin`update public.conversations set contact_id =
      (select id from public.contacts where org_id = ${a.orgId} and phone_e164 = '+5511977001001') where id = ${conversationId}`;
    await h.t.admin`
      insert into public.blacklist (org_id, phone_e164, source, reason) values (${a.orgId}, '+5511977001001', 'opt_out', 'PARAR')`;
    await h.t.admin`
      update public.outbound_messages set state = 'failed', error_code = '463', error_message = 'rejected by WhatsApp',
        failed_at = now() where org_id = ${a.orgId} and source = 'inbox'`;
    const viewer = await h.tokenFor(a.users.viewer);
    const c = await api(h, "get", conv(), { token: viewer });
    expect(c.body.blacklisted).toBe(true);
    expect(typeof c.body.optedOutAt).toBe("string");
    const timeline = await api(h, "get", `${conv()}/messages?notes=false`, { token: viewer });
    expect(timeline.body.items[0]).toMatchObject({
      kind: "outbound",
      state: "failed",
      errorCode: "463",
      errorMessage: "rejected by WhatsApp",
    });
  });
});

describe("daily figures", () => {
  it("counts each state on the day it was reached, in the organization's time zone, days without activity as zeros", async () => {
    const org = a.orgId;
    await h.t.admin`update public.organizations set timezone = 'America/Sao_Paulo' where id = ${org}`;
    await h.t.admin`delete from public.outbound_messages where org_id = ${org}`;
    // Today (São Paulo): two sent, one of them delivered and read; one failed. Two days ago: one sent and delivered.
    const [{ at } = { at: new Date() }] = await h.t.admin<{ at: Date }[]>`
      select (date_trunc('day', now() at time zone 'America/Sao_Paulo') + interval '1 minute')
        at time zone 'America/Sao_Paulo' as at`;
    const twoDaysAgo = new Date(at.getTime() - 2 * 86_400_000);
    await h.t.admin`
      insert into public.outbound_messages (org_id, instance_id, recipient_phone, body, state, sent_at, delivered_at, read_at, failed_at)
      values
        (${org}, ${instanceId}, '+5511977001001', 'a', 'read', ${at}, ${at}, ${at}, null),
        (${org}, ${instanceId}, '+5511977001001', 'b', 'sent', ${at}, null, null, null),
        (${org}, ${instanceId}, '+5511977001001', 'c', 'failed', null, null, null, ${at}),
        (${org}, ${instanceId}, '+5511977001001', 'd', 'delivered', ${twoDaysAgo}, ${twoDaysAgo}, null, null)`;
    const [out] = await h.t.admin<{ id: number }[]>`
      select id from public.outbound_messages where org_id = ${org} and body = 'a'`;
    await h.t.admin`
      insert into public.inbound_messages (org_id, instance_id, wa_message_id, from_jid, from_phone, body, received_at, in_reply_to_id)
      values
        (${org}, ${instanceId}, 'STATS-1', '5511977001001@s.whatsapp.net', '+5511977001001', 'quero', ${at}, ${out?.id ?? null}),
        (${org}, ${instanceId}, 'STATS-2', '5511977001001@s.whatsapp.net', '+5511977001001', 'oi', ${at}, null)`;

    const res = await api(h, "get", `/api/v1/orgs/${org}/stats/daily?days=3`, {
      token: await h.tokenFor(a.users.viewer),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.timezone).toBe("America/Sao_Paulo");
    expect(res.body.days).toHaveLength(3);
    const [first, middle, last] = res.body.days;
    expect(first).toMatchObject({ sent: 1, delivered: 1, read: 0, failed: 0, replied: 0, received: 0 });
    expect(middle).toMatchObject({ sent: 0, delivered: 0, read: 0, failed: 0, replied: 0, received: 0 });
    expect(last).toMatchObject({ sent: 2, delivered: 1, read: 1, failed: 1, replied: 1, received: 2 });
    const [{ day } = { day: "" }] = await h.t.admin<{ day: string }[]>`
      select to_char(now() at time zone 'America/Sao_Paulo', 'YYYY-MM-DD') as day`;
    expect(last.day).toBe(day);

    // Organization B counts nothing of A's, and A's figures are not B's to read.
    const bToken = await h.tokenFor(b.users.owner);
    const mine = await api(h, "get", `/api/v1/orgs/${b.orgId}/stats/daily?days=3`, { token: bToken });
    expect(mine.body.days.every((d: { sent: number; received: number }) => d.sent === 0 && d.received === 0)).toBe(
      true,
    );
    expect((await api(h, "get", `/api/v1/orgs/${org}/stats/daily`, { token: bToken })).status).toBe(404);
    expect((await api(h, "get", `/api/v1/orgs/${org}/stats/daily?days=91`, { token: bToken })).status).toBe(400);
  });
});
