/**
 * Evolution's chat actions, presence and read receipts: commands to the instance's hosting worker (a stand-in worker
 * here), Evolution's answer shapes, 503 at once while the instance is not connected, scopes applied; and how the
 * native on-WhatsApp check reads the numbers it is given.
 */

import type { OrgFixture } from "@mirage/testing/fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EvolutionCall, type EvolutionKeys, startEvolutionHarness } from "./evolution-harness.ts";
import { api, type Harness, type Json } from "./harness.ts";
import { startFakeWorker } from "./openapi-tools.ts";

let h: Harness;
let a: OrgFixture;
let keys: EvolutionKeys;
let evo: EvolutionCall;

beforeAll(async () => {
  ({ h, a, keys, evo } = await startEvolutionHarness("evo-cmd"));
  // An instance that never connects (no worker hosts it here).
  expect((await evo("post", "/instance/create", keys.admin, { instanceName: "um" })).status).toBe(201);
});
afterAll(async () => {
  await h?.close();
});

describe("Evolution chat actions through the instance's worker", () => {
  it("answer 503 at once in Evolution's shape while the instance is not connected; scopes still apply", async () => {
    const started = Date.now();
    const numbers = await evo("post", "/chat/whatsappNumbers/um", keys.admin, { numbers: ["5511999990001"] });
    expect(numbers.status).toBe(503);
    expect(numbers.body).toMatchObject({ status: 503, error: "Service unavailable" });
    expect(numbers.body.response.message[0]).toContain("not connected");
    const presence = await evo("post", "/instance/setPresence/um", keys.admin, { presence: "available" });
    expect(presence.status).toBe(503);
    const typing = await evo("post", "/chat/sendPresence/um", keys.admin, {
      number: "5511999990001",
      presence: "composing",
      delay: 1000,
    });
    expect(typing.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await evo("post", "/chat/whatsappNumbers/um", keys.read, { numbers: ["5511999990001"] })).status).toBe(403);
    const empty = await evo("post", "/chat/whatsappNumbers/um", keys.admin, { numbers: [] });
    expect(empty.status).toBe(400);
  });

  it("whatsappNumbers asks the hosting worker and answers Evolution's [{ exists, jid, number }]", async () => {
    const asked: unknown[] = [];
    const worker = await startFakeWorker(h, (c) => {
      if (c.type === "on-whatsapp") asked.push(c);
      return undefined;
    });
    try {
      const created = await evo("post", "/instance/create", keys.admin, { instanceName: "quatro" });
      const id = created.body.instance.instanceId as string;
      await h.t.admin`update public.instances set status = 'connected', worker_id = ${worker.id} where id = ${id}`;
      const res = await evo("post", "/chat/whatsappNumbers/quatro", keys.admin, {
        numbers: ["5511999990001", "+55 (11) 99999-0010", "12", "5511999990001", "120363012345678@g.us"],
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toEqual([
        { exists: true, jid: "5511999990001@s.whatsapp.net", number: "5511999990001" },
        { exists: false, jid: "5511999990010@s.whatsapp.net", number: "+55 (11) 99999-0010" },
        { exists: false, jid: "12@s.whatsapp.net", number: "12" },
        { exists: true, jid: "5511999990001@s.whatsapp.net", number: "5511999990001" },
        // A group is not a number: its id comes back as written, not turned into a phone JID.
        { exists: false, jid: "120363012345678@g.us", number: "120363012345678@g.us" },
      ]);
      // One command, each valid number once, in E.164.
      expect(asked).toEqual([{ type: "on-whatsapp", instanceId: id, phones: ["+5511999990001", "+5511999990010"] }]);
    } finally {
      await worker.close();
    }
  });
});

describe("the native on-WhatsApp check", () => {
  it("reads a national number in the organization's default country; with none, it is no number", async () => {
    const asked: Json[] = [];
    const worker = await startFakeWorker(h, (c) => {
      if (c.type === "on-whatsapp") asked.push(c);
      return undefined;
    });
    try {
      const created = await evo("post", "/instance/create", keys.admin, { instanceName: "nacional" });
      const id = created.body.instance.instanceId as string;
      await h.t.admin`update public.instances set status = 'connected', worker_id = ${worker.id} where id = ${id}`;
      const check = () =>
        api(h, "post", `/api/v1/orgs/${a.orgId}/instances/${id}/on-whatsapp`, {
          apiKey: keys.send,
          body: { numbers: ["(11) 99999-0001"] },
        });
      await h.t.admin`update public.organizations set default_country = null where id = ${a.orgId}`;
      const none = await check();
      expect(none.status, JSON.stringify(none.body)).toBe(200);
      // Not +1 199…: someone else's number would have been looked up.
      expect(none.body.results).toMatchObject([{ input: "(11) 99999-0001", phone: null }]);
      await h.t.admin`update public.organizations set default_country = 'BR' where id = ${a.orgId}`;
      const br = await check();
      expect(br.body.results).toMatchObject([{ input: "(11) 99999-0001", phone: "+5511999990001" }]);
      expect(asked).toEqual([{ type: "on-whatsapp", instanceId: id, phones: ["+5511999990001"] }]);
    } finally {
      await worker.close();
    }
  });
});

describe("Evolution presence and read receipts, as commands to the hosting worker", () => {
  it("sendPresence and setPresence send the presence command; markMessageAsRead the receipts for stored messages", async () => {
    const asked: Json[] = [];
    const worker = await startFakeWorker(h, (c) => {
      if (c.type === "presence" || c.type === "read-receipts") asked.push(c);
      if (c.type === "presence" && c.to === "+5511999990010") return { ok: false, outcome: "not_on_whatsapp" };
      return undefined;
    });
    try {
      const created = await evo("post", "/instance/create", keys.admin, { instanceName: "cinco" });
      const id = created.body.instance.instanceId as string;
      await h.t.admin`update public.instances set status = 'connected', worker_id = ${worker.id} where id = ${id}`;
      const typing = await evo("post", "/chat/sendPresence/cinco", keys.admin, {
        number: "+55 11 99999-0001",
        presence: "composing",
        delay: 300,
      });
      expect(typing.status, JSON.stringify(typing.body)).toBe(201);
      expect(typing.body).toEqual({ presence: "composing" });
      const v1 = await evo("post", "/chat/sendPresence/cinco", keys.admin, {
        number: "5511999990001@s.whatsapp.net",
        options: { presence: "recording", delay: 0 },
      });
      expect(v1.body).toEqual({ presence: "recording" });
      const nobody = await evo("post", "/chat/sendPresence/cinco", keys.admin, { number: "5511999990010" });
      expect(nobody.status).toBe(400);
      const online = await evo("post", "/instance/setPresence/cinco", keys.admin, { presence: "available" });
      expect(online.status).toBe(201);
      expect((await evo("post", "/instance/setPresence/cinco", keys.admin, { presence: "composing" })).status).toBe(
        400,
      );

      await h.t.admin`
        insert into public.inbound_messages (org_id, instance_id, wa_message_id, from_jid, from_phone, body)
        values (${a.orgId}, ${id}, '3EB0FROMLID', '123456789012345@lid', '+5511999990001', 'oi')`;
      const read = await evo("post", "/chat/markMessageAsRead/cinco", keys.admin, {
        readMessages: [
          { remoteJid: "5511999990001@s.whatsapp.net", fromMe: false, id: "3EB0FROMLID" },
          { remoteJid: "5511999990002@c.us", fromMe: false, id: "3EB0UNKNOWN" },
          { remoteJid: "5511999990001@s.whatsapp.net", fromMe: true, id: "3EB0MINE" },
        ],
      });
      expect(read.status, JSON.stringify(read.body)).toBe(201);
      expect(read.body).toEqual({ message: "Read messages", read: "success" });

      expect(asked).toEqual([
        {
          type: "presence",
          instanceId: id,
          presence: "composing",
          to: "+5511999990001",
          durationMs: 300,
          pushName: "cinco",
        },
        {
          type: "presence",
          instanceId: id,
          presence: "recording",
          to: "+5511999990001",
          durationMs: 0,
          pushName: "cinco",
        },
        {
          type: "presence",
          instanceId: id,
          presence: "composing",
          to: "+5511999990010",
          durationMs: 0,
          pushName: "cinco",
        },
        { type: "presence", instanceId: id, presence: "available", pushName: "cinco" },
        {
          type: "read-receipts",
          instanceId: id,
          // A stored message is read in the chat WhatsApp addressed it from (here its LID); others as named.
          keys: [
            { remoteJid: "123456789012345@lid", id: "3EB0FROMLID" },
            { remoteJid: "5511999990002@s.whatsapp.net", id: "3EB0UNKNOWN" },
          ],
        },
      ]);
    } finally {
      await worker.close();
    }
  });
});

describe("Evolution sendReaction, as a command to the hosting worker", () => {
  it("reacts to a stored received message through its chat, records it, and refuses the rest", async () => {
    const asked: Json[] = [];
    const worker = await startFakeWorker(h, (c) => {
      if (c.type !== "reaction") return undefined;
      asked.push(c);
      return { ok: true, outcome: "reaction_sent", messageId: "3EB0REACTION" };
    });
    try {
      const created = await evo("post", "/instance/create", keys.admin, { instanceName: "seis" });
      const id = created.body.instance.instanceId as string;
      await h.t.admin`update public.instances set status = 'connected', worker_id = ${worker.id} where id = ${id}`;
      await h.t.admin`
        insert into public.inbound_messages (org_id, instance_id, wa_message_id, from_jid, from_phone, body)
        values (${a.orgId}, ${id}, '3EB0TOREACT', '123456789012345@lid', '+5511999990001', 'chegou?')`;
      // Request and answer as in Evolution's documentation for POST /message/sendReaction/{instance}.
      const key = { remoteJid: "5511999990001@s.whatsapp.net", fromMe: false, id: "3EB0TOREACT" };
      const sent = await evo("post", "/message/sendReaction/seis", keys.admin, { key, reaction: "🙏" });
      expect(sent.status, JSON.stringify(sent.body)).toBe(201);
      expect(sent.body).toMatchObject({
        key: { remoteJid: "123456789012345@lid", fromMe: true, id: "3EB0REACTION" },
        message: { reactionMessage: { key: { id: "3EB0TOREACT", fromMe: false }, text: "🙏" } },
        status: "PENDING",
      });
      // Sent to the chat WhatsApp addressed the message from (a LID chat stays a LID chat).
      expect(asked).toEqual([
        { type: "reaction", instanceId: id, remoteJid: "123456789012345@lid", id: "3EB0TOREACT", emoji: "🙏" },
      ]);
      const [row] = await h.t
        .admin`select my_reaction from public.inbound_messages where wa_message_id = '3EB0TOREACT'`;
      expect(row?.my_reaction).toBe("🙏");
      const refused = async (body: Json) => (await evo("post", "/message/sendReaction/seis", keys.admin, body)).status;
      expect(await refused({ key: { ...key, fromMe: true }, reaction: "👍" })).toBe(400);
      expect(await refused({ key, reaction: "legal" })).toBe(400);
      expect(await refused({ key: { ...key, id: "3EB0UNKNOWN" }, reaction: "👍" })).toBe(404);
      expect(asked).toHaveLength(1);
    } finally {
      await worker.close();
    }
  });
});
