/**
 * What messaging tests need from the simulator beyond plain send and receive: senders known only by LID, Brazilian
 * numbers registered without (or with) the ninth digit, history replays after a reconnect, and receipts that wait
 * for a device that was offline.
 */
import type { WAMessage } from "@whiskeysockets/baileys";
import { proto } from "@whiskeysockets/baileys";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Simulator } from "../src/index.ts";
import {
  closeSocket,
  makeSimSocket,
  type PairedSession,
  pairWithQr,
  trackMessageStatus,
  type WASocket,
  waitForConnection,
} from "../src/testing/index.ts";

const ACCOUNT = "5511988870001";
let sim: Simulator;
let session: PairedSession;

/** Inbound messages (`notify` or `append`) the socket emits, by id. */
function collectInbound(sock: WASocket): WAMessage[] {
  const seen: WAMessage[] = [];
  sock.ev.on("messages.upsert", ({ messages }) => {
    for (const m of messages) if (!m.key.fromMe && m.message) seen.push(m);
  });
  return seen;
}

/** A new socket on the same credentials, with `before` attached before it connects (nothing is missed). */
async function reopen(before: (sock: WASocket) => void): Promise<WASocket> {
  const { sock } = makeSimSocket(sim, { auth: session.auth });
  before(sock);
  const result = await waitForConnection(sock);
  if (result.connection !== "open") throw new Error(`did not reopen: ${JSON.stringify(result)}`);
  session = { ...session, sock };
  return sock;
}

async function until<T>(fn: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() - start > timeoutMs) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 25));
  }
}

beforeAll(async () => {
  sim = await Simulator.start({ seed: "messaging-extras" });
  session = await pairWithQr(sim, ACCOUNT);
});
afterAll(async () => {
  await closeSocket(session.sock);
  await sim.close();
});

describe("LID addressing", () => {
  it("a contact known only by LID sends from its LID, without its phone number", async () => {
    const inbound = collectInbound(session.sock);
    const contact = sim.contact("5511977760001", { addressing: "lid", name: "Lia" });
    const id = await contact.sendText(ACCOUNT, "oi, sou só LID");
    const msg = await until(() => inbound.find((m) => m.key.id === id));
    expect(msg.key.remoteJid).toBe(`${contact.lid}@lid`);
    expect(msg.key.remoteJidAlt ?? null).toBeNull();
    expect(msg.message?.conversation).toBe("oi, sou só LID");
  });

  it("lid-with-pn carries the phone in sender_pn, and switching addressing keeps decryption working", async () => {
    const inbound = collectInbound(session.sock);
    const contact = sim.contact("5511977760002", { addressing: "pn" });
    const first = await contact.sendText(ACCOUNT, "por telefone");
    await until(() => inbound.find((m) => m.key.id === first));
    sim.contact(contact.phone, { addressing: "lid-with-pn" });
    const second = await contact.sendText(ACCOUNT, "agora por LID");
    const msg = await until(() => inbound.find((m) => m.key.id === second));
    expect(msg.key.remoteJid).toBe(`${contact.lid}@lid`);
    expect(msg.key.remoteJidAlt).toBe(`${contact.phone}@s.whatsapp.net`);
    expect(msg.message?.conversation).toBe("agora por LID");
  });
});

describe("Brazil's ninth digit", () => {
  it("onWhatsApp answers with the number as registered, with or without the ninth digit", async () => {
    // Registered before the ninth digit existed; people write it with the nine.
    const legacy = sim.contact("551187650001");
    const [asTyped] = (await session.sock.onWhatsApp("5511987650001")) ?? [];
    expect(asTyped).toMatchObject({ jid: "551187650001@s.whatsapp.net", exists: true });
    // Registered with it; written without.
    sim.contact("5511987650002");
    const [short] = (await session.sock.onWhatsApp("551187650002")) ?? [];
    expect(short).toMatchObject({ jid: "5511987650002@s.whatsapp.net", exists: true });
    // And a message to the returned id reaches the registered contact.
    const sent = await session.sock.sendMessage(asTyped?.jid ?? "", { text: "nono dígito" });
    await until(() => legacy.messages(ACCOUNT).find((m) => m.id === sent?.key.id));
  });
});

describe("after a reconnect", () => {
  it("replay-inbound delivers already-delivered messages again with the same ids", async () => {
    const inbound = collectInbound(session.sock);
    const contact = sim.contact("5511977760003");
    const ids = [await contact.sendText(ACCOUNT, "um"), await contact.sendText(ACCOUNT, "dois")];
    await until(() => (inbound.filter((m) => ids.includes(m.key.id ?? "")).length === 2 ? true : undefined));
    sim.phone(ACCOUNT).fault({ type: "replay-inbound", last: 2 });
    await closeSocket(session.sock);
    let replayed: WAMessage[] = [];
    await reopen((sock) => {
      replayed = collectInbound(sock);
    });
    await until(() => (ids.every((id) => replayed.some((m) => m.key.id === id)) ? true : undefined));
    expect(replayed.filter((m) => ids.includes(m.key.id ?? "")).map((m) => m.message?.conversation)).toEqual([
      "um",
      "dois",
    ]);
  });

  it("receipts for a device that was offline arrive at its next login", async () => {
    const contact = sim.contact("5511977760004", { deliveryDelayMs: 400, readDelayMs: null });
    const sent = await session.sock.sendMessage(contact.jid, { text: "entregue enquanto offline" });
    const id = sent?.key.id ?? "";
    await until(() => contact.messages(ACCOUNT).find((m) => m.id === id));
    await closeSocket(session.sock);
    await until(() => contact.messages(ACCOUNT).find((m) => m.id === id && m.deliveredAt));
    let tracker: ReturnType<typeof trackMessageStatus> | undefined;
    await reopen((sock) => {
      tracker = trackMessageStatus(sock);
    });
    if (!tracker) throw new Error("no tracker");
    const statuses = await tracker.waitFor(id, proto.WebMessageInfo.Status.DELIVERY_ACK);
    expect(statuses).toContain(proto.WebMessageInfo.Status.DELIVERY_ACK);
  });
});

describe("retry receipts", () => {
  /** What the socket opened in the second test answers to getMessage (a sender's own store of what it sent). */
  const copies = new Map<string, string>();
  it("a phone that cannot decrypt a message asks for it again, and Baileys' resend is received once", async () => {
    const tracker = trackMessageStatus(session.sock);
    const contact = sim.contact("5511977760005", { decryptFailures: 1 });
    const sent = await session.sock.sendMessage(contact.jid, { text: "segunda via" });
    const id = sent?.key.id ?? "";
    await until(() => contact.messages(ACCOUNT).find((m) => m.id === id));
    await tracker.waitFor(id, proto.WebMessageInfo.Status.DELIVERY_ACK);
    expect(contact.messages(ACCOUNT).map((m) => [m.id, m.text])).toEqual([[id, "segunda via"]]);
    expect(contact.dropped(ACCOUNT)).toMatchObject([{ id, reason: "undecryptable" }]);
    expect(contact.behaviour.decryptFailures).toBe(0);
  });

  it("a held retry reaches a socket opened since: only its getMessage can answer it", async () => {
    const contact = sim.contact("5511977760006", { decryptFailures: 1, retryDelayMs: null });
    const sent = await session.sock.sendMessage(contact.jid, { text: "pedida depois" });
    const id = sent?.key.id ?? "";
    copies.set(id, "pedida depois");
    await until(() => (contact.dropped(ACCOUNT).some((d) => d.id === id) ? true : undefined));
    await closeSocket(session.sock);
    const asked: string[] = [];
    const { sock } = makeSimSocket(sim, {
      auth: session.auth,
      config: {
        getMessage: async (key) => {
          asked.push(key.id ?? "");
          const text = copies.get(key.id ?? "");
          return text === undefined ? undefined : { conversation: text };
        },
      },
    });
    const result = await waitForConnection(sock);
    if (result.connection !== "open") throw new Error(`did not reopen: ${JSON.stringify(result)}`);
    session = { ...session, sock };
    expect(contact.sendHeldRetries()).toBe(1);
    await until(() => contact.messages(ACCOUNT).find((m) => m.id === id));
    expect(asked).toEqual([id]);
    expect(contact.messages(ACCOUNT).map((m) => [m.id, m.text])).toEqual([[id, "pedida depois"]]);
  });

  it("a message that never decrypts ends after Baileys' resends run out, never received", async () => {
    const contact = sim.contact("5511977760007", { decryptFailures: 5 });
    const sent = await session.sock.sendMessage(contact.jid, { text: "perdida" });
    const id = sent?.key.id ?? "";
    copies.set(id, "perdida");
    // Baileys (rc14) writes a message again twice at most (it counts each retry twice against its limit of 5): the
    // first copy and two resends, each left undecrypted; the phone's third request goes unanswered.
    await until(() => (contact.dropped(ACCOUNT).length === 3 ? true : undefined));
    await new Promise((r) => setTimeout(r, 500));
    expect(contact.dropped(ACCOUNT).map((d) => d.id)).toEqual([id, id, id]);
    expect(contact.behaviour.decryptFailures).toBe(2);
    expect(contact.messages(ACCOUNT)).toEqual([]);
  });
});

describe("retry receipts from a companion", () => {
  it("a companion that lost the session asks again, and the contact's phone resends on a new session", async () => {
    const inbound = collectInbound(session.sock);
    const contact = sim.contact("5511977760008");
    const first = await contact.sendText(ACCOUNT, "primeira");
    await until(() => inbound.find((m) => m.key.id === first));
    // The companion's keys for the contact are gone (erased, or a restored backup): the next message cannot be
    // decrypted with the session the contact's phone still holds.
    await session.auth.keys.set({ session: { [`${contact.phone}.0`]: null, [`${contact.lid}_1.0`]: null } });
    const second = await contact.sendText(ACCOUNT, "segunda, depois da perda");
    const msg = await until(() => inbound.find((m) => m.key.id === second && m.message?.conversation));
    expect(msg.message?.conversation).toBe("segunda, depois da perda");
  });
});
