import { DisconnectReason } from "@whiskeysockets/baileys";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type ControlServer, Simulator, startControlServer } from "../src/index.ts";
import {
  closeSocket,
  makeSimSocket,
  nextQr,
  reconnect,
  type WASocket,
  waitForConnection,
  waitForServerAck,
} from "../src/testing/index.ts";

let sim: Simulator;
let control: ControlServer;
const sockets: WASocket[] = [];

beforeAll(async () => {
  sim = await Simulator.start({ seed: "control-test" });
  control = await startControlServer(sim);
});
afterEach(async () => {
  await Promise.all(sockets.splice(0).map(closeSocket));
});
afterAll(async () => {
  await control.close();
  await sim.close();
});

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${control.url}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: await res.json() };
}

describe("HTTP control API", () => {
  it("pairs by POST /accounts/:phone/scan, injects a fault, and lists ground truth", async () => {
    const phone = "5511944440001";
    const first = makeSimSocket(sim);
    sockets.push(first.sock);
    const closed = waitForConnection(first.sock);
    const qr = await nextQr(first.sock);
    const scan = await call("POST", `/accounts/${phone}/scan`, { qr });
    expect(scan).toMatchObject({ status: 200, json: { deviceId: 1 } });
    expect(await closed).toMatchObject({ statusCode: DisconnectReason.restartRequired });

    const { sock } = await reconnect(sim, first.auth);
    sockets.push(sock);
    expect((await call("GET", `/accounts/${phone}`)).json).toMatchObject({ phone, devices: [{ online: true }] });

    await call("PUT", "/contacts/5511933330001", { name: "Bia", deliveryDelayMs: 10, readDelayMs: null });
    const sent = await sock.sendMessage("5511933330001@s.whatsapp.net", { text: "via the API" });
    await waitForServerAck(sock, sent?.key.id ?? "");
    await sim.groundTruth.waitFor((m) => m.id === sent?.key.id);
    const messages = await call("GET", `/contacts/5511933330001/messages?account=${phone}`);
    expect(messages.json).toMatchObject([{ id: sent?.key.id, text: "via the API", account: phone }]);

    // A phone that asks for a message again only later: its retry receipt waits for POST …/retries.
    await call("PUT", "/contacts/5511933330003", { decryptFailures: 1, retryDelayMs: null });
    const asked = await sock.sendMessage("5511933330003@s.whatsapp.net", { text: "de novo" });
    await expect.poll(() => sim.contact("5511933330003").dropped().length).toBe(1);
    expect((await call("POST", "/contacts/5511933330003/retries")).json).toEqual({ sent: 1 });
    await sim.groundTruth.waitFor((m) => m.id === asked?.key.id && m.text === "de novo");

    const dropped = waitForConnection(sock);
    expect((await call("POST", `/accounts/${phone}/faults`, { fault: { type: "banned" } })).status).toBe(202);
    expect(await dropped).toMatchObject({ statusCode: DisconnectReason.forbidden });
    expect((await call("DELETE", `/accounts/${phone}/faults`)).json).toMatchObject({ banned: false });
  });

  it("completes a pairing code through POST /accounts/:phone/pairing-code", async () => {
    const phone = "5511944440003";
    const { sock } = makeSimSocket(sim);
    sockets.push(sock);
    await nextQr(sock);
    const closed = waitForConnection(sock);
    const code = await sock.requestPairingCode(phone);
    expect(await call("POST", `/accounts/${phone}/pairing-code`, { code })).toMatchObject({ status: 200 });
    expect(await closed).toMatchObject({ statusCode: DisconnectReason.restartRequired });
    expect((await call("GET", `/accounts/${phone}`)).json).toMatchObject({ devices: [{ deviceId: 1 }] });
  });

  it("contacts send texts through POST /contacts/:phone/messages", async () => {
    const res = await call("POST", "/contacts/5511933330002/messages", { to: "5511944440009", text: "oi" });
    expect(res.status).toBe(201);
    expect(sim.groundTruth.sentByContacts({ contact: "5511933330002" })).toHaveLength(1);
    // A reply may quote a message of the chat (here the contact's own); an id the chat does not have is 404.
    const own = (res.json as { id: string }).id;
    const quoting = await call("POST", "/contacts/5511933330002/messages", {
      to: "5511944440009",
      text: "e aí?",
      quote: own,
    });
    expect(quoting.status).toBe(201);
    const unknown = await call("POST", "/contacts/5511933330002/messages", {
      to: "5511944440009",
      text: "x",
      quote: "NOPE",
    });
    expect(unknown).toMatchObject({ status: 404, json: { error: expect.stringContaining("NOPE") } });
    expect(sim.groundTruth.sentByContacts({ contact: "5511933330002" })).toHaveLength(2);
    // Media needs no text (the caption); a text message does.
    const voice = await call("POST", "/contacts/5511933330002/messages", { to: "5511944440009", media: "voice" });
    expect(voice.status).toBe(201);
    expect((await call("POST", "/contacts/5511933330002/messages", { to: "5511944440009" })).status).toBe(400);
  });

  it("rejects invalid input with 400 and unknown routes with 404", async () => {
    expect((await call("POST", "/accounts/123/scan", { qr: "x" })).status).toBe(400);
    expect((await call("POST", "/accounts/5511944440002/faults", { fault: { type: "meteor" } })).status).toBe(400);
    expect((await call("GET", "/nope")).status).toBe(404);
    const unknownQr = await call("POST", "/accounts/5511944440002/scan", {
      qr: "https://wa.me/x#2@r,AAAA,BBBB,CCCC,1",
    });
    expect(unknownQr).toMatchObject({ status: 409, json: { error: "qr-unknown" } });
  });
});
