import { whatsAppCandidates } from "@mirage/phone";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type InboundMessage, type Receipt, SessionNotReadyError } from "../src/sessions/index.ts";
import { createWorld, type World } from "./harness.ts";

// The sessions port as the messaging and campaign features use it: plain data in and out, real Baileys behind it.
let w: World;
let host: ReturnType<World["host"]>;
let id: string;
const phone = "5511988790001";
const receipts: Receipt[] = [];
const inbound: InboundMessage[] = [];

beforeAll(async () => {
  w = await createWorld("sessions-port");
  host = w.host("wport");
  host.port.onReceipt((r) => receipts.push(r));
  host.port.onInbound((m) => inbound.push(m));
});
afterAll(async () => {
  await w?.close();
});

describe("sessions port", () => {
  it("says whether an instance can send, and why not", async () => {
    id = await w.instance("port-1", "wport");
    await host.command({ type: "start", instanceId: id });
    expect(host.port.canSend(id)).toMatchObject({ ok: false, reason: "not_connected", status: "pending_pairing" });
    w.sim.phone(phone).scan(await w.waitQr(id));
    await w.waitStatus(id, "connected");
    expect(host.port.canSend(id)).toEqual({ ok: true });
    expect(host.port.canSend("00000000-0000-4000-8000-000000000000")).toEqual({
      ok: false,
      reason: "not_hosted",
      status: null,
    });
  });

  it("sends under the caller's message id and reports server ack, delivery and read with that id", async () => {
    const contact = "5511966680001";
    w.sim.contact(contact, { deliveryDelayMs: 20, readDelayMs: 20 });
    const messageId = host.port.newMessageId(id);
    expect(messageId).toMatch(/^3EB0[0-9A-F]{18}$/);
    expect(
      await host.port.sendText({ instanceId: id, to: `${contact}@s.whatsapp.net`, text: "hi", messageId }),
    ).toEqual({ messageId });
    await expect
      .poll(() => receipts.filter((r) => r.messageId === messageId).map((r) => r.kind), { timeout: 10_000 })
      .toEqual(expect.arrayContaining(["server_ack", "delivered", "read"]));
    const read = receipts.find((r) => r.messageId === messageId && r.kind === "read");
    expect(read).toMatchObject({ instanceId: id, orgId: w.org.orgId, remoteJid: `${contact}@s.whatsapp.net` });
    expect(read?.at).toBeInstanceOf(Date);
    expect(
      w.sim
        .contact(contact)
        .messages()
        .map((m) => [m.id, m.text]),
    ).toEqual([[messageId, "hi"]]);
  });

  it("remembers issuing its privacy token to a contact, so the next messages do not issue it again", async () => {
    const contact = "5511966680003";
    w.sim.contact(contact);
    const tokens = () =>
      w.t.admin<{ n: number }[]>`
        select count(*)::int as n from public.wa_auth_keys where instance_id = ${id} and type = 'tctoken'`;
    const before = (await tokens())[0]?.n ?? 0;
    const messageId = host.port.newMessageId(id);
    await host.port.sendText({ instanceId: id, to: `${contact}@s.whatsapp.net`, text: "token", messageId });
    // Issued after the write (fire-and-forget); its record (with when it was issued) must reach the store.
    await expect.poll(async () => (await tokens())[0]?.n, { timeout: 10_000 }).toBeGreaterThan(before);
  });

  it("shows typing before a message", async () => {
    const contact = "5511966680002";
    w.sim.contact(contact);
    await host.port.setPresence(id, `${contact}@s.whatsapp.net`, "composing");
    await host.port.setPresence(id, `${contact}@s.whatsapp.net`, "paused");
    const messageId = host.port.newMessageId(id);
    await host.port.sendText({ instanceId: id, to: `${contact}@s.whatsapp.net`, text: "typed", messageId });
    await expect.poll(() => w.sim.contact(contact).messages().length, { timeout: 5_000 }).toBe(1);
    expect(
      w.sim
        .contact(contact)
        .messages()[0]
        ?.presenceBefore.map((p) => p.state),
    ).toEqual(["composing", "paused"]);
  });

  it("resolves a number to the id WhatsApp has: Brazil's older 8-digit form, or not on WhatsApp", async () => {
    // Registered before the ninth digit: WhatsApp knows 55 11 6668-0003, people write 55 11 9 6668-0003.
    w.sim.contact("551166680003");
    w.sim.contact("5511966680003", { onWhatsApp: false });
    const resolved = await host.port.resolveNumber(id, whatsAppCandidates("+5511966680003"));
    expect(resolved).toMatchObject({ onWhatsApp: true, jid: "551166680003@s.whatsapp.net", e164: "+551166680003" });
    w.sim.contact("5511966680004", { onWhatsApp: false });
    w.sim.contact("551166680004", { onWhatsApp: false });
    expect(await host.port.resolveNumber(id, whatsAppCandidates("+5511966680004"))).toEqual({ onWhatsApp: false });
  });

  it("delivers inbound texts with sender, push name and time", async () => {
    const contact = "5511966680005";
    w.sim.contact(contact, { name: "Ana" });
    const sentId = await w.sim.contact(contact).sendText(phone, "hello there");
    await expect.poll(() => inbound.find((m) => m.messageId === sentId), { timeout: 10_000 }).toBeDefined();
    expect(inbound.find((m) => m.messageId === sentId)).toMatchObject({
      instanceId: id,
      orgId: w.org.orgId,
      fromJid: `${contact}@s.whatsapp.net`,
      fromPhoneJid: `${contact}@s.whatsapp.net`,
      pushName: "Ana",
      text: "hello there",
      replay: false,
    });
  });

  it("replies with a quote, sends read receipts the contact sees, and shows recording… and account presence", async () => {
    const contact = "5511966680006";
    w.sim.contact(contact);
    const jid = `${contact}@s.whatsapp.net`;
    const theirs = await w.sim.contact(contact).sendText(phone, "posso trocar o tamanho?");
    await expect.poll(() => inbound.find((m) => m.messageId === theirs), { timeout: 10_000 }).toBeDefined();

    await host.port.setPresence(id, jid, "recording");
    const messageId = host.port.newMessageId(id);
    await host.port.sendText({
      instanceId: id,
      to: jid,
      text: "Pode sim!",
      messageId,
      quoted: { id: theirs, fromMe: false, text: "posso trocar o tamanho?" },
    });
    await expect.poll(() => w.sim.contact(contact).messages().length, { timeout: 10_000 }).toBe(1);
    const got = w.sim.contact(contact).messages()[0];
    expect(got?.text).toBe("Pode sim!");
    expect(got?.quoted).toEqual({ id: theirs, participant: jid, text: "posso trocar o tamanho?" });
    expect(got?.presenceBefore.map((p) => p.state)).toEqual(["recording"]);

    expect(w.sim.contact(contact).sent(phone)[0]?.readAt).toBeUndefined();
    await host.port.sendReadReceipts(id, [{ remoteJid: jid, id: theirs }]);
    await expect.poll(() => w.sim.contact(contact).sent(phone)[0]?.readAt, { timeout: 10_000 }).toBeInstanceOf(Date);

    await host.port.setAccountPresence(id, "available", "Loja Centro");
    await expect
      .poll(() => w.sim.groundTruth.accountPresences(phone).at(-1), { timeout: 10_000 })
      .toMatchObject({ type: "available" });
    expect(w.sim.groundTruth.accountPresences(phone).at(-1)?.name).toBeTruthy();
    await expect(
      host.port.sendReadReceipts("00000000-0000-4000-8000-000000000001", [{ remoteJid: jid, id: theirs }]),
    ).rejects.toMatchObject({ reason: "not_hosted" });
  });

  it("a reaction counts once WhatsApp acknowledged it; without an ack it is written again under the same id", async () => {
    const contact = "5511966680007";
    const jid = `${contact}@s.whatsapp.net`;
    const theirs = await w.sim.contact(contact).sendText(phone, "chegou?");
    await expect.poll(() => inbound.find((m) => m.messageId === theirs), { timeout: 10_000 }).toBeDefined();
    const reactions = () =>
      w.sim
        .contact(contact)
        .messages()
        .filter((m) => m.reaction?.id === theirs);

    const like = await host.port.sendReaction(id, jid, theirs, "👍");
    expect(reactions().map((m) => [m.id, m.reaction?.emoji])).toEqual([[like, "👍"]]);

    // The ack comes after the first wait (5 s) ran out: the frame is written once more, and the late ack of the
    // first write, naming the same id, settles it.
    w.sim.phone(phone).fault({ type: "slow-acks", ms: 6_500 });
    try {
      const back = await host.port.sendReaction(id, jid, theirs, "");
      expect(back).not.toBe(like);
      expect(reactions().map((m) => [m.id, m.reaction?.emoji])).toEqual([
        [like, "👍"],
        [back, ""],
        [back, ""],
      ]);
      // No ack at all: refused as not connected after the second write, never reported as sent.
      w.sim.phone(phone).fault({ type: "missing-acks" });
      await expect(host.port.sendReaction(id, jid, theirs, "❤️")).rejects.toMatchObject({ reason: "not_connected" });
    } finally {
      w.sim.phone(phone).fault({ type: "clear" });
    }
  }, 40_000);

  it("refuses to send through an instance it does not host, with the reason", async () => {
    const other = "00000000-0000-4000-8000-000000000001";
    const attempt = host.port.sendText({ instanceId: other, to: "x@s.whatsapp.net", text: "x", messageId: "3EB0X" });
    await expect(attempt).rejects.toBeInstanceOf(SessionNotReadyError);
    await expect(attempt).rejects.toMatchObject({ reason: "not_hosted" });
  });

  it("a restricted instance says until when", async () => {
    const until = Date.now() + 3_600_000;
    w.sim.phone(phone).fault({ type: "reachout-timelock", until });
    await w.waitStatus(id, "restricted");
    const ready = host.port.canSend(id);
    expect(ready).toMatchObject({ ok: false, reason: "restricted", status: "restricted" });
    expect(Math.abs((ready.ok ? 0 : (ready.until?.getTime() ?? 0)) - until)).toBeLessThan(1_000);
    w.sim.phone(phone).fault({ type: "clear" });
    await w.waitStatus(id, "connected");
    expect(host.port.canSend(id)).toEqual({ ok: true });
  });
});
