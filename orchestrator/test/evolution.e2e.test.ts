/**
 * The Evolution API v2 compatibility layer end to end, the way an Evolution client (n8n's node, Typebot, a script)
 * drives it: requests and responses follow Evolution's public documentation for each route. The real orchestrator
 * over Postgres and Redis, a real worker process hosting real Baileys, wa-sim's virtual phone and contacts, and a
 * local HTTP server as the client's webhook receiver (Mirage's durable outbox delivers to it).
 */
import { randomUUID } from "node:crypto";
import { EVOLUTION_EVENTS } from "@mirage/contracts/evolution";
import { type E2eStack, startE2eStack, waiter } from "@mirage/testing/e2e-stack";
import type { OrgFixture } from "@mirage/testing/fixtures";
import type { TestDatabase } from "@mirage/testing/postgres";
import { startWebhookReceiver, type WebhookReceiver } from "@mirage/testing/webhook-receiver";
import type { Simulator } from "@mirage/wa-sim";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inProcessOrchestrator } from "./e2e.ts";
import { api, type Json } from "./harness.ts";

const ACCOUNT = "5511966220001";
const CONTACT = "5511977220001";

let stack: E2eStack;
let t: TestDatabase;
let a: OrgFixture;
let sim: Simulator;
let url: string;
let globalKey: string;
let receiver: WebhookReceiver;
let hookBase: string;
const hooks: { path: string; body: Json }[] = [];

/** An Evolution client: every call carries the apikey header, nothing else. */
const evo = (method: string, p: string, body?: Json, apikey = globalKey) =>
  api({ url }, method, `/evolution${p}`, { headers: { apikey }, ...(body !== undefined ? { body } : {}) });

const waitFor = waiter(30_000);

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  receiver.onHook((r) => hooks.push({ path: r.path, body: JSON.parse(r.body) }));
  hookBase = receiver.url;

  stack = await startE2eStack({
    name: "evo",
    orgs: ["evo-a"],
    sim: { contactDefaults: { deliveryDelayMs: 60, readDelayMs: 150 } },
    orchestrator: inProcessOrchestrator({
      WEBHOOK_ALLOW_PRIVATE: "127.0.0.1/32",
      WEBHOOK_DISPATCH_INTERVAL_MS: "100",
      EVOLUTION_QR_WAIT_MS: "15000",
    }),
    workerEnv: { SEND_SWEEP_MS: "300" },
    workers: ["w-evo"],
    workersReadyMs: 60_000,
  });
  ({ t, sim, url } = stack);
  [a] = stack.orgs as [OrgFixture];
  const owner = await stack.token(a.users.owner);
  const key = await api({ url }, "post", `/api/v1/orgs/${a.orgId}/api-keys`, {
    token: owner,
    body: { name: "evolution", scopes: ["admin"] },
  });
  expect(key.status).toBe(201);
  globalKey = key.body.key;
}, 120_000);

afterAll(async () => {
  await stack?.close();
  await receiver?.close();
}, 60_000);

describe("an Evolution client against Mirage", () => {
  let instanceToken: string;
  let instanceId: string;
  let replyId: string;
  let firstSentId: string;

  it("creates an instance with a webhook, reads its QR, the phone pairs and connectionState turns open", async () => {
    const created = await evo("post", "/instance/create", {
      instanceName: "vendas",
      qrcode: true,
      integration: "WHATSAPP-BAILEYS",
      webhook: {
        enabled: true,
        url: `${hookBase}/evo`,
        byEvents: true,
        base64: false,
        events: [],
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.instance).toMatchObject({ instanceName: "vendas", integration: "WHATSAPP-BAILEYS" });
    expect(created.body.hash).toMatch(/^[0-9A-F-]{36}$/);
    expect(created.body.webhook).toMatchObject({ webhookUrl: `${hookBase}/evo`, webhookByEvents: true });
    expect(created.body.qrcode.base64).toMatch(/^data:image\/png;base64,/);
    instanceToken = created.body.hash;
    instanceId = created.body.instance.instanceId;
    // Stored hashed: the token itself is nowhere in the database.
    const stored = await t.admin<{ token_hash: string }[]>`
      select token_hash from public.evolution_instance_tokens where instance_id = ${instanceId}`;
    expect(stored[0]?.token_hash).toHaveLength(64);
    expect(stored[0]?.token_hash).not.toContain(instanceToken);

    const again = await evo("post", "/instance/create", { instanceName: "vendas" });
    expect(again.status).toBe(403);
    expect(again.body).toMatchObject({ status: 403, error: "Forbidden" });
    expect(again.body.response.message[0]).toContain('"vendas" is already in use');

    const connecting = await evo("get", "/instance/connectionState/vendas");
    expect(connecting.body).toEqual({ instance: { instanceName: "vendas", state: "connecting" } });

    // The instance token works for its own instance.
    const connect = await evo("get", "/instance/connect/vendas", undefined, instanceToken);
    expect(connect.status).toBe(200);
    expect(connect.body).toMatchObject({ code: expect.any(String), base64: expect.stringMatching(/^data:image\/png/) });
    expect(connect.body.count).toBeGreaterThanOrEqual(1);
    sim.phone(ACCOUNT).scan(connect.body.code);
    await waitFor(async () => (await evo("get", "/instance/connectionState/vendas")).body.instance?.state === "open");

    const listed = await evo("get", "/instance/fetchInstances?instanceName=vendas");
    expect(listed.body).toHaveLength(1);
    expect(listed.body[0]).toMatchObject({ id: instanceId, name: "vendas", connectionStatus: "open" });
    expect((await evo("get", `/instance/fetchInstances?instanceId=${randomUUID()}`)).body).toEqual([]);
    const viaToken = await evo("get", "/instance/fetchInstances", undefined, instanceToken);
    expect(viaToken.body.map((i: Json) => i.name)).toEqual(["vendas"]);

    // Webhooks: the QR and the connection, in Evolution's bodies, at <url>/<event-name> (webhookByEvents).
    const qrHook = await waitFor(() => hooks.find((h) => h.path === "/evo/qrcode-updated"));
    expect(qrHook.body).toMatchObject({ event: "qrcode.updated", instance: "vendas" });
    expect(qrHook.body.data.qrcode.base64).toMatch(/^data:image\/png/);
    const open = await waitFor(() =>
      hooks.find((h) => h.path === "/evo/connection-update" && h.body.data.state === "open"),
    );
    expect(open.body).toMatchObject({ event: "connection.update", instance: "vendas", data: { instance: "vendas" } });

    const found = await evo("get", "/webhook/find/vendas");
    expect(found.body).toMatchObject({
      url: `${hookBase}/evo`,
      enabled: true,
      webhookByEvents: true,
      instanceId,
      events: [...EVOLUTION_EVENTS],
    });
  }, 120_000);

  it("sendText reaches the contact exactly once; the webhook gets SEND_MESSAGE, MESSAGES_UPDATE and the reply", async () => {
    const contact = sim.contact(CONTACT);
    const sent = await evo("post", "/message/sendText/vendas", {
      number: "+55 (11) 97722-0001",
      text: "Olá! Seu pedido saiu para entrega.",
      delay: 300,
      linkPreview: false,
      quoted: { key: { id: "3EB0ABCDEF", fromMe: false, remoteJid: `${CONTACT}@s.whatsapp.net` } },
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    expect(sent.body).toMatchObject({
      key: { remoteJid: `${CONTACT}@s.whatsapp.net`, fromMe: true, id: expect.any(String) },
      status: "PENDING",
      message: { conversation: "Olá! Seu pedido saiu para entrega." },
      messageType: "conversation",
      instanceId,
    });
    // The quoted id is unknown and came without a text: sent without the quote, so no contextInfo.
    expect(sent.body).not.toHaveProperty("contextInfo");
    const messageId = sent.body.key.id;

    const read = await waitFor(() =>
      hooks.find(
        (h) =>
          h.path === "/evo/messages-update" && h.body.data.messageId === messageId && h.body.data.status === "READ",
      ),
    );
    const received = contact.messages(ACCOUNT);
    expect(received.map((m) => m.text)).toEqual(["Olá! Seu pedido saiu para entrega."]);
    expect(received[0]?.presenceBefore.map((p) => p.state)).toContain("composing");
    expect(read.body).toMatchObject({
      event: "messages.update",
      instance: "vendas",
      data: { keyId: received[0]?.id, remoteJid: `${CONTACT}@s.whatsapp.net`, fromMe: true, status: "READ" },
    });
    const sendHook = hooks.find((h) => h.path === "/evo/send-message" && h.body.data.key.id === received[0]?.id);
    expect(sendHook?.body).toMatchObject({
      event: "send.message",
      data: { key: { fromMe: true }, status: "SERVER_ACK" },
    });

    firstSentId = received[0]?.id ?? "";
    replyId = await contact.sendText(ACCOUNT, "Obrigado, chegou!");
    const upsert = await waitFor(() =>
      hooks.find((h) => h.path === "/evo/messages-upsert" && h.body.data.key.id === replyId),
    );
    expect(upsert.body).toMatchObject({
      event: "messages.upsert",
      instance: "vendas",
      data: {
        key: { remoteJid: `${CONTACT}@s.whatsapp.net`, fromMe: false, id: replyId },
        message: { conversation: "Obrigado, chegou!" },
        messageType: "conversation",
      },
    });
    // Each event once: the outbox never delivers the same upsert twice.
    expect(hooks.filter((h) => h.path === "/evo/messages-upsert" && h.body.data.key.id === replyId)).toHaveLength(1);
  }, 120_000);

  it("reads chats, contacts and messages, and marks a chat read", async () => {
    const chats = await evo("post", "/chat/findChats/vendas", {});
    expect(chats.body).toEqual([expect.objectContaining({ remoteJid: `${CONTACT}@s.whatsapp.net`, unreadCount: 1 })]);
    const contacts = await evo("post", "/chat/findContacts/vendas", {
      where: { remoteJid: `${CONTACT}@s.whatsapp.net` },
    });
    expect(contacts.body).toHaveLength(1);
    const messages = await evo("post", "/chat/findMessages/vendas", {
      where: { key: { remoteJid: `${CONTACT}@s.whatsapp.net` } },
      page: 1,
      offset: 10,
    });
    expect(messages.body.messages.total).toBe(2);
    expect(messages.body.messages.records.map((m: Json) => [m.key.fromMe, m.message.conversation])).toEqual([
      [false, "Obrigado, chegou!"],
      [true, "Olá! Seu pedido saiu para entrega."],
    ]);
  }, 60_000);

  it("whatsappNumbers answers Evolution's [{ exists, jid, number }] through the instance, as the send path checks", async () => {
    // Not on WhatsApp in either Brazilian form (with or without the ninth digit).
    sim.contact("5511977229999", { onWhatsApp: false });
    sim.contact("551177229999", { onWhatsApp: false });
    // Request and response as in Evolution's documentation for POST /chat/whatsappNumbers/{instance}.
    const res = await evo("post", "/chat/whatsappNumbers/vendas", {
      numbers: [CONTACT, "+55 (11) 97722-9999", "5511977220002"],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual([
      expect.objectContaining({ exists: true, jid: `${CONTACT}@s.whatsapp.net`, number: CONTACT }),
      { exists: false, jid: "5511977229999@s.whatsapp.net", number: "+55 (11) 97722-9999" },
      expect.objectContaining({ exists: true, jid: "5511977220002@s.whatsapp.net", number: "5511977220002" }),
    ]);
    // The answers are the send path's own: remembered in Postgres for every worker.
    const stored = await t.admin<{ phone_e164: string; on_whatsapp: boolean }[]>`
      select phone_e164, on_whatsapp from public.wa_id_lookups
      where phone_e164 in ('+5511977229999', '+5511977220002') order by phone_e164`;
    expect(stored.map((r) => [r.phone_e164, r.on_whatsapp])).toEqual([
      ["+5511977220002", true],
      ["+5511977229999", false],
    ]);
    // The same check natively, with the organization key.
    const native = await api({ url }, "post", `/api/v1/orgs/${a.orgId}/instances/${instanceId}/on-whatsapp`, {
      headers: { "x-api-key": globalKey },
      body: { numbers: ["+55 11 97722-9999", CONTACT] },
    });
    expect(native.status, JSON.stringify(native.body)).toBe(200);
    expect(native.body.results).toEqual([
      { input: "+55 11 97722-9999", phone: "+5511977229999", onWhatsApp: false, jid: null, lid: null },
      expect.objectContaining({
        input: CONTACT,
        phone: `+${CONTACT}`,
        onWhatsApp: true,
        jid: `${CONTACT}@s.whatsapp.net`,
      }),
    ]);
  }, 60_000);

  it("sendPresence shows typing… and recording… for delay ms, then paused; setPresence sets the account online", async () => {
    const started = Date.now();
    const typing = await evo("post", "/chat/sendPresence/vendas", {
      number: CONTACT,
      presence: "composing",
      delay: 600,
    });
    expect(typing.status, JSON.stringify(typing.body)).toBe(201);
    expect(typing.body).toEqual({ presence: "composing" });
    // Like Evolution, the answer comes once the delay has passed.
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
    const states = () => sim.groundTruth.chatStates({ account: ACCOUNT, contact: CONTACT }).map((p) => p.state);
    await waitFor(() => states().slice(-2).join(",") === "composing,paused", 15_000, "composing then paused");
    // v1 clients nest presence and delay in options.
    const recording = await evo("post", "/chat/sendPresence/vendas", {
      number: `${CONTACT}@s.whatsapp.net`,
      options: { presence: "recording", delay: 200 },
    });
    expect(recording.body).toEqual({ presence: "recording" });
    await waitFor(() => states().slice(-2).join(",") === "recording,paused", 15_000, "recording then paused");
    const nobody = await evo("post", "/chat/sendPresence/vendas", { number: "5511977229999", presence: "composing" });
    expect(nobody.status).toBe(400);
    expect(nobody.body.response.message[0]).toContain("not on WhatsApp");

    const online = await evo("post", "/instance/setPresence/vendas", { presence: "available" });
    expect(online.status, JSON.stringify(online.body)).toBe(201);
    expect(online.body).toEqual({ presence: "available" });
    await waitFor(() => sim.groundTruth.accountPresences(ACCOUNT).at(-1)?.type === "available", 15_000, "available");
    const offline = await evo("post", "/instance/setPresence/vendas", { presence: "unavailable" });
    expect(offline.body).toEqual({ presence: "unavailable" });
    await waitFor(() => sim.groundTruth.accountPresences(ACCOUNT).at(-1)?.type === "unavailable", 15_000, "offline");
    expect(sim.groundTruth.accountPresences(ACCOUNT).at(-1)?.name).toBeTruthy();
  }, 60_000);

  it("sendText with quoted replies to the contact's message: the contact sees the quote once", async () => {
    const contact = sim.contact(CONTACT);
    // Request as in Evolution's documentation: quoted.key.id names the message replied to.
    const sent = await evo("post", "/message/sendText/vendas", {
      number: CONTACT,
      text: "Que bom! Obrigado pela confirmação.",
      quoted: { key: { id: replyId, remoteJid: `${CONTACT}@s.whatsapp.net`, fromMe: false } },
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    expect(sent.body.contextInfo).toEqual({
      stanzaId: replyId,
      participant: `${CONTACT}@s.whatsapp.net`,
      quotedMessage: { conversation: "Obrigado, chegou!" },
    });
    const got = await sim.groundTruth.waitFor(
      (m) => m.contact === CONTACT && m.text === "Que bom! Obrigado pela confirmação.",
      30_000,
    );
    expect(got.quoted).toEqual({ id: replyId, participant: `${CONTACT}@s.whatsapp.net`, text: "Obrigado, chegou!" });
    const row = await t.admin<{ reply_to_wa_id: string; reply_to_from_me: boolean; reply_to_text: string }[]>`
      select reply_to_wa_id, reply_to_from_me, reply_to_text from public.outbound_messages where wa_message_id = ${got.id}`;
    expect(row[0]).toEqual({ reply_to_wa_id: replyId, reply_to_from_me: false, reply_to_text: "Obrigado, chegou!" });

    // Natively: replyTo a message the instance sent itself; an unknown id is refused before anything is queued.
    const native = await api({ url }, "post", `/api/v1/orgs/${a.orgId}/instances/${instanceId}/messages`, {
      headers: { "x-api-key": globalKey },
      body: { to: `+${CONTACT}`, text: "Segue o código de rastreio.", replyTo: firstSentId },
    });
    expect(native.status, JSON.stringify(native.body)).toBe(202);
    expect(native.body.replyTo).toEqual({
      waMessageId: firstSentId,
      fromMe: true,
      text: "Olá! Seu pedido saiu para entrega.",
    });
    const own = await sim.groundTruth.waitFor(
      (m) => m.contact === CONTACT && m.text === "Segue o código de rastreio.",
      30_000,
    );
    expect(own.quoted).toMatchObject({ id: firstSentId, participant: `${ACCOUNT}@s.whatsapp.net` });
    expect(own.quoted?.text).toBe("Olá! Seu pedido saiu para entrega.");
    const unknown = await api({ url }, "post", `/api/v1/orgs/${a.orgId}/instances/${instanceId}/messages`, {
      headers: { "x-api-key": globalKey },
      body: { to: `+${CONTACT}`, text: "nunca", replyTo: "3EB0NOTAMESSAGE" },
    });
    expect(unknown.status).toBe(422);
    expect(contact.messages(ACCOUNT).filter((m) => m.text === "nunca")).toEqual([]);
    expect(contact.messages(ACCOUNT).filter((m) => m.text === "Que bom! Obrigado pela confirmação.")).toHaveLength(1);
  }, 90_000);

  it("markMessageAsRead sends the read receipt the contact sees and clears the chat's unread count", async () => {
    const contact = sim.contact(CONTACT);
    expect(contact.sent(ACCOUNT).find((m) => m.id === replyId)?.readAt).toBeUndefined();
    // Request and response as in Evolution's documentation for POST /chat/markMessageAsRead/{instance}.
    const marked = await evo("post", "/chat/markMessageAsRead/vendas", {
      readMessages: [{ remoteJid: `${CONTACT}@s.whatsapp.net`, fromMe: false, id: replyId }],
    });
    expect(marked.status, JSON.stringify(marked.body)).toBe(201);
    expect(marked.body).toEqual({ message: "Read messages", read: "success" });
    await waitFor(() => contact.sent(ACCOUNT).find((m) => m.id === replyId)?.readAt, 15_000, "the read receipt");
    expect((await evo("post", "/chat/findChats/vendas", {})).body[0].unreadCount).toBe(0);
    const audited = await t.admin<{ n: number }[]>`
      select count(*)::int as n from public.audit_log where org_id = ${a.orgId} and action = 'conversation.read'`;
    expect(audited[0]?.n).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it("the contact edits a message and deletes another: messages.edited, messages.delete, findMessages shows them", async () => {
    const contact = sim.contact(CONTACT);
    const typo = await contact.sendText(ACCOUNT, "quero 1 caixa");
    const oops = await contact.sendText(ACCOUNT, "meu cpf é 123");
    await waitFor(() => hooks.find((h) => h.path === "/evo/messages-upsert" && h.body.data.key.id === oops));
    await contact.edit(ACCOUNT, typo, "quero 2 caixas");
    await contact.deleteForEveryone(ACCOUNT, oops);
    const key = (id: string) => ({ remoteJid: `${CONTACT}@s.whatsapp.net`, fromMe: false, id });
    const edited = await waitFor(() => hooks.find((h) => h.path === "/evo/messages-edited"));
    expect(edited.body).toMatchObject({
      event: "messages.edited",
      data: { key: key(typo), type: "MESSAGE_EDIT", editedMessage: { conversation: "quero 2 caixas" } },
    });
    const deleted = await waitFor(() => hooks.find((h) => h.path === "/evo/messages-delete"));
    expect(deleted.body).toMatchObject({ event: "messages.delete", instance: "vendas", data: key(oops) });
    const listed = await evo("post", "/chat/findMessages/vendas", {
      where: { key: { remoteJid: key(oops).remoteJid } },
    });
    const record = (id: string) => listed.body.messages.records.find((r: Json) => r.key.id === id);
    expect(record(typo)).toMatchObject({ message: { conversation: "quero 2 caixas" }, status: "EDITED" });
    expect(record(oops)).toMatchObject({ message: { conversation: "" }, MessageUpdate: [{ status: "DELETED" }] });
  }, 60_000);

  it("logout unlinks the phone, delete leaves nothing behind (token, webhook, instance) and is audited", async () => {
    const out = await evo("delete", "/instance/logout/vendas");
    expect(out.body).toEqual({ status: "SUCCESS", error: false, response: { message: "Instance logged out" } });
    await waitFor(async () => (await evo("get", "/instance/connectionState/vendas")).body.instance?.state === "close");
    const twice = await evo("delete", "/instance/logout/vendas");
    expect(twice.status).toBe(400);
    expect(twice.body.response.message[0]).toBe('The "vendas" instance is not connected');

    const del = await evo("delete", "/instance/delete/vendas");
    expect(del.body).toEqual({ status: "SUCCESS", error: false, response: { message: "Instance deleted" } });
    const left = await t.admin<{ n: number }[]>`
      select (select count(*) from public.instances where id = ${instanceId})
           + (select count(*) from public.evolution_instance_tokens where instance_id = ${instanceId})
           + (select count(*) from public.webhook_endpoints where instance_id = ${instanceId}) as n`;
    expect(Number(left[0]?.n)).toBe(0);
    const gone = await evo("get", "/instance/connectionState/vendas");
    expect(gone.status).toBe(404);
    expect(gone.body.response.message[0]).toBe('The "vendas" instance does not exist');
    // The token died with its instance.
    expect((await evo("get", "/instance/fetchInstances", undefined, instanceToken)).status).toBe(401);
    const audited = await t.admin<{ action: string }[]>`
      select action from public.audit_log where org_id = ${a.orgId} and target_id = ${instanceId} order by id`;
    expect(audited.map((r) => r.action)).toEqual(
      expect.arrayContaining(["instance.create", "instance.connect", "instance.logout", "instance.delete"]),
    );
  }, 90_000);
});
