import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionHost } from "../src/sessions/index.ts";
import { createWorld, type World } from "./harness.ts";

// Commands answer what really happened, and logout/delete unlink the device from the phone even when the instance
// has no socket open at that moment.
let w: World;
let n = 0;

beforeAll(async () => {
  w = await createWorld("commands");
});
afterAll(async () => {
  await w?.close();
});

async function paired(
  phone: string,
  options: { createdFor?: string } = {},
): Promise<{ host: SessionHost; id: string }> {
  n++;
  const workerId = `wc${n}`;
  const host = w.host(workerId);
  const id = await w.instance(`cmd-${n}`, workerId, options.createdFor);
  await host.command({ type: "start", instanceId: id });
  w.sim.phone(phone).scan(await w.waitQr(id));
  await w.waitStatus(id, "connected");
  return { host, id };
}

const history = async (id: string) =>
  w.t.admin<{ to_status: string; reason: string | null; detail: Record<string, unknown> }[]>`
    select to_status::text, reason, detail from public.instance_events where instance_id = ${id} order by id`;
const outbox = async (id: string) =>
  (
    await w.t.admin<{ event_type: string; payload: { instanceId: string; status?: string } }[]>`
      select event_type, payload from public.webhook_deliveries order by id`
  ).filter((d) => d.payload.instanceId === id);

describe("logout and delete of an instance without a socket", () => {
  beforeAll(async () => {
    await w.t.admin`insert into public.webhook_endpoints (org_id, url, events)
                    values (${w.org.orgId}, 'https://hooks.example.com/cmd', '{instance:status}')`;
  });

  it("logout of a stopped instance logs out for real: status, history, webhook, and the phone unlinked", async () => {
    const phone = "5511977710001";
    const { host, id } = await paired(phone);
    expect(await host.command({ type: "stop", instanceId: id })).toMatchObject({
      outcome: "stopped",
      status: "stopped",
    });
    expect(
      w.sim
        .phone(phone)
        .devices()
        .filter((d) => !d.removed),
    ).toHaveLength(1);
    const result = await host.command({ type: "logout", instanceId: id });
    expect(result).toMatchObject({ ok: true, outcome: "logged_out", status: "logged_out", phoneUnlinked: true });
    expect(await w.status(id)).toMatchObject({ status: "logged_out", status_reason: "logged_out_by_user" });
    expect((await history(id)).at(-1)).toMatchObject({ to_status: "logged_out", detail: { phoneUnlinked: true } });
    expect((await outbox(id)).at(-1)).toMatchObject({
      event_type: "instance:status",
      payload: { status: "logged_out" },
    });
    // The phone no longer lists the companion device.
    expect(
      w.sim
        .phone(phone)
        .devices()
        .every((d) => d.removed),
    ).toBe(true);
    const [creds] = await w.t.admin<{ n: number }[]>`
      select count(*)::int as n from public.wa_auth_creds where instance_id = ${id}`;
    expect(creds?.n).toBe(0);
  });

  it("delete of a stopped instance unlinks the device too", async () => {
    const phone = "5511977710002";
    const { host, id } = await paired(phone);
    await host.command({ type: "stop", instanceId: id });
    const result = await host.command({ type: "delete", instanceId: id });
    expect(result).toMatchObject({ ok: true, outcome: "deleted", phoneUnlinked: true });
    expect(
      w.sim
        .phone(phone)
        .devices()
        .every((d) => d.removed),
    ).toBe(true);
  });

  it("logout of a device the phone already removed says it is unlinked; unreadable credentials say it may not be", async () => {
    const gone = "5511977710003";
    const a = await paired(gone);
    await a.host.command({ type: "stop", instanceId: a.id });
    w.sim.phone(gone).fault({ type: "logged-out" });
    expect(await a.host.command({ type: "logout", instanceId: a.id })).toMatchObject({
      status: "logged_out",
      phoneUnlinked: true,
    });
    const b = await paired("5511977710004");
    await b.host.command({ type: "stop", instanceId: b.id });
    await w.t.admin`update public.wa_auth_creds set ciphertext = '\\x0011223344556677' where instance_id = ${b.id}`;
    expect(await b.host.command({ type: "logout", instanceId: b.id })).toMatchObject({
      status: "logged_out",
      phoneUnlinked: false,
    });
  });
});

describe("answers carry the real resulting state", () => {
  it("start with unreadable credentials answers failed, not started", async () => {
    const { host, id } = await paired("5511977720001");
    await host.command({ type: "stop", instanceId: id });
    await w.t.admin`update public.instances set desired_state = 'running' where id = ${id}`;
    await w.t.admin`update public.wa_auth_creds set ciphertext = '\\x00112233445566778899' where instance_id = ${id}`;
    const started = await host.command({ type: "start", instanceId: id });
    expect(started).toMatchObject({ ok: false, outcome: "failed", status: "failed" });
    expect(await w.status(id)).toMatchObject({ status: "failed", status_reason: "auth_state_unreadable" });
  });

  it("a second stop answers the stored status, never none", async () => {
    const { host, id } = await paired("5511977720002");
    expect(await host.command({ type: "stop", instanceId: id })).toMatchObject({ status: "stopped" });
    expect(await host.command({ type: "stop", instanceId: id })).toEqual({
      ok: true,
      outcome: "not_running",
      status: "stopped",
    });
  });
});

describe("the number that linked", () => {
  it("another account linking is recorded next to the number asked for, flagged in the status and history", async () => {
    const { id } = await paired("5511977730002", { createdFor: "+5511977730001" });
    const [row] = await w.t.admin<{ phone_e164: string; linked_phone_e164: string; status_reason: string | null }[]>`
      select phone_e164, linked_phone_e164, status_reason from public.instances where id = ${id}`;
    expect(row).toEqual({
      phone_e164: "+5511977730001",
      linked_phone_e164: "+5511977730002",
      status_reason: "linked_phone_mismatch",
    });
    expect((await history(id)).at(-1)).toMatchObject({
      to_status: "connected",
      reason: "linked_phone_mismatch",
      detail: { requestedPhone: "+5511977730001", linkedPhone: "+5511977730002" },
    });
    const event = w.bus.events.findLast((e) => e.event === "instance:status" && e.data.instanceId === id);
    expect(event).toMatchObject({ data: { status: "connected", reason: "linked_phone_mismatch", alert: true } });
  });

  it("a Brazilian mobile registered without the ninth digit is the same line: its real form is recorded, no flag", async () => {
    // Created as typed today (with the 9); WhatsApp knows the account by its older 8-digit form.
    const { id } = await paired("551177730003", { createdFor: "+5511977730003" });
    const [row] = await w.t.admin<{ phone_e164: string; linked_phone_e164: string; status_reason: string | null }[]>`
      select phone_e164, linked_phone_e164, status_reason from public.instances where id = ${id}`;
    expect(row).toEqual({ phone_e164: "+551177730003", linked_phone_e164: "+551177730003", status_reason: null });
  });
});

describe("pairing codes", () => {
  it("a repeat request within the code's lifetime returns the same code with its expiry; the first one still works", async () => {
    const host = w.host("wc-code");
    const id = await w.instance("code-repeat", "wc-code");
    const first = await host.command({ type: "pairing-code", instanceId: id, phoneDigits: "5511977740001" });
    expect(first).toMatchObject({ ok: true, outcome: "pairing_code" });
    const expiresAt = Date.parse(first.pairingCodeExpiresAt ?? "");
    expect(expiresAt - Date.now()).toBeGreaterThan(60_000);
    const second = await host.command({ type: "pairing-code", instanceId: id, phoneDigits: "5511977740001" });
    expect(second).toMatchObject({
      ok: true,
      pairingCode: first.pairingCode,
      pairingCodeExpiresAt: first.pairingCodeExpiresAt,
    });
    await w.sim.phone("5511977740001").enterPairingCode(first.pairingCode ?? "");
    await w.waitStatus(id, "connected");
  });
});
