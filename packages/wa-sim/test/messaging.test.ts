import { proto } from "@whiskeysockets/baileys";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Simulator } from "../src/index.ts";
import {
  closeSocket,
  makeSimSocket,
  type PairedSession,
  pairWithQr,
  trackMessageStatus,
  waitForConnection,
  waitForServerAck,
} from "../src/testing/index.ts";

const Status = proto.WebMessageInfo.Status;
const ACCOUNT = "5511988880001";

let sim: Simulator;
let session: PairedSession;

beforeAll(async () => {
  sim = await Simulator.start({ seed: "messaging-test", contactDefaults: { deliveryDelayMs: 150, readDelayMs: 150 } });
  session = await pairWithQr(sim, ACCOUNT);
});
afterAll(async () => {
  await closeSocket(session.sock);
  await sim.close();
});

describe("sending", () => {
  it("onWhatsApp tells numbers on WhatsApp from those that are not", async () => {
    sim.contact("5511977770009", { onWhatsApp: false });
    const result = await session.sock.onWhatsApp("5511977770001", "5511977770009");
    expect(result?.find((r) => r.jid === "5511977770001@s.whatsapp.net")?.exists).toBe(true);
    expect(result?.find((r) => r.jid === "5511977770009@s.whatsapp.net")?.exists ?? false).toBe(false);
  });

  it("a message to a number not on WhatsApp is acked and recorded as dropped, never as received", async () => {
    const contact = sim.contact("5511977770008", { onWhatsApp: false });
    const sent = await session.sock.sendMessage(contact.jid, { text: "ninguém lê" });
    const id = sent?.key.id ?? "";
    expect((await waitForServerAck(session.sock, id)).error).toBeUndefined();
    expect(contact.messages(ACCOUNT)).toEqual([]);
    expect(contact.dropped(ACCOUNT)).toMatchObject([{ id, reason: "not_on_whatsapp", account: ACCOUNT }]);
  });

  it("text → server ack → delivered → read, and the contact decrypted the exact text", async () => {
    const contact = sim.contact("5511977770001");
    const tracker = trackMessageStatus(session.sock);
    const jid = contact.jid;
    await session.sock.sendPresenceUpdate("composing", jid);
    const sent = await session.sock.sendMessage(jid, { text: "olá, primeira mensagem" });
    const id = sent?.key.id ?? "";
    expect(id).toBeTruthy();
    const ack = await waitForServerAck(session.sock, id);
    expect(ack.error).toBeUndefined();
    const statuses = await tracker.waitFor(id, Status.READ);
    // PENDING from the own upsert, then delivered and read (delivery may be folded into the upsert's status).
    expect(statuses.filter((s) => s > Status.SERVER_ACK)).toEqual([Status.DELIVERY_ACK, Status.READ]);

    const [received] = contact.messages(ACCOUNT);
    expect(received).toMatchObject({ id, text: "olá, primeira mensagem", account: ACCOUNT, device: session.deviceId });
    expect(received?.presenceBefore.map((p) => p.state)).toEqual(["composing"]);
    expect(received?.deliveredAt).toBeInstanceOf(Date);
    expect(received?.readAt).toBeInstanceOf(Date);
  });

  it("a second message to the same contact reuses the Signal session and is recorded once", async () => {
    const contact = sim.contact("5511977770001");
    const sent = await session.sock.sendMessage(contact.jid, { text: "segunda" });
    await sim.groundTruth.waitFor((m) => m.id === sent?.key.id);
    const texts = contact.messages(ACCOUNT).map((m) => m.text);
    expect(texts).toEqual(["olá, primeira mensagem", "segunda"]);
    expect(sim.groundTruth.messages({ contact: contact.phone }).filter((m) => m.id === sent?.key.id)).toHaveLength(1);
  });

  it("a contact without a LID cannot be written to by Baileys 7 (LID-first addressing), and receives nothing", async () => {
    const contact = sim.contact("5511977770006", { hasLid: false });
    expect(contact.lid).toBeUndefined();
    await expect(session.sock.sendMessage(contact.jid, { text: "sem LID" })).rejects.toThrow(/encryptions failed/);
    expect(contact.messages()).toHaveLength(0);
  });

  it("a contact that never receives sends no receipts", async () => {
    const offline = sim.contact("5511977770002", { deliveryDelayMs: null });
    const tracker = trackMessageStatus(session.sock);
    const sent = await session.sock.sendMessage(offline.jid, { text: "are you there?" });
    const id = sent?.key.id ?? "";
    await waitForServerAck(session.sock, id);
    await sim.groundTruth.waitFor((m) => m.id === id);
    await new Promise((r) => setTimeout(r, 400));
    expect(tracker.statuses(id).filter((s) => s > Status.SERVER_ACK)).toEqual([]);
    expect(offline.messages()[0]?.deliveredAt).toBeUndefined();
  });
});

describe("receiving", () => {
  it("a contact's text arrives as messages.upsert (notify) with its push name", async () => {
    const contact = sim.contact("5511977770003", { name: "Ana" });
    const upsert = new Promise<proto.IWebMessageInfo>((resolve) => {
      session.sock.ev.on("messages.upsert", ({ messages, type }) => {
        const m = messages.find((x) => !x.key.fromMe && x.key.remoteJid === contact.jid);
        if (type === "notify" && m) resolve(m);
      });
    });
    const id = await contact.sendText(ACCOUNT, "oi, tudo bem?");
    const message = await upsert;
    expect(message.key?.id).toBe(id);
    expect(message.message?.conversation).toBe("oi, tudo bem?");
    expect(message.pushName).toBe("Ana");
    expect(sim.groundTruth.sentByContacts({ contact: contact.phone })).toHaveLength(1);
  });

  it("typing from a contact arrives as presence.update", async () => {
    const contact = sim.contact("5511977770003");
    const presence = new Promise<string | undefined>((resolve) => {
      session.sock.ev.on("presence.update", ({ id, presences }) => {
        if (id === contact.jid) resolve(presences[contact.jid]?.lastKnownPresence);
      });
    });
    contact.typing(ACCOUNT, "composing");
    expect(await presence).toBe("composing");
  });

  it("a scripted opt-out reply comes back after the contact reads the campaign message", async () => {
    const contact = sim.contact("5511977770004", {
      replies: [{ match: "promo", text: "PARAR", delayMs: 50, typingMs: 50 }],
    });
    const reply = new Promise<string | null | undefined>((resolve) => {
      session.sock.ev.on("messages.upsert", ({ messages, type }) => {
        const m = messages.find((x) => !x.key.fromMe && x.key.remoteJid === contact.jid);
        if (type === "notify" && m) resolve(m.message?.conversation);
      });
    });
    await session.sock.sendMessage(contact.jid, { text: "Promo de hoje: 20% off" });
    expect(await reply).toBe("PARAR");
    expect(sim.groundTruth.sentByContacts({ contact: contact.phone }).map((m) => m.text)).toEqual(["PARAR"]);
  });

  it("a message sent while the account is offline arrives at its next login", async () => {
    const phone = "5511988880002";
    const first = await pairWithQr(sim, phone);
    await closeSocket(first.sock);
    await new Promise((r) => setTimeout(r, 50));
    expect(sim.phone(phone).devices()[0]?.online).toBe(false);
    const contact = sim.contact("5511977770005");
    const id = await contact.sendText(phone, "while you were away");

    const { sock } = makeSimSocket(sim, { auth: first.auth });
    const upsert = new Promise<proto.IWebMessageInfo>((resolve) => {
      sock.ev.on("messages.upsert", ({ messages }) => {
        const m = messages.find((x) => x.key.id === id);
        if (m) resolve(m);
      });
    });
    try {
      expect(await waitForConnection(sock)).toEqual({ connection: "open" });
      expect((await upsert).message?.conversation).toBe("while you were away");
    } finally {
      await closeSocket(sock);
    }
  });
});
