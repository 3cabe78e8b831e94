import { randomUUID } from "node:crypto";
import { cancelExpiredMessages, markSending } from "@mirage/db/outbound-messages";
import { claimForSend } from "@mirage/db/send-claims";
import { createOrgWithMembers, type OrgFixture } from "@mirage/testing/fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, type Harness, startHarness } from "./harness.ts";

let h: Harness;
let a: OrgFixture;
let instanceId: string;
let seq = 0;

beforeAll(async () => {
  h = await startHarness({ WEBHOOK_WORKER_ENABLED: "false" });
  a = await createOrgWithMembers(h.t.admin, "cancel-a");
  // A connected instance with no worker: sends are accepted and stay queued (nothing claims them here).
  const [row] = await h.t.admin<{ id: string }[]>`
    insert into public.instances (org_id, name, status) values (${a.orgId}, 'cancel', 'connected') returning id`;
  instanceId = row?.id ?? "";
});
afterAll(async () => {
  await h?.close();
});

async function queued(state: "queued" | "claimed" | "sending" = "queued", expiresAt: Date | null = null) {
  seq++;
  const [row] = await h.t.admin<{ id: number }[]>`
    insert into public.outbound_messages (org_id, instance_id, recipient_phone, body, source, expires_at)
    values (${a.orgId}, ${instanceId}, ${`+55119${String(60000000 + seq)}`}, 'Oi', 'api', ${expiresAt})
    returning id`;
  const id = Number(row?.id);
  if (state !== "queued") await h.t.admin`update public.outbound_messages set state = 'claimed' where id = ${id}`;
  if (state === "sending") {
    await h.t
      .admin`update public.outbound_messages set state = 'sending', wa_message_id = ${`3EB0${id}`} where id = ${id}`;
  }
  return id;
}

async function keyWith(scopes: string[]) {
  const token = await h.tokenFor(a.users.admin);
  const res = await api(h, "post", `/api/v1/orgs/${a.orgId}/api-keys`, { token, body: { name: randomUUID(), scopes } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; key: string; scopes: string[] };
}

describe("API key scope messages:send", () => {
  it("is what `send` becomes: asked as send, stored and shown as messages:send, and it sends", async () => {
    const key = await keyWith(["read", "send"]);
    expect(key.scopes).toEqual(["read", "messages:send"]);
    const [row] = await h.t.admin<{ scopes: string[] }[]>`select scopes from public.api_keys where id = ${key.id}`;
    expect(row?.scopes).toEqual(["read", "messages:send"]);
    const sent = await api(h, "post", `/api/v1/orgs/${a.orgId}/instances/${instanceId}/messages`, {
      apiKey: key.key,
      body: { to: "+55 11 96000-0001", text: "Olá" },
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(202);
  });

  it("a key stored with the former name `send` keeps working, and is told it holds messages:send", async () => {
    // As the previous release stored it (its principal is an operator, as for any key that may send).
    const key = await keyWith(["messages:send"]);
    await h.t.admin`update public.api_keys set scopes = '{send}' where id = ${key.id}`;
    const me = await api(h, "get", "/api/v1/auth/me", { apiKey: key.key });
    expect(me.body.apiKey.scopes).toEqual(["messages:send"]);
    const sent = await api(h, "post", `/api/v1/orgs/${a.orgId}/instances/${instanceId}/messages`, {
      apiKey: key.key,
      body: { to: "+55 11 96000-0002", text: "Olá" },
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(202);
  });

  it("a read-only key may neither send nor cancel (403 insufficient_scope)", async () => {
    const key = await keyWith(["read"]);
    const id = await queued();
    const res = await api(h, "post", `/api/v1/orgs/${a.orgId}/messages/${id}/cancel`, { apiKey: key.key });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe("insufficient_scope");
  });
});

describe("cancelling a message", () => {
  it("a queued or claimed message becomes cancelled (and stays so when asked again); nothing is sent", async () => {
    const key = await keyWith(["messages:send"]);
    for (const state of ["queued", "claimed"] as const) {
      const id = await queued(state);
      const res = await api(h, "post", `/api/v1/orgs/${a.orgId}/messages/${id}/cancel`, { apiKey: key.key });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toMatchObject({ id, state: "cancelled", errorCode: "cancelled_by_request" });
      expect(res.body.history.map((s: { state: string }) => s.state)).toContain("cancelled");
      const again = await api(h, "post", `/api/v1/orgs/${a.orgId}/messages/${id}/cancel`, { apiKey: key.key });
      expect(again.status).toBe(200);
      // A worker that had claimed it cannot commit `sending` any more: the write never happens.
      const marked = await h.t.db.asService((tx) =>
        markSending(tx, { id, waMessageId: "3EB0X", recipientJid: "x@s.whatsapp.net" }),
      );
      expect(marked).toBe("gone");
    }
  });

  it("from sending on it is 409 message_not_cancellable; another organization's message is 404", async () => {
    const token = await h.tokenFor(a.users.operator);
    const id = await queued("sending");
    const res = await api(h, "post", `/api/v1/orgs/${a.orgId}/messages/${id}/cancel`, { token });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe("message_not_cancellable");
    const b = await createOrgWithMembers(h.t.admin, "cancel-b");
    const theirs = await api(h, "post", `/api/v1/orgs/${b.orgId}/messages/${id}/cancel`, {
      token: await h.tokenFor(b.users.owner),
    });
    expect(theirs.status).toBe(404);
    const viewer = await api(h, "post", `/api/v1/orgs/${a.orgId}/messages/${id}/cancel`, {
      token: await h.tokenFor(a.users.viewer),
    });
    expect(viewer.status).toBe(403);
  });
});

describe("expiresAt: cancelled instead of sent late", () => {
  it("is stored with the message and shown; a deadline already past is refused", async () => {
    const token = await h.tokenFor(a.users.operator);
    const expiresAt = new Date(Date.now() + 60_000).toISOString();
    const res = await api(h, "post", `/api/v1/orgs/${a.orgId}/instances/${instanceId}/messages`, {
      token,
      body: { to: "+55 11 96000-0003", text: "Promoção até meio-dia", expiresAt },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(new Date(res.body.expiresAt).getTime()).toBe(new Date(expiresAt).getTime());
    const past = await api(h, "post", `/api/v1/orgs/${a.orgId}/instances/${instanceId}/messages`, {
      token,
      body: { to: "+55 11 96000-0004", text: "Tarde demais", expiresAt: new Date(Date.now() - 1_000).toISOString() },
    });
    expect(past.status).toBe(400);
    expect(past.body.errors[0].path).toBe("body.expiresAt");
  });

  it("past the deadline: the sweep cancels waiting messages, and a claimed one cannot be committed as sending", async () => {
    const past = new Date(Date.now() - 1_000);
    const waiting = await queued("queued", past);
    const future = await queued("queued", new Date(Date.now() + 600_000));
    await h.t.db.asService((tx) => cancelExpiredMessages(tx));
    const rows = await h.t.admin<{ id: number; state: string; error_code: string | null }[]>`
      select id, state::text, error_code from public.outbound_messages where id in (${waiting}, ${future}) order by id`;
    expect(rows.map((r) => [Number(r.id), r.state, r.error_code])).toEqual([
      [waiting, "cancelled", "expired"],
      [future, "queued", null],
    ]);

    // Claimed while still in time, and the deadline passes before the `sending` commit.
    const late = await queued("queued", new Date(Date.now() + 60_000));
    const work = await h.t.db.asService((tx) => claimForSend(tx, { instanceId, messageId: late }));
    expect(work?.id).toBe(late);
    await h.t.admin`update public.outbound_messages set expires_at = now() - interval '1 second' where id = ${late}`;
    const marked = await h.t.db.asService((tx) =>
      markSending(tx, { id: late, waMessageId: "3EB0LATE", recipientJid: "x@s.whatsapp.net" }),
    );
    expect(marked).toBe("expired");
    const [row] = await h.t.admin<{ state: string; error_code: string; wa_message_id: string | null }[]>`
      select state::text, error_code, wa_message_id from public.outbound_messages where id = ${late}`;
    expect(row).toEqual({ state: "cancelled", error_code: "expired", wa_message_id: null });
  });
});
