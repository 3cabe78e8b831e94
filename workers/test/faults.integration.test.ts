import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionHost } from "../src/sessions/index.ts";
import { createWorld, type World } from "./harness.ts";

let w: World;
let n = 0;

beforeAll(async () => {
  w = await createWorld("faults");
});
afterAll(async () => {
  await w?.close();
});

/** A connected instance on its own worker id, so tests do not see each other's instances. */
async function connected(
  options: Parameters<World["host"]>[1] = {},
): Promise<{ host: SessionHost; id: string; phone: string }> {
  n++;
  const workerId = `wf${n}`;
  const phone = `55119877710${String(n).padStart(2, "0")}`;
  const host = w.host(workerId, options);
  const id = await w.instance(`fault-${n}`, workerId);
  await host.command({ type: "start", instanceId: id });
  w.sim.phone(phone).scan(await w.waitQr(id));
  await w.waitStatus(id, "connected");
  return { host, id, phone };
}

const statusEvents = (id: string) =>
  w.bus.events.flatMap((e) => (e.event === "instance:status" && e.data.instanceId === id ? [e.data] : []));

describe("disconnect reasons → state, event and action", () => {
  it("401 logged out from the phone: logged_out, credentials wiped, alert, no reconnect", async () => {
    const { host, id, phone } = await connected();
    w.sim.phone(phone).fault({ type: "logged-out" });
    await w.waitStatus(id, "logged_out");
    const [creds] = await w.t.admin<{ n: number }[]>`
      select (select count(*) from public.wa_auth_creds where instance_id = ${id})::int
           + (select count(*) from public.wa_auth_keys where instance_id = ${id})::int as n`;
    expect(creds?.n).toBe(0);
    expect(statusEvents(id).at(-1)).toMatchObject({ status: "logged_out", alert: true, reason: "logged_out" });
    expect(host.snapshot().some((s) => s.id === id)).toBe(false);
  });

  it("403 banned: banned, alert, removed from every sender pool, never restarted", async () => {
    const { host, id, phone } = await connected();
    const [campaign] = await w.t.admin<{ id: string }[]>`
      insert into public.campaigns (org_id, name) values (${w.org.orgId}, 'pool') returning id`;
    await w.t.admin`insert into public.campaign_senders (campaign_id, instance_id, org_id)
                    values (${campaign?.id ?? ""}, ${id}, ${w.org.orgId})`;
    w.sim.phone(phone).fault({ type: "banned" });
    await w.waitStatus(id, "banned");
    expect(statusEvents(id).at(-1)).toMatchObject({ status: "banned", alert: true });
    // It stays in the pool, inactive: the campaign engine moves its queued recipients to the other numbers.
    const [pool] = await w.t.admin<{ n: number }[]>`
      select count(*)::int as n from public.campaign_senders
      where instance_id = ${id} and active and inactive_reason is null`;
    expect(pool?.n).toBe(0);
    const [left] = await w.t.admin<{ reason: string }[]>`
      select inactive_reason as reason from public.campaign_senders where instance_id = ${id}`;
    expect(left?.reason).toBe("instance_banned");
    await host.reconcile();
    expect(host.snapshot().some((s) => s.id === id)).toBe(false);
  });

  it("515 restart required: reconnects at once and is connected again", async () => {
    const { id, phone } = await connected();
    const before = statusEvents(id).length;
    w.sim.phone(phone).fault({ type: "restart-required" });
    await expect.poll(() => statusEvents(id).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(before + 2);
    await w.waitStatus(id, "connected");
    expect(
      statusEvents(id)
        .slice(before)
        .map((e) => e.status),
    ).toEqual(["connecting", "connected"]);
  });

  it("428 connection dropped: backs off, reconnects, connected", async () => {
    const { id, phone } = await connected();
    const before = statusEvents(id).length;
    w.sim.phone(phone).fault({ type: "dropped" });
    await expect.poll(() => statusEvents(id).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(before + 2);
    await w.waitStatus(id, "connected");
    expect(statusEvents(id)[before]).toMatchObject({ status: "connecting", reason: "reconnecting_after_428" });
  });

  it("440 replaced: reconnects once, and a second replacement soon after stops without looping", async () => {
    const { host, id, phone } = await connected({
      reconnect: { baseDelayMs: 50, maxDelayMs: 100, maxAttempts: 4, replacedWindowMs: 60_000 },
    });
    w.sim.phone(phone).fault({ type: "replaced" });
    await expect
      .poll(async () => (await w.status(id)).status_reason, { timeout: 15_000 })
      .toBe("reconnecting_after_440");
    await w.waitStatus(id, "connected", 20_000);
    w.sim.phone(phone).fault({ type: "replaced" });
    await w.waitStatus(id, "stopped");
    expect((await w.status(id)).status_reason).toBe("connection_replaced");
    expect(statusEvents(id).at(-1)).toMatchObject({ alert: true });
    expect(host.snapshot().some((s) => s.id === id)).toBe(false);
  });
});

describe("restriction and delivery signals", () => {
  it("reach-out timelock (463): restricted with its end time, lifted when WhatsApp lifts it", async () => {
    const { id, phone } = await connected();
    const until = Date.now() + 3_600_000;
    w.sim.phone(phone).fault({ type: "reachout-timelock", until });
    await w.waitStatus(id, "restricted");
    const [row] = await w.t.admin<{ restricted_until: Date; status_reason: string }[]>`
      select restricted_until, status_reason from public.instances where id = ${id}`;
    expect(row?.status_reason).toBe("reach_out_timelock");
    expect(Math.abs((row?.restricted_until.getTime() ?? 0) - until)).toBeLessThan(1000);
    w.sim.phone(phone).fault({ type: "clear" });
    await w.waitStatus(id, "connected");
  });

  it("new-chat cap: a 463 on a message to a new contact restricts the instance", async () => {
    const { host, id, phone } = await connected();
    w.sim.phone(phone).fault({ type: "new-chat-cap", quota: 0 });
    const contact = "5511966660001";
    w.sim.contact(contact);
    await host.port.sendText({
      instanceId: id,
      to: `${contact}@s.whatsapp.net`,
      text: "hello",
      messageId: "3EB0CAP0000001",
    });
    await w.waitStatus(id, "restricted");
    expect((await w.status(id)).status_reason).toBe("new_chat_cap");
  });

  const latestSample = async (id: string) => {
    const [sample] = await w.t.admin<{ score: number; reasons: string[] }[]>`
      select score, reasons from public.instance_health where instance_id = ${id} order by id desc limit 1`;
    return sample;
  };

  it("no server acks: degraded with the reason named, and back to connected once the server acks again", async () => {
    const { host, id, phone } = await connected({ ackTimeoutMs: 300 });
    w.sim.phone(phone).fault({ type: "missing-acks" });
    // The server swallows acks and the recipient's phone is offline: nothing confirms the send at all.
    const contact = "5511966660002";
    w.sim.contact(contact, { deliveryDelayMs: null });
    await host.port.sendText({
      instanceId: id,
      to: `${contact}@s.whatsapp.net`,
      text: "probe",
      messageId: "3EB0ACK0000001",
    });
    await new Promise((r) => setTimeout(r, 500));
    await host.sampleHealthNow();
    await w.waitStatus(id, "degraded");
    expect((await w.status(id)).status_reason).toBe("no_server_acks");
    const sample = await latestSample(id);
    expect(sample?.reasons).toContain("no_server_acks");
    expect(sample?.score).toBeLessThanOrEqual(50);
    const health = w.bus.events.filter((e) => e.event === "instance:health" && e.data.instanceId === id);
    expect(health.at(-1)).toMatchObject({ data: { score: sample?.score } });
    // The cause goes away: the next send is acked, and the instance recovers without a reconnect.
    w.sim.phone(phone).fault({ type: "clear" });
    const other = "5511966660012";
    w.sim.contact(other);
    const acked = new Promise<void>((resolve) => {
      const off = host.port.onReceipt((r) => {
        if (r.messageId === "3EB0ACK0000002" && r.kind === "server_ack") {
          off();
          resolve();
        }
      });
    });
    await host.port.sendText({
      instanceId: id,
      to: `${other}@s.whatsapp.net`,
      text: "again",
      messageId: "3EB0ACK0000002",
    });
    await acked;
    await host.sampleHealthNow();
    await w.waitStatus(id, "connected");
    expect((await latestSample(id))?.reasons).not.toContain("no_server_acks");
  });

  it("acked but never delivered to several contacts: degraded (no_delivery_receipts), recovers on a delivery", async () => {
    const { host, id } = await connected({ deliveryTimeoutMs: 300, undeliveredRecipientsThreshold: 3 });
    const acks: string[] = [];
    host.port.onReceipt((r) => {
      if (r.kind === "server_ack") acks.push(r.messageId);
    });
    for (let i = 1; i <= 3; i++) {
      const contact = `55119666700${i}`;
      w.sim.contact(contact, { deliveryDelayMs: null });
      await host.port.sendText({
        instanceId: id,
        to: `${contact}@s.whatsapp.net`,
        text: `hello ${i}`,
        messageId: `3EB0DLV000000${i}`,
      });
    }
    await expect.poll(() => acks.length, { timeout: 5_000 }).toBe(3);
    await new Promise((r) => setTimeout(r, 400));
    await host.sampleHealthNow();
    // Every message reached the server: before, that alone read as healthy (score 100, connected).
    await w.waitStatus(id, "degraded");
    expect((await w.status(id)).status_reason).toBe("no_delivery_receipts");
    expect(await latestSample(id)).toMatchObject({ score: 50, reasons: ["no_delivery_receipts"] });
    const reachable = "5511966670009";
    w.sim.contact(reachable);
    const delivered = new Promise<void>((resolve) => {
      host.port.onReceipt((r) => {
        if (r.messageId === "3EB0DLV0000009" && r.kind === "delivered") resolve();
      });
    });
    await host.port.sendText({
      instanceId: id,
      to: `${reachable}@s.whatsapp.net`,
      text: "hi",
      messageId: "3EB0DLV0000009",
    });
    await delivered;
    await host.sampleHealthNow();
    await w.waitStatus(id, "connected");
    expect(await latestSample(id)).toMatchObject({ score: 100, reasons: [] });
  });

  it("health exists only while logged in: none while waiting for a QR, none after logout", async () => {
    const host = w.host("wf-health-states");
    const id = await w.instance("health-states", "wf-health-states");
    await host.command({ type: "start", instanceId: id });
    await w.waitQr(id);
    await host.sampleHealthNow();
    const row = async () =>
      (
        await w.t.admin<{ health_score: number | null; n: number }[]>`
        select health_score, (select count(*)::int from public.instance_health h where h.instance_id = i.id) as n
        from public.instances i where id = ${id}`
      )[0];
    expect(await row()).toEqual({ health_score: null, n: 0 });
    w.sim.phone("5511987771099").scan(await w.waitQr(id));
    await w.waitStatus(id, "connected");
    await expect.poll(async () => (await row())?.health_score, { timeout: 5_000 }).toBe(100);
    await host.command({ type: "logout", instanceId: id });
    expect(await row()).toMatchObject({ health_score: null });
  });

  it("a healthy instance scores 100 after a delivered message", async () => {
    const { host, id } = await connected();
    const contact = "5511966660003";
    w.sim.contact(contact);
    await host.port.sendText({
      instanceId: id,
      to: `${contact}@s.whatsapp.net`,
      text: "hi",
      messageId: "3EB0OK00000001",
    });
    await expect.poll(() => w.sim.contact(contact).messages().length, { timeout: 5_000 }).toBeGreaterThanOrEqual(1);
    await new Promise((r) => setTimeout(r, 200));
    await host.sampleHealthNow();
    const [row] = await w.t.admin<{ health_score: number; last_outbound_at: Date | null }[]>`
      select health_score, last_outbound_at from public.instances where id = ${id}`;
    expect(row?.health_score).toBe(100);
    expect(row?.last_outbound_at).not.toBeNull();
  });
});
