import { assignInstance, markInstancesOfLostWorkers } from "@mirage/db/instances";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorld, type World } from "./harness.ts";

let w: World;

beforeAll(async () => {
  w = await createWorld("session-host");
});
afterAll(async () => {
  await w?.close();
});

async function pairByQr(instanceName: string, phone: string, workerId = "w1") {
  const host = w.host(workerId);
  const id = await w.instance(instanceName, workerId);
  const started = await host.command({ type: "start", instanceId: id });
  expect(started).toMatchObject({ ok: true, outcome: "started", status: "pending_pairing" });
  const qr = await w.waitQr(id);
  w.sim.phone(phone).scan(qr);
  await w.waitStatus(id, "connected");
  return { host, id };
}

describe("pairing", () => {
  it("pairs by QR: pending_pairing → connected, the account stored, credentials encrypted at rest", async () => {
    await w.t.admin`insert into public.webhook_endpoints (org_id, url, events)
                    values (${w.org.orgId}, 'https://hooks.example.com/mirage', '{instance:qr,instance:status}')`;
    const { host, id } = await pairByQr("qr-1", "5511988770001");
    const [row] = await w.t.admin`select wa_jid, phone_e164 from public.instances where id = ${id}`;
    expect(row).toEqual({ wa_jid: "5511988770001@s.whatsapp.net", phone_e164: "+5511988770001" });
    // Paired on the first socket, then WhatsApp's 515 restart: the second socket logs in with the new creds.
    const history = await w.t.admin<{ from_status: string; to_status: string }[]>`
      select from_status::text, to_status::text from public.instance_events where instance_id = ${id} order by id`;
    expect(history).toEqual([
      { from_status: "pending_pairing", to_status: "connecting" },
      { from_status: "connecting", to_status: "connected" },
    ]);
    const creds = await w.t.admin<{ ciphertext: Buffer; key_id: string }[]>`
      select ciphertext, key_id from public.wa_auth_creds where instance_id = ${id}`;
    expect(creds[0]?.key_id).toBe("k1");
    expect(creds[0]?.ciphertext.includes(Buffer.from("noiseKey"))).toBe(false);
    const [keys] = await w.t.admin<{ n: number }[]>`
      select count(*)::int as n from public.wa_auth_keys where instance_id = ${id}`;
    expect(keys?.n).toBeGreaterThan(10);
    expect(w.bus.events.some((e) => e.event === "instance:qr" && e.data.instanceId === id)).toBe(true);
    // Webhooks: the QR (enqueued by the host) and each status change (by the instances trigger), in the outbox.
    const outbox = await w.t.admin<{ event_type: string; payload: { instanceId: string; status?: string } }[]>`
      select event_type, payload from public.webhook_deliveries order by id`;
    expect(
      outbox.filter((d) => d.payload.instanceId === id).map((d) => [d.event_type, d.payload.status ?? null]),
    ).toEqual([
      ["instance:status", "pending_pairing"],
      ["instance:qr", null],
      ["instance:status", "connecting"],
      ["instance:status", "connected"],
    ]);
    expect(w.bus.qrs.has(id)).toBe(false);
    expect(await host.command({ type: "start", instanceId: id })).toMatchObject({
      ok: true,
      outcome: "already_connected",
    });
  });

  it("pairs by pairing code", async () => {
    const host = w.host();
    const id = await w.instance("code-1");
    const result = await host.command({ type: "pairing-code", instanceId: id, phoneDigits: "5511988770002" });
    expect(result.outcome).toBe("pairing_code");
    expect(result.pairingCode).toMatch(/^[A-Z0-9]{8}$/);
    await w.sim.phone("5511988770002").enterPairingCode(result.pairingCode ?? "");
    await w.waitStatus(id, "connected");
    const again = await host.command({ type: "pairing-code", instanceId: id, phoneDigits: "5511988770002" });
    expect(again).toMatchObject({ ok: false, outcome: "already_paired" });
  });

  it("gives up after the QR attempt limit with pairing_expired and no credentials left", async () => {
    const host = w.host("w1", { maxQrAttempts: 2, socket: { qrTimeoutMs: 300 } });
    const id = await w.instance("qr-expire");
    await host.command({ type: "start", instanceId: id });
    await w.waitStatus(id, "pairing_expired");
    expect((await w.status(id)).status_reason).toBe("qr_attempts_exhausted");
    const [creds] = await w.t.admin<{ n: number }[]>`
      select count(*)::int as n from public.wa_auth_creds where instance_id = ${id}`;
    expect(creds?.n).toBe(0);
    expect(host.snapshot().some((s) => s.id === id)).toBe(false);
  });
});

describe("restore", () => {
  it("a new host process restores a paired instance without a QR", async () => {
    const { host, id } = await pairByQr("restore-1", "5511988770010", "w-restore");
    await host.close();
    const qrEventsBefore = w.bus.events.filter((e) => e.event === "instance:qr" && e.data.instanceId === id).length;
    const next = w.host("w-restore");
    expect(await next.reconcile()).toMatchObject({ toStart: 1 });
    await next.restored();
    await w.waitStatus(id, "connected");
    const qrEventsAfter = w.bus.events.filter((e) => e.event === "instance:qr" && e.data.instanceId === id).length;
    expect(qrEventsAfter).toBe(qrEventsBefore);
    const history = await w.t.admin<{ to_status: string }[]>`
      select to_status::text from public.instance_events where instance_id = ${id} order by id`;
    expect(history.map((r) => r.to_status).slice(-2)).toEqual(["connecting", "connected"]);
  });

  it("marks an instance with undecryptable credentials failed instead of crashing, and keeps hosting others", async () => {
    const { host, id } = await pairByQr("corrupt-1", "5511988770011", "w-corrupt");
    const other = await pairByQr("healthy-1", "5511988770012", "w-corrupt");
    await host.close();
    await other.host.close();
    await w.t
      .admin`update public.wa_auth_creds set ciphertext = '\\x00112233445566778899aabbccddeeff0011223344' where instance_id = ${id}`;
    const next = w.host("w-corrupt");
    await next.reconcile();
    await next.restored();
    await w.waitStatus(id, "failed");
    expect((await w.status(id)).status_reason).toBe("auth_state_unreadable");
    await w.waitStatus(other.id, "connected");
  });
});

describe("fencing", () => {
  it("a host whose heartbeat lapsed (instances marked worker_lost) but still holds them says the truth again", async () => {
    const { host, id } = await pairByQr("lapse-1", "5511988770030", "w-lapse");
    // Placement skips rows a writer holds (the first health sample may be landing): it marks them on a later pass.
    await expect
      .poll(async () => {
        await w.t.db.asService((tx) => markInstancesOfLostWorkers(tx, []));
        return w.status(id);
      })
      .toMatchObject({ status: "connecting", status_reason: "worker_lost" });
    await host.reconcile();
    expect(await w.status(id)).toMatchObject({ status: "connected", status_reason: null });
  });

  it("a host whose instance moved to another worker drops the socket and writes nothing more", async () => {
    const { host, id } = await pairByQr("fence-1", "5511988770020");
    // The first health sample follows the login; let it land so the drop below is the reconcile's.
    await expect
      .poll(async () => (await w.t.admin`select health_score from public.instances where id = ${id}`)[0]?.health_score)
      .toBe(100);
    await w.t.db.asService((tx) => assignInstance(tx, id, "w2"));
    const before = await w.t.admin`select count(*)::int as n from public.instance_events where instance_id = ${id}`;
    expect(await host.reconcile()).toMatchObject({ dropped: 1 });
    expect(host.snapshot().some((s) => s.id === id)).toBe(false);
    const newHost = w.host("w2");
    await newHost.command({ type: "start", instanceId: id });
    await w.waitStatus(id, "connected");
    // The stale host is gone: the new one connected with the same credentials and no QR.
    const after = await w.t.admin<{ to_status: string }[]>`
      select to_status::text from public.instance_events where instance_id = ${id} order by id`;
    expect(after.length).toBeGreaterThan(before[0]?.n ?? 0);
    expect(
      w.sim
        .phone("5511988770020")
        .devices()
        .filter((d) => d.online),
    ).toHaveLength(1);
  });
});
