import { DisconnectReason, proto } from "@whiskeysockets/baileys";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Fault, Simulator } from "../src/index.ts";
import {
  type ConnectionResult,
  closeSocket,
  makeSimSocket,
  type PairedSession,
  pairWithQr,
  reconnect,
  trackMessageStatus,
  type WASocket,
  waitForConnection,
  waitForServerAck,
} from "../src/testing/index.ts";

let sim: Simulator;
const sockets: WASocket[] = [];
let nextPhone = 5511966660001;

beforeAll(async () => {
  sim = await Simulator.start({ seed: "faults-test" });
});
afterEach(async () => {
  await Promise.all(sockets.splice(0).map(closeSocket));
});
afterAll(async () => {
  await sim.close();
});

async function paired(): Promise<PairedSession & { phone: string }> {
  const phone = String(nextPhone++);
  const session = await pairWithQr(sim, phone);
  sockets.push(session.sock);
  return { ...session, phone };
}

async function reconnectResult(session: PairedSession): Promise<ConnectionResult> {
  const { sock } = makeSimSocket(sim, { auth: session.auth });
  sockets.push(sock);
  return waitForConnection(sock);
}

describe("disconnect faults surface as Baileys DisconnectReasons", () => {
  const cases: Array<[Fault["type"], number, number | "open"]> = [
    ["logged-out", DisconnectReason.loggedOut, DisconnectReason.loggedOut],
    ["banned", DisconnectReason.forbidden, DisconnectReason.forbidden],
    ["restart-required", DisconnectReason.restartRequired, "open"],
    ["replaced", DisconnectReason.connectionReplaced, "open"],
    ["dropped", DisconnectReason.connectionClosed, "open"],
  ];
  for (const [type, code, afterReconnect] of cases) {
    it(`${type} → ${code}, then a reconnect gives ${afterReconnect}`, async () => {
      const session = await paired();
      const closed = waitForConnection(session.sock);
      sim.phone(session.phone).fault({ type } as Fault);
      expect(await closed).toMatchObject({ connection: "close", statusCode: code });
      const again = await reconnectResult(session);
      if (afterReconnect === "open") expect(again).toEqual({ connection: "open" });
      else expect(again).toMatchObject({ connection: "close", statusCode: afterReconnect });
    });
  }

  it("a ban lifted with clear lets the device log in again", async () => {
    const session = await paired();
    const closed = waitForConnection(session.sock);
    sim.phone(session.phone).fault({ type: "banned" });
    expect(await closed).toMatchObject({ statusCode: DisconnectReason.forbidden });
    sim.phone(session.phone).fault({ type: "clear" });
    expect(await reconnectResult(session)).toEqual({ connection: "open" });
  });

  it("a second socket with the same creds replaces the first (440)", async () => {
    const session = await paired();
    const closed = waitForConnection(session.sock);
    const second = await reconnect(sim, session.auth);
    sockets.push(second.sock);
    expect(await closed).toMatchObject({ statusCode: DisconnectReason.connectionReplaced });
  });

  it("logout() from the client removes the device: the next login gets 401", async () => {
    const session = await paired();
    const closed = waitForConnection(session.sock);
    await session.sock.logout();
    expect(await closed).toMatchObject({ statusCode: DisconnectReason.loggedOut });
    expect(sim.phone(session.phone).devices()[0]?.removed).toBe(true);
    expect(await reconnectResult(session)).toMatchObject({ statusCode: DisconnectReason.loggedOut });
  });

  it("a scheduled fault fires later, not now", async () => {
    const session = await paired();
    const started = Date.now();
    const closed = waitForConnection(session.sock);
    sim.phone(session.phone).fault({ type: "restart-required" }, { afterMs: 300 });
    expect(await closed).toMatchObject({ statusCode: DisconnectReason.restartRequired });
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
  });
});

describe("sending restrictions", () => {
  it("reach-out timelock: ack error 463 for new contacts with the end time, existing chats still work", async () => {
    const session = await paired();
    const known = sim.contact("5511955550001");
    await session.sock.sendMessage(known.jid, { text: "before the lock" });
    await sim.groundTruth.waitFor((m) => m.contact === known.phone && m.account === session.phone);

    const until = Date.now() + 3_600_000;
    const lock = new Promise<{ isActive?: boolean; timeEnforcementEnds?: Date }>((resolve) => {
      session.sock.ev.on("connection.update", (u) => {
        if (u.reachoutTimeLock?.isActive) resolve(u.reachoutTimeLock);
      });
    });
    sim.phone(session.phone).fault({ type: "reachout-timelock", until });

    const tracker = trackMessageStatus(session.sock);
    const fresh = sim.contact("5511955550002");
    const sent = await session.sock.sendMessage(fresh.jid, { text: "new chat" });
    const id = sent?.key.id ?? "";
    await tracker.waitFor(id, proto.WebMessageInfo.Status.ERROR);
    expect(tracker.errorOf(id)?.[0]).toBe("463");
    const state = await lock;
    expect(Math.abs((state.timeEnforcementEnds?.getTime() ?? 0) - until)).toBeLessThan(1_000);
    expect(fresh.messages()).toHaveLength(0);

    const ok = await session.sock.sendMessage(known.jid, { text: "existing chat" });
    expect((await waitForServerAck(session.sock, ok?.key.id ?? "")).error).toBeUndefined();
  });

  it("the timelock ends at its end time: new contacts can be written to again", async () => {
    const session = await paired();
    // Long enough for a first send to a new contact (device lookup, pre-key fetch) on a busy machine to land inside.
    const until = Date.now() + 3_000;
    sim.phone(session.phone).fault({ type: "reachout-timelock", until });
    const during = await session.sock.sendMessage(sim.contact("5511955550003").jid, { text: "during" });
    expect((await waitForServerAck(session.sock, during?.key.id ?? "")).error).toBe("463");
    await new Promise((r) => setTimeout(r, Math.max(0, until - Date.now()) + 100));
    const after = await session.sock.sendMessage(sim.contact("5511955550004").jid, { text: "after" });
    expect((await waitForServerAck(session.sock, after?.key.id ?? "")).error).toBeUndefined();
  });

  it("new-chat cap: the chat past the quota is refused with 463 and Baileys hears about the cap", async () => {
    const session = await paired();
    sim.phone(session.phone).fault({ type: "new-chat-cap", quota: 1 });
    const capped = new Promise<{ capping_status?: string }>((resolve) => {
      session.sock.ev.on("message-capping.update", resolve);
    });
    const first = await session.sock.sendMessage(sim.contact("5511955550011").jid, { text: "first new chat" });
    expect((await waitForServerAck(session.sock, first?.key.id ?? "")).error).toBeUndefined();
    expect((await capped).capping_status).toBe("CAPPED");
    const second = await session.sock.sendMessage(sim.contact("5511955550012").jid, { text: "second new chat" });
    expect((await waitForServerAck(session.sock, second?.key.id ?? "")).error).toBe("463");
  });

  it("slow acks arrive late; missing acks never arrive but the contact still receives", async () => {
    const session = await paired();
    const contact = sim.contact("5511955550021");
    sim.phone(session.phone).fault({ type: "slow-acks", ms: 400 });
    const slow = await session.sock.sendMessage(contact.jid, { text: "slow" });
    const started = Date.now();
    await waitForServerAck(session.sock, slow?.key.id ?? "");
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);

    sim.phone(session.phone).fault({ type: "missing-acks" });
    const lost = await session.sock.sendMessage(contact.jid, { text: "no ack" });
    await expect(waitForServerAck(session.sock, lost?.key.id ?? "", 600)).rejects.toThrow(/no server ack/);
    expect(contact.messages().map((m) => m.text)).toContain("no ack");
  });

  it("latency delays everything the server sends", async () => {
    const session = await paired();
    const contact = sim.contact("5511955550031");
    sim.phone(session.phone).fault({ type: "latency", ms: 300, jitterMs: 50 });
    const sent = await session.sock.sendMessage(contact.jid, { text: "slow network" });
    const started = Date.now();
    await waitForServerAck(session.sock, sent?.key.id ?? "");
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    sim.phone(session.phone).fault({ type: "clear" });
  });
});
