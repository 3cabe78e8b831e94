/**
 * A sender's edits and deletions for everyone, through the Evolution layer against real Postgres: the outbox turns
 * Mirage's `message:updated` into Evolution's `messages.edited` and `messages.delete` webhooks (an edit that arrived
 * before its message included), and `findMessages` shows them as Evolution records them (EDITED / DELETED).
 */
import { applyInboundChanges, ingestInbound } from "@mirage/db/inbound-messages";
import { createOrgWithMembers, type OrgFixture } from "@mirage/testing/fixtures";
import { startWebhookReceiver, type WebhookReceiver } from "@mirage/testing/webhook-receiver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, type Harness, type Json, startHarness } from "./harness.ts";

type Hook = { path: string; body: Json };

let h: Harness;
let a: OrgFixture;
let apikey: string;
let receiver: WebhookReceiver;
let base: string;
const hooks: Hook[] = [];
const waiters: { match: (h: Hook) => boolean; resolve: (h: Hook) => void }[] = [];

/** The first webhook (already received or still to come) that `match`es; fails after `ms`. */
function hookWhere(match: (h: Hook) => boolean, ms = 15_000): Promise<Hook> {
  const seen = hooks.find(match);
  if (seen) return Promise.resolve(seen);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("webhook not received in time")), ms);
    waiters.push({
      match,
      resolve: (hook) => {
        clearTimeout(timer);
        resolve(hook);
      },
    });
  });
}

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  receiver.onHook((r) => {
    const hook = { path: r.path, body: JSON.parse(r.body) as Json };
    hooks.push(hook);
    for (const w of waiters.filter((x) => x.match(hook))) w.resolve(hook);
  });
  base = receiver.url;
  h = await startHarness({
    EVOLUTION_QR_WAIT_MS: "0",
    WEBHOOK_BACKOFF_BASE_MS: "100",
    WEBHOOK_BACKOFF_CAP_MS: "400",
    WEBHOOK_DISPATCH_INTERVAL_MS: "100",
  });
  a = await createOrgWithMembers(h.t.admin, "evo-changes");
  const key = await api(h, "post", `/api/v1/orgs/${a.orgId}/api-keys`, {
    token: await h.tokenFor(a.users.owner),
    body: { name: "evolution", scopes: ["admin"] },
  });
  expect(key.status).toBe(201);
  apikey = key.body.key;
}, 60_000);
afterAll(async () => {
  await h?.close();
  await receiver?.close();
});

const evo = (method: string, path: string, body?: Json) =>
  api(h, method, `/evolution${path}`, { headers: { apikey }, ...(body !== undefined ? { body } : {}) });

describe("Evolution: a sender's edits and deletions", () => {
  it("reach the webhook as messages.edited and messages.delete, and findMessages shows them", async () => {
    const created = await evo("post", "/instance/create", {
      instanceName: "trocas",
      webhook: { url: `${base}/evo`, byEvents: true, events: [] },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const instanceId: string = created.body.instance.instanceId;
    const found = await evo("get", "/webhook/find/trocas");
    expect(found.body.events).toEqual(expect.arrayContaining(["MESSAGES_EDITED", "MESSAGES_DELETE"]));

    const phone = "+5511977330001";
    const jid = "5511977330001@s.whatsapp.net";
    const message = (waMessageId: string, body: string, sec: number) => ({
      orgId: a.orgId,
      instanceId,
      waMessageId,
      fromJid: jid,
      fromPhone: phone,
      fromLid: null,
      pushName: "Rui",
      messageType: "text" as const,
      body,
      replyTo: null,
      receivedAt: new Date(Date.UTC(2026, 11, 1, 9, 0, sec)),
      optOutPhrase: null,
    });
    const change = (waMessageId: string, kind: "edited" | "deleted", body: string, sec: number) => ({
      instanceId,
      waMessageId,
      fromPhone: phone,
      fromLid: null,
      change: kind,
      body,
      at: new Date(Date.UTC(2026, 11, 1, 9, 1, sec)),
    });
    // Two messages, then an edit of the first and a deletion of the second; a third whose edit came first.
    await h.t.db.asService(async (tx) => {
      await ingestInbound(tx, [message("EV-1", "quero 1", 1), message("EV-2", "meu cpf é 123", 2)]);
      await applyInboundChanges(tx, [change("EV-1", "edited", "quero 2", 1), change("EV-2", "deleted", "", 2)]);
      await applyInboundChanges(tx, [change("EV-3", "edited", "às 15h", 3)]);
    });
    await h.t.db.asService((tx) => ingestInbound(tx, [message("EV-3", "às 14h", 3)]));

    const key = (id: string) => ({ remoteJid: jid, fromMe: false, id });
    const edited = await hookWhere((x) => x.path === "/evo/messages-edited" && x.body.data.key.id === "EV-1");
    expect(edited.body).toMatchObject({
      event: "messages.edited",
      instance: "trocas",
      data: {
        key: key("EV-1"),
        type: "MESSAGE_EDIT",
        editedMessage: { conversation: "quero 2" },
        timestampMs: String(Date.UTC(2026, 11, 1, 9, 1, 1)),
      },
    });
    const deleted = await hookWhere((x) => x.path === "/evo/messages-delete");
    expect(deleted.body).toMatchObject({ event: "messages.delete", instance: "trocas", data: key("EV-2") });
    expect(JSON.stringify(deleted.body)).not.toContain("cpf");
    const late = await hookWhere((x) => x.path === "/evo/messages-edited" && x.body.data.key.id === "EV-3");
    expect(late.body.data.editedMessage).toEqual({ conversation: "às 15h" });
    // The message itself was written first, as it would have been in order (deliveries run concurrently).
    await hookWhere((x) => x.path === "/evo/messages-upsert" && x.body.data.key.id === "EV-3");
    const written = await h.t.admin<{ event_type: string }[]>`
      select event_type from public.webhook_deliveries where payload ->> 'waMessageId' = 'EV-3' order by id`;
    expect(written.map((w) => w.event_type)).toEqual(["message:inbound", "message:updated"]);

    const listed = await evo("post", "/chat/findMessages/trocas", { where: { key: { remoteJid: jid } } });
    expect(listed.status).toBe(200);
    const records = listed.body.messages.records.map((r: Json) => [
      r.key.id,
      r.message.conversation,
      r.status,
      r.MessageUpdate.map((u: Json) => u.status),
    ]);
    expect(records).toEqual([
      ["EV-3", "às 15h", "EDITED", ["EDITED"]],
      ["EV-2", "", "DELETED", ["DELETED"]],
      ["EV-1", "quero 2", "EDITED", ["EDITED"]],
    ]);
  }, 60_000);

  it("an endpoint gets only the events it chose", async () => {
    const created = await evo("post", "/instance/create", {
      instanceName: "so-apagadas",
      webhook: { url: `${base}/only`, byEvents: false, events: ["MESSAGES_DELETE"] },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const instanceId: string = created.body.instance.instanceId;
    const phone = "+5511977330002";
    await h.t.db.asService(async (tx) => {
      await ingestInbound(tx, [
        {
          orgId: a.orgId,
          instanceId,
          waMessageId: "ONLY-1",
          fromJid: "5511977330002@s.whatsapp.net",
          fromPhone: phone,
          fromLid: null,
          pushName: null,
          messageType: "text",
          body: "oi",
          replyTo: null,
          receivedAt: new Date(),
          optOutPhrase: null,
        },
      ]);
      const at = new Date();
      await applyInboundChanges(tx, [
        { instanceId, waMessageId: "ONLY-1", fromPhone: phone, fromLid: null, change: "edited", body: "olá", at },
      ]);
      await applyInboundChanges(tx, [
        { instanceId, waMessageId: "ONLY-1", fromPhone: phone, fromLid: null, change: "deleted", at },
      ]);
    });
    const got = await hookWhere((x) => x.path === "/only");
    expect(got.body).toMatchObject({ event: "messages.delete", data: { id: "ONLY-1" } });
    // The edit was not asked for: written to the outbox (its source event was), then settled without a request.
    const settledEdit = async () => {
      const [row] = await h.t.admin<{ status: string; last_error: string | null }[]>`
        select d.status, d.last_error from public.webhook_deliveries d
          join public.webhook_endpoints e on e.id = d.endpoint_id
         where e.instance_id = ${instanceId} and d.payload ->> 'change' = 'edited'`;
      return row?.status === "delivered" ? row : undefined;
    };
    const deadline = Date.now() + 15_000;
    let edit = await settledEdit();
    while (!edit && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      edit = await settledEdit();
    }
    expect(edit).toEqual({ status: "delivered", last_error: "not subscribed" });
    expect(hooks.filter((x) => x.path === "/only").map((x) => x.body.event)).toEqual(["messages.delete"]);
  }, 60_000);
});
