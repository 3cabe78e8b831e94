/**
 * The Evolution API layer's edges, without a worker: the apikey header (organization keys with their scopes,
 * instance tokens bound to their instance), Evolution's error shape, routes Mirage does not serve named as such,
 * one organization never reaching another's instances, and the OpenAPI document.
 */
import type { OrgFixture } from "@mirage/testing/fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EvolutionCall, type EvolutionKeys, startEvolutionHarness } from "./evolution-harness.ts";
import { api, type Harness, type Json } from "./harness.ts";

let h: Harness;
let a: OrgFixture;
let keys: EvolutionKeys;
let evo: EvolutionCall;
let createKey: (org: OrgFixture, scopes: string[]) => Promise<string>;

beforeAll(async () => {
  ({ h, a, keys, evo, createKey } = await startEvolutionHarness("evo-int"));
});
afterAll(async () => {
  await h?.close();
});

describe("Evolution apikey authentication", () => {
  it("401 in Evolution's shape without a key or with an unknown one", async () => {
    const none = await evo("get", "/instance/fetchInstances", undefined);
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ status: 401, error: "Authentication required" });
    // Bearer tokens are refused on these routes: the answer names the header Evolution clients send.
    expect(none.body.response.message).toEqual([
      "send an organization API key (mk_…) or an instance token in the apikey header",
    ]);
    const unknown = await evo("get", "/instance/fetchInstances", "B6D711FCDE4D4FD5936544120E713976");
    expect(unknown.status).toBe(401);
    expect(unknown.body.response.message[0]).toContain("unknown apikey");
  });

  it("a body that is not JSON is refused in Evolution's shape too (the body parser runs before any route)", async () => {
    const res = await fetch(`${h.url}/evolution/message/sendText/um`, {
      method: "POST",
      headers: { apikey: keys.send, "content-type": "application/json" },
      body: '{"number":',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toContain("application/json");
    const body = (await res.json()) as Json;
    expect(body).toMatchObject({ status: 400, error: "Malformed JSON" });
    expect((body.response as { message: string[] }).message[0]).toContain("not valid JSON");
    // The native API keeps its problem+json for the same mistake.
    const native = await fetch(`${h.url}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"email":',
    });
    expect(native.status).toBe(400);
    expect(native.headers.get("content-type")).toContain("application/problem+json");
  });

  it("an organization key acts with its scopes: read lists, cannot create; send cannot read instances", async () => {
    expect((await evo("get", "/instance/fetchInstances", keys.read)).status).toBe(200);
    const create = await evo("post", "/instance/create", keys.read, { instanceName: "x" });
    expect(create.status).toBe(403);
    expect(create.body.response.message[0]).toContain("scope instances");
    expect((await evo("get", "/instance/fetchInstances", keys.send)).status).toBe(403);
  });

  it("an instance token acts for its instance only, and cannot create instances", async () => {
    const one = await evo("post", "/instance/create", keys.admin, { instanceName: "um" });
    const two = await evo("post", "/instance/create", keys.admin, { instanceName: "dois" });
    expect(one.status).toBe(201);
    expect(two.status).toBe(201);
    const token = one.body.hash as string;
    expect((await evo("get", "/instance/connectionState/um", token)).body).toEqual({
      instance: { instanceName: "um", state: "connecting" },
    });
    const other = await evo("get", "/instance/connectionState/dois", token);
    expect(other.status).toBe(401);
    expect(other.body.response.message[0]).toContain("another instance");
    expect((await evo("get", "/instance/fetchInstances", token)).body.map((i: Json) => i.name)).toEqual(["um"]);
    expect((await evo("post", "/instance/create", token, { instanceName: "tres" })).status).toBe(403);
  });

  it("another organization's key sees none of these instances", async () => {
    expect((await evo("get", "/instance/fetchInstances", keys.other)).body).toEqual([]);
    const state = await evo("get", "/instance/connectionState/um", keys.other);
    expect(state.status).toBe(404);
    expect(state.body.response.message[0]).toBe('The "um" instance does not exist');
    const send = await evo("post", "/message/sendText/um", keys.other, { number: "5511999990001", text: "oi" });
    expect(send.status).toBe(404);
  });
});

describe("Evolution requests Mirage refuses, with the reason", () => {
  it("sendText to an instance that is not connected, to a group, or with a bad number", async () => {
    const notOpen = await evo("post", "/message/sendText/um", keys.admin, { number: "5511999990001", text: "oi" });
    expect(notOpen.status).toBe(409);
    expect(notOpen.body.response.message[0]).toContain("cannot send until it is connected");
    const group = await evo("post", "/message/sendText/um", keys.admin, { number: "1203630@g.us", text: "oi" });
    expect(group.status).toBe(400);
    expect(group.body.response.message[0]).toContain("does not support groups");
    const bad = await evo("post", "/message/sendText/um", keys.admin, { number: "12", text: "oi" });
    expect(bad.status).toBe(400);
    const missing = await evo("post", "/message/sendText/um", keys.admin, { number: "5511999990001" });
    expect(missing.status).toBe(400);
    expect(missing.body.response.message.join(" ")).toContain("body.text");
  });

  it("sendText refuses an Idempotency-Key it would have to cut, before anything else; a blank one is none", async () => {
    const send = (key: string) =>
      api(h, "post", "/evolution/message/sendText/um", {
        headers: { apikey: keys.admin, "idempotency-key": key },
        body: { number: "5511999990001", text: "oi" },
      });
    const long = await send("x".repeat(201));
    expect(long.status).toBe(400);
    expect(long.body.response.message[0]).toContain("Idempotency-Key header must have 1 to 200 characters");
    // A client that sends the header empty when unset gets the instance's answer (not connected here), not a 400.
    expect((await send(" ")).status).toBe(409);
  });

  it("sendText follows an instance deleted and re-created under the same name", async () => {
    const first = await evo("post", "/message/sendText/tres", keys.admin, { number: "5511999990001", text: "oi" });
    expect(first.status).toBe(404);
    expect((await evo("post", "/instance/create", keys.admin, { instanceName: "tres" })).status).toBe(201);
    expect(
      (await evo("post", "/message/sendText/tres", keys.admin, { number: "5511999990001", text: "oi" })).status,
    ).toBe(409);
    expect((await evo("delete", "/instance/delete/tres", keys.admin)).status).toBe(200);
    const created = await evo("post", "/instance/create", keys.admin, { instanceName: "tres" });
    const again = await evo("post", "/message/sendText/tres", keys.admin, { number: "5511999990001", text: "oi" });
    expect(again.status).toBe(409);
    expect(again.body.response.message[0]).toContain('instance "tres"');
    await h.t.admin`update public.instances set status = 'connected' where id = ${created.body.instance.instanceId}`;
    const ok = await evo("post", "/message/sendText/tres", keys.admin, { number: "5511999990001", text: "oi" });
    expect(ok.status).toBe(201);
    expect(ok.body.instanceId).toBe(created.body.instance.instanceId);
  });

  it("sendText with quoted answers Evolution's contextInfo; the native message view shows the same replyTo", async () => {
    const created = await evo("post", "/instance/create", keys.admin, { instanceName: "respostas" });
    const instanceId = created.body.instance.instanceId as string;
    await h.t.admin`update public.instances set status = 'connected', wa_jid = '5511977000999:7@s.whatsapp.net'
      where id = ${instanceId}`;
    const contactJid = "5511999990001@s.whatsapp.net";

    const plain = await evo("post", "/message/sendText/respostas", keys.admin, {
      number: "5511999990001",
      text: "Oi!",
    });
    expect(plain.status).toBe(201);
    expect(plain.body).not.toHaveProperty("contextInfo");
    // The worker would stamp the WhatsApp id when sending; there is none here.
    await h.t
      .admin`update public.outbound_messages set wa_message_id = '3EB0OWNMESSAGE' where id = ${Number(plain.body.key.id)}`;

    // A message Mirage does not know, quoted with the text the caller gave (as Evolution clients send it).
    const fromContact = await evo("post", "/message/sendText/respostas", keys.admin, {
      number: contactJid,
      text: "Sim, chegou hoje.",
      quoted: {
        key: { id: "3EB0FROMCONTACT", fromMe: false, remoteJid: contactJid },
        message: { conversation: "Chegou?" },
      },
    });
    expect(fromContact.status, JSON.stringify(fromContact.body)).toBe(201);
    expect(fromContact.body.contextInfo).toEqual({
      stanzaId: "3EB0FROMCONTACT",
      participant: contactJid,
      quotedMessage: { conversation: "Chegou?" },
    });
    // The instance's own message, by id alone: its text is read from Mirage, the participant is the instance.
    const own = await evo("post", "/message/sendText/respostas", keys.admin, {
      number: "5511999990001",
      text: "Como eu disse:",
      quoted: { key: { id: "3EB0OWNMESSAGE" } },
    });
    expect(own.body.contextInfo).toEqual({
      stanzaId: "3EB0OWNMESSAGE",
      participant: "5511977000999@s.whatsapp.net",
      quotedMessage: { conversation: "Oi!" },
    });
    // Unknown and without a text: sent without the quote, as Evolution does, so no contextInfo either.
    const unquoted = await evo("post", "/message/sendText/respostas", keys.admin, {
      number: "5511999990001",
      text: "Sem citação",
      quoted: { key: { id: "3EB0NOWHERE" } },
    });
    expect(unquoted.status).toBe(201);
    expect(unquoted.body).not.toHaveProperty("contextInfo");

    const read = { headers: { "x-api-key": keys.read as string } };
    const one = await api(h, "get", `/api/v1/orgs/${a.orgId}/messages/${fromContact.body.key.id}`, read);
    expect(one.status).toBe(200);
    expect(one.body.replyTo).toEqual({ waMessageId: "3EB0FROMCONTACT", fromMe: false, text: "Chegou?" });
    const list = await api(h, "get", `/api/v1/orgs/${a.orgId}/messages?instanceId=${instanceId}`, read);
    expect(list.status).toBe(200);
    expect(list.body.items.map((m: Json) => [m.text, m.replyTo])).toEqual([
      ["Sem citação", null],
      ["Como eu disse:", { waMessageId: "3EB0OWNMESSAGE", fromMe: true, text: "Oi!" }],
      ["Sim, chegou hoje.", { waMessageId: "3EB0FROMCONTACT", fromMe: false, text: "Chegou?" }],
      ["Oi!", null],
    ]);
  });

  it("media, groups, integrations, proxies and queues answer 400 naming what is missing; unknown routes 404", async () => {
    const cases: [string, string, string][] = [
      ["post", "/message/sendMedia/um", "media messages"],
      ["post", "/group/create/um", "groups"],
      ["post", "/typebot/create/um", "Typebot"],
      ["post", "/chatwoot/set/um", "Chatwoot"],
      ["post", "/proxy/set/um", "proxies"],
      ["post", "/rabbitmq/set/um", "RabbitMQ"],
      ["post", "/sqs/set/um", "SQS"],
      ["post", "/chat/archiveChat/um", "this chat operation"],
    ];
    for (const [method, path, what] of cases) {
      const res = await evo(method, path, keys.admin, {});
      expect(res.status, path).toBe(400);
      expect(res.body.error).toBe("Bad request");
      expect(res.body.response.message[0], path).toContain(what);
    }
    const unknown = await evo("get", "/nothing/here", keys.admin);
    expect(unknown.status).toBe(404);
    expect(unknown.body.response.message[0]).toBe("Cannot GET /nothing/here");
    const proxy = await evo("post", "/instance/create", keys.admin, { instanceName: "p", proxyHost: "10.0.0.1" });
    expect(proxy.status).toBe(400);
    expect(proxy.body.response.message[0]).toContain("proxyHost");
  });

  it("webhook/set refuses events Mirage does not deliver, base64 and custom headers", async () => {
    const set = (webhook: Json) => evo("post", "/webhook/set/um", keys.admin, { webhook });
    const base = { enabled: true, url: "http://127.0.0.1:9/e" };
    const events = await set({ ...base, events: ["MESSAGES_UPSERT", "GROUPS_UPSERT"] });
    expect(events.status).toBe(400);
    expect(events.body.response.message[0]).toContain("GROUPS_UPSERT");
    expect((await set({ ...base, base64: true })).status).toBe(400);
    expect((await set({ ...base, headers: { authorization: "x" } })).status).toBe(400);
    const unsafe = await set({ ...base, url: "http://169.254.169.254/latest" });
    expect(unsafe.status).toBe(422);
    expect(unsafe.body.response.message[0]).toContain("refused webhook target");
    // A key that may create instances but not webhooks is refused before anything is created.
    const instancesKey = await createKey(a, ["instances"]);
    const half = await evo("post", "/instance/create", instancesKey, { instanceName: "meio", webhook: base });
    expect(half.status).toBe(403);
    expect((await evo("get", "/instance/fetchInstances?instanceName=meio", keys.admin)).body).toEqual([]);
    const ok = await set({ ...base, events: [] });
    expect(ok.status).toBe(201);
    expect(ok.body.events).toHaveLength(7);
    const replaced = await set({ ...base, url: "http://127.0.0.1:9/f", events: ["MESSAGES_UPSERT"] });
    expect(replaced.body).toMatchObject({
      id: ok.body.id,
      url: "http://127.0.0.1:9/f",
      events: ["MESSAGES_UPSERT"],
    });
    // The audit log files it as a webhook endpoint, like the Mirage routes do: the "Webhook endpoint" filter finds it.
    const logged = await h.t.admin<{ target_type: string }[]>`
      select distinct target_type from public.audit_log where target_id = ${ok.body.id}`;
    expect(logged.map((r) => r.target_type)).toEqual(["webhook_endpoint"]);
    expect((await evo("get", "/webhook/find/dois", keys.admin)).body).toBeNull();
    // Webhooks belong to admins: a read key may not see them.
    expect((await evo("get", "/webhook/find/um", keys.read)).status).toBe(403);
  });
});

describe("Evolution routes in the OpenAPI document", () => {
  it("are under their own tag, base path and apikey security scheme", async () => {
    const doc = (await api(h, "get", "/api/v1/openapi.json")).body;
    const send = doc.paths["/evolution/message/sendText/{instanceName}"]?.post;
    expect(send.tags).toEqual(["evolution"]);
    expect(send.security).toEqual([{ evolutionApiKey: [] }]);
    expect(doc.components.securitySchemes.evolutionApiKey).toMatchObject({ in: "header", name: "apikey" });
    for (const p of [
      "/evolution/instance/create",
      "/evolution/instance/connect/{instanceName}",
      "/evolution/instance/connectionState/{instanceName}",
      "/evolution/instance/fetchInstances",
      "/evolution/instance/restart/{instanceName}",
      "/evolution/instance/logout/{instanceName}",
      "/evolution/instance/delete/{instanceName}",
      "/evolution/chat/findMessages/{instanceName}",
      "/evolution/webhook/set/{instanceName}",
      "/evolution/webhook/find/{instanceName}",
      "/evolution/chat/whatsappNumbers/{instanceName}",
      "/evolution/chat/sendPresence/{instanceName}",
      "/evolution/instance/setPresence/{instanceName}",
      "/evolution/chat/markMessageAsRead/{instanceName}",
    ]) {
      expect(doc.paths[p], p).toBeDefined();
    }
    // Nothing Evolution-shaped leaks under /api/v1.
    expect(Object.keys(doc.paths).filter((p) => p.startsWith("/api/v1/instance/"))).toEqual([]);
  });
});
