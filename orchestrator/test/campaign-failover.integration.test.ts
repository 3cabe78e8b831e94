/**
 * Campaign failover at the engine and database level (no phone, no worker): every way a recipient could be left
 * behind by a sender that stopped — banned, logged out, restricted, degraded, stopped, unavailable for too long, a
 * worker that died with a message claimed or written, a ban arriving while the status still says connected — ends
 * with the recipient handed to another number or finished with a reason, and the campaign completes.
 */

import { removeFromSenderPools } from "@mirage/db/instances";
import { applyReceipt, markSending } from "@mirage/db/outbound-messages";
import { claimForSend } from "@mirage/db/send-claims";
import { createLogger } from "@mirage/logger";
import { createOrgWithMembers, type OrgFixture } from "@mirage/testing/fixtures";
import { createTestDatabase, type TestDatabase } from "@mirage/testing/postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CampaignEngine, createCampaignEngine } from "../src/campaigns/index.ts";

let t: TestDatabase;
let a: OrgFixture;
let engine: CampaignEngine;
const logger = createLogger({ service: "failover-test", level: "silent" });

beforeAll(async () => {
  t = await createTestDatabase();
  a = await createOrgWithMembers(t.admin, "failover");
  engine = createCampaignEngine({
    db: t.db,
    logger,
    failover: { unavailableAfterMs: 60_000, settleMs: 5_000, ackTimeoutMs: 120_000 },
  });
});
afterAll(async () => {
  await t?.drop();
});

let serial = 0;
async function instance(status = "connected"): Promise<string> {
  serial++;
  const [row] = await t.admin<{ id: string }[]>`
    insert into public.instances (org_id, name, status)
    values (${a.orgId}, ${`n${serial}`}, ${status}::public.instance_status) returning id`;
  if (!row) throw new Error("no instance");
  // Its history: it connected once, a while ago (the engine reads transitions from here).
  await t.admin`insert into public.instance_events (org_id, instance_id, to_status, created_at)
    values (${a.orgId}, ${row.id}, 'connected', now() - interval '1 hour')`;
  return row.id;
}

/** A running campaign over `senders` with `perSender` queued recipients each. */
async function campaign(senders: string[], perSender: number): Promise<string> {
  const [c] = await t.admin<{ id: string }[]>`
    insert into public.campaigns (org_id, name, status, template_snapshot)
    values (${a.orgId}, ${`c${++serial}`}, 'running', '{"body":"Oi","variations":[]}') returning id`;
  if (!c) throw new Error("no campaign");
  await t.admin`insert into public.campaign_senders (campaign_id, instance_id, org_id)
    select ${c.id}, x, ${a.orgId} from unnest(${senders}::uuid[]) x`;
  await t.admin`
    insert into public.outbound_messages (org_id, campaign_id, recipient_phone, instance_id, body, scheduled_at)
    select ${a.orgId}, ${c.id}, '+55119' || lpad((${serial * 1000} + row_number() over ())::text, 8, '0'), s, 'Oi', now()
    from unnest(${senders}::uuid[]) s, generate_series(1, ${perSender})`;
  return c.id;
}

/** Moves a message as the send module would (claim, then `sending` before the write), `ago` ms in the past. */
async function inFlight(campaignId: string, instanceId: string, to: "claimed" | "sending", agoMs: number) {
  const [row] = await t.admin<{ id: number }[]>`
    select id from public.outbound_messages where campaign_id = ${campaignId} and instance_id = ${instanceId}
      and state = 'queued' order by id limit 1`;
  if (!row) throw new Error("nothing queued");
  await t.db.asService((tx) => claimForSend(tx, { instanceId, messageId: row.id }));
  if (to === "sending") {
    const ok = await t.db.asService((tx) =>
      markSending(tx, { id: row.id, waMessageId: `W${row.id}`, recipientJid: "x@s.whatsapp.net", instanceId }),
    );
    expect(ok).toBe("sending");
  }
  await t.admin`update public.outbound_messages set claimed_at = now() - make_interval(secs => ${agoMs / 1000}),
    sending_at = case when state = 'sending' then now() - make_interval(secs => ${agoMs / 1000}) end
    where id = ${row.id}`;
  return row.id;
}

const setStatus = async (id: string, status: string) => {
  await t.admin`update public.instances set status = ${status}::public.instance_status where id = ${id}`;
  await t.admin`insert into public.instance_events (org_id, instance_id, to_status)
    values (${a.orgId}, ${id}, ${status}::public.instance_status)`;
};

const byState = async (campaignId: string) =>
  t.admin<{ instanceId: string; state: string; reason: string | null; n: number }[]>`
    select instance_id as "instanceId", state::text, coalesce(skip_reason, error_code) as reason, count(*)::int as n
    from public.outbound_messages where campaign_id = ${campaignId} group by 1, 2, 3`;
const sender = async (campaignId: string, instanceId: string) => {
  const [row] = await t.admin<{ active: boolean; reason: string | null }[]>`
    select active, inactive_reason as reason from public.campaign_senders
    where campaign_id = ${campaignId} and instance_id = ${instanceId}`;
  return row;
};
const status = async (id: string) =>
  (
    await t.admin<{ status: string; reason: string | null }[]>`
    select status::text, status_reason as reason from public.campaigns where id = ${id}`
  )[0];
/** What the live senders would do: everything queued or claimed on them is sent and acknowledged. */
const sendEverythingOn = async (campaignId: string, instanceIds: string[]) => {
  await t.admin`update public.outbound_messages set state = 'claimed'
    where campaign_id = ${campaignId} and instance_id = any(${instanceIds}::uuid[]) and state = 'queued'`;
  await t.admin`update public.outbound_messages set state = 'sending', wa_message_id = 'S' || id
    where campaign_id = ${campaignId} and instance_id = any(${instanceIds}::uuid[]) and state = 'claimed'`;
  await t.admin`update public.outbound_messages set state = 'sent'
    where campaign_id = ${campaignId} and instance_id = any(${instanceIds}::uuid[]) and state = 'sending'`;
};

describe("a banned number", () => {
  it("hands over its queued and claimed recipients, its unacknowledged write becomes unknown, and the campaign completes", async () => {
    const [s1, s2, s3] = [await instance(), await instance(), await instance()] as [string, string, string];
    const id = await campaign([s1, s2, s3], 10);
    const claimed = await inFlight(id, s3, "claimed", 30_000);
    const written = await inFlight(id, s3, "sending", 1_000);
    await setStatus(s3, "banned");

    await engine.monitor(id, new Date());
    expect(await sender(id, s3)).toEqual({ active: false, reason: "instance_banned" });
    const rows = await byState(id);
    // Nothing queued or claimed is left on the banned number; the one it wrote is unknown (never resent).
    expect(rows.filter((r) => r.instanceId === s3 && r.state !== "unknown")).toEqual([]);
    expect(rows.find((r) => r.instanceId === s3 && r.state === "unknown")).toMatchObject({
      n: 1,
      reason: "instance_banned",
    });
    const [moved] = await t.admin<{ instanceId: string; state: string }[]>`
      select instance_id as "instanceId", state::text from public.outbound_messages where id = ${claimed}`;
    expect(moved?.state).toBe("queued");
    expect([s1, s2]).toContain(moved?.instanceId);
    const queued = rows.filter((r) => r.state === "queued").reduce((n, r) => n + r.n, 0);
    expect(queued).toBe(29);

    // The others send their share (and the moved recipients): the campaign completes, nothing is open.
    await sendEverythingOn(id, [s1, s2]);
    await engine.monitor(id, new Date());
    expect(await status(id)).toEqual({ status: "completed", reason: "done" });
    const [w] = await t.admin<
      { state: string }[]
    >`select state::text from public.outbound_messages where id = ${written}`;
    expect(w?.state).toBe("unknown");
  });

  it("a ban recorded on the pools before the status changes is not undone by a tick in between", async () => {
    const [s1, s2] = [await instance(), await instance()] as [string, string];
    const id = await campaign([s1, s2], 5);
    // The worker's order on a 403: leave the pools, then write `banned`. A tick runs in between.
    await t.db.asService((tx) => removeFromSenderPools(tx, s2));
    await engine.monitor(id, new Date());
    expect(await sender(id, s2)).toEqual({ active: false, reason: "instance_banned" });
    expect((await byState(id)).filter((r) => r.instanceId === s2)).toEqual([]);
    await setStatus(s2, "banned");
    await engine.monitor(id, new Date());
    expect(await sender(id, s2)).toMatchObject({ active: false });

    // Paired again later (a new connection after the ban): it takes new work again.
    await setStatus(s2, "connected");
    await engine.monitor(id, new Date());
    expect(await sender(id, s2)).toEqual({ active: true, reason: null });
  });
});

describe("every other way a sender stops", () => {
  it.each([
    ["logged_out", "instance_logged_out"],
    ["restricted", "instance_restricted"],
    ["degraded", "instance_degraded"],
    ["pairing_expired", "instance_pairing_expired"],
    ["stopped", "instance_stopped"],
    ["failed", "instance_failed"],
  ])("%s: its recipients move to the others", async (to, reason) => {
    const [s1, s2] = [await instance(), await instance()] as [string, string];
    const id = await campaign([s1, s2], 4);
    await setStatus(s2, to);
    await engine.monitor(id, new Date());
    expect(await sender(id, s2)).toEqual({ active: false, reason });
    expect((await byState(id)).filter((r) => r.instanceId === s2)).toEqual([]);
    expect((await byState(id)).find((r) => r.instanceId === s1)).toMatchObject({ state: "queued", n: 8 });
  });

  it("asked to stop (desired state) while still connected: its recipients move", async () => {
    const [s1, s2] = [await instance(), await instance()] as [string, string];
    const id = await campaign([s1, s2], 3);
    await t.admin`update public.instances set desired_state = 'stopped' where id = ${s2}`;
    await engine.monitor(id, new Date());
    expect(await sender(id, s2)).toEqual({ active: false, reason: "instance_stopped" });
    expect((await byState(id)).filter((r) => r.instanceId === s2)).toEqual([]);
  });

  it("connecting (its worker lost) hands over only after the grace; back connected, it takes new work again", async () => {
    const [s1, s2] = [await instance(), await instance()] as [string, string];
    const id = await campaign([s1, s2], 3);
    // A worker died mid-send: one message claimed and one written, long enough ago to have settled.
    const claimed = await inFlight(id, s2, "claimed", 30_000);
    const written = await inFlight(id, s2, "sending", 30_000);
    await setStatus(s2, "connecting");
    await engine.monitor(id, new Date());
    // Within the grace it is expected back: nothing moves.
    expect(await sender(id, s2)).toEqual({ active: true, reason: null });
    expect((await byState(id)).filter((r) => r.instanceId === s2 && r.state === "queued")).toMatchObject([{ n: 1 }]);

    await t.admin`update public.instance_events set created_at = now() - interval '2 minutes'
      where instance_id = ${s2} and to_status = 'connecting'`;
    await engine.monitor(id, new Date());
    expect(await sender(id, s2)).toEqual({ active: false, reason: "instance_unavailable" });
    const after = await t.admin<{ id: number; instanceId: string; state: string; reason: string | null }[]>`
      select id, instance_id as "instanceId", state::text, error_code as reason from public.outbound_messages
      where id in (${claimed}, ${written})`;
    expect(after.find((r) => r.id === claimed)).toMatchObject({ instanceId: s1, state: "queued" });
    // Written 30 s ago by a sender that stepped aside: its fate is unknown, and it is never sent again.
    expect(after.find((r) => r.id === written)).toMatchObject({
      instanceId: s2,
      state: "unknown",
      reason: "instance_unavailable",
    });

    await setStatus(s2, "connected");
    await engine.monitor(id, new Date());
    expect(await sender(id, s2)).toEqual({ active: true, reason: null });
  });

  it("a late writer cannot send a message failover handed to another number, even once that number claimed it", async () => {
    const [s1, s2] = [await instance(), await instance()] as [string, string];
    const id = await campaign([s1, s2], 1);
    const msg = await inFlight(id, s2, "claimed", 30_000);
    await setStatus(s2, "degraded");
    await engine.monitor(id, new Date());
    const work = await t.db.asService((tx) => claimForSend(tx, { instanceId: s1, messageId: msg }));
    expect(work?.instanceId).toBe(s1);
    // The degraded number's send module wakes up and tries to write what it had claimed: refused.
    const late = await t.db.asService((tx) =>
      markSending(tx, { id: msg, waMessageId: "LATE", recipientJid: "x@s.whatsapp.net", instanceId: s2 }),
    );
    expect(late).toBe("gone");
    const mine = await t.db.asService((tx) =>
      markSending(tx, { id: msg, waMessageId: "MINE", recipientJid: "x@s.whatsapp.net", instanceId: s1 }),
    );
    expect(mine).toBe("sending");
  });

  it("on a live number: a write never acknowledged becomes unknown (a late receipt reconciles it), a lost claim is queued again", async () => {
    const [s1] = [await instance()] as [string];
    const id = await campaign([s1], 3);
    const fresh = await inFlight(id, s1, "sending", 1_000);
    const stale = await inFlight(id, s1, "sending", 180_000);
    // Claimed long ago and never written (its write job was lost): back in the queue for the same live number.
    const lost = await inFlight(id, s1, "claimed", 180_000);
    await engine.monitor(id, new Date());
    const [back] = await t.admin<{ state: string; instanceId: string }[]>`
      select state::text, instance_id as "instanceId" from public.outbound_messages where id = ${lost}`;
    expect(back).toEqual({ state: "queued", instanceId: s1 });
    const rows = await t.admin<{ id: number; state: string; reason: string | null }[]>`
      select id, state::text, error_code as reason from public.outbound_messages where id in (${fresh}, ${stale})`;
    expect(rows.find((r) => r.id === fresh)?.state).toBe("sending");
    expect(rows.find((r) => r.id === stale)).toMatchObject({ state: "unknown", reason: "no_server_ack" });
    const receipt = await t.db.asService((tx) =>
      applyReceipt(tx, { instanceId: s1, waMessageId: `W${stale}`, status: "delivered" }),
    );
    expect(receipt?.state).toBe("delivered");
  });

  it("no number left: paused (no_healthy_sender) with nothing lost; one comes back, the campaign resumes and it gets the work", async () => {
    const [s1, s2] = [await instance(), await instance()] as [string, string];
    const id = await campaign([s1, s2], 3);
    await setStatus(s1, "logged_out");
    await setStatus(s2, "banned");
    await engine.monitor(id, new Date());
    expect(await status(id)).toEqual({ status: "paused", reason: "no_healthy_sender" });
    expect((await byState(id)).reduce((n, r) => n + (r.state === "queued" ? r.n : 0), 0)).toBe(6);

    await setStatus(s1, "connected");
    await engine.monitor(id, new Date());
    expect(await status(id)).toEqual({ status: "running", reason: null });
    await engine.monitor(id, new Date());
    expect(await byState(id)).toEqual([{ instanceId: s1, state: "queued", reason: null, n: 6 }]);
  });
});
