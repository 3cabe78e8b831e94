import { workerEventsChannel } from "@mirage/contracts/worker-bus";
import { enqueueWebhookEvent } from "@mirage/db/webhooks";
import { createOrgWithMembers, type OrgFixture } from "@mirage/testing/fixtures";
import { until } from "@mirage/testing/until";
import { type ReceivedHook, startWebhookReceiver, type WebhookReceiver } from "@mirage/testing/webhook-receiver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifySignature } from "../src/webhooks/signing.ts";
import { api, type Harness, startHarness } from "./harness.ts";

let h: Harness;
let a: OrgFixture;
let receiver: WebhookReceiver;
let base: string;
let received: ReceivedHook[] = [];

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  received = receiver.received;
  base = receiver.url;
  h = await startHarness({
    WEBHOOK_BACKOFF_BASE_MS: "100",
    WEBHOOK_BACKOFF_CAP_MS: "400",
    WEBHOOK_MAX_ATTEMPTS: "3",
    WEBHOOK_TIMEOUT_MS: "2000",
    WEBHOOK_DISPATCH_INTERVAL_MS: "100",
  });
  a = await createOrgWithMembers(h.t.admin, "hooks-a");
});
afterAll(async () => {
  await h?.close();
  await receiver?.close();
});

async function createEndpoint(path: string, events: string[] = []) {
  const token = await h.tokenFor(a.users.admin);
  const res = await api(h, "post", `/api/v1/orgs/${a.orgId}/webhooks`, {
    token,
    body: { url: `${base}${path}`, events },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  expect(res.body.secret).toMatch(/^whsec_/);
  return res.body as { id: string; secret: string };
}

const deliveriesOf = (endpointId: string) =>
  h.t.admin<
    {
      id: number;
      status: string;
      attempts: number;
      event_id: string;
      event_type: string;
      last_status_code: number | null;
      last_error: string | null;
    }[]
  >`
    select id, status, attempts, event_id, event_type, last_status_code, last_error
    from public.webhook_deliveries where endpoint_id = ${endpointId} order by id`;

describe("webhook delivery", () => {
  it("writes the outbox in the cause's transaction and delivers a signed envelope", async () => {
    const ep = await createEndpoint("/ok", ["instance:status"]);
    const [row] = await h.t.admin<{ id: string }[]>`
      insert into public.instances (org_id, name) values (${a.orgId}, 'sales-1') returning id`;
    const instanceId = row?.id;
    // The delivery row exists as soon as the insert committed: same transaction as its cause.
    const [d] = await deliveriesOf(ep.id);
    expect(d?.event_type).toBe("instance:status");

    const got = await until(() => received.find((r) => r.path === "/ok"));
    const envelope = JSON.parse(got.body);
    expect(envelope).toMatchObject({
      type: "instance:status",
      orgId: a.orgId,
      data: { instanceId, name: "sales-1", status: "pending_pairing" },
    });
    expect(got.headers["mirage-event"]).toBe("instance:status");
    expect(got.headers["mirage-event-id"]).toBe(envelope.id);
    const check = verifySignature(ep.secret, got.headers["mirage-signature"] as string, got.body, {
      toleranceSeconds: 300,
    });
    expect(check.ok).toBe(true);
    // A replay of the same request an hour later fails the receiver's window check.
    const later = Math.floor(Date.now() / 1000) + 3600;
    expect(
      verifySignature(ep.secret, got.headers["mirage-signature"] as string, got.body, {
        toleranceSeconds: 300,
        nowSeconds: later,
      }),
    ).toEqual({
      ok: false,
      reason: "expired",
    });
    const delivered = await until(async () => (await deliveriesOf(ep.id)).find((x) => x.status === "delivered"));
    expect(delivered).toMatchObject({ attempts: 1, last_status_code: 200 });
  });

  it("signs with the new secret only after a rotation", async () => {
    const ep = await createEndpoint("/rotated");
    const token = await h.tokenFor(a.users.owner);
    const rotated = await api(h, "post", `/api/v1/orgs/${a.orgId}/webhooks/${ep.id}/rotate-secret`, { token });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(ep.secret);
    await api(h, "post", `/api/v1/orgs/${a.orgId}/webhooks/${ep.id}/test`, { token });
    const got = await until(() => received.find((r) => r.path === "/rotated"));
    const signature = got.headers["mirage-signature"] as string;
    expect(verifySignature(rotated.body.secret, signature, got.body, { toleranceSeconds: 300 }).ok).toBe(true);
    expect(verifySignature(ep.secret, signature, got.body, { toleranceSeconds: 300 })).toEqual({
      ok: false,
      reason: "mismatch",
    });
  });

  it("filters by event type and skips disabled endpoints", async () => {
    const messagesOnly = await createEndpoint("/messages-only", ["message:status"]);
    const off = await createEndpoint("/off");
    await api(h, "patch", `/api/v1/orgs/${a.orgId}/webhooks/${off.id}`, {
      token: await h.tokenFor(a.users.owner),
      body: { enabled: false },
    });
    await h.t.admin`insert into public.instances (org_id, name) values (${a.orgId}, 'sales-2')`;
    expect(await deliveriesOf(messagesOnly.id)).toEqual([]);
    expect(await deliveriesOf(off.id)).toEqual([]);
  });

  it("a test event reaches the endpoint it is sent to, whatever events it subscribed to", async () => {
    const statusOnly = await createEndpoint("/status-only", ["message:status"]);
    const other = await createEndpoint("/other");
    const token = await h.tokenFor(a.users.admin);
    const sent = await api(h, "post", `/api/v1/orgs/${a.orgId}/webhooks/${statusOnly.id}/test`, { token });
    expect(sent.status, JSON.stringify(sent.body)).toBe(202);
    expect(sent.body.deliveryIds).toHaveLength(1);
    const delivered = await until(async () => {
      const [d] = await deliveriesOf(statusOnly.id);
      return d?.status === "delivered" ? d : undefined;
    });
    expect(delivered.event_type).toBe("webhook:test");
    expect(received.some((r) => r.path === "/status-only" && r.body.includes("webhook:test"))).toBe(true);
    // Addressed to one endpoint: the others get nothing.
    expect(await deliveriesOf(other.id)).toEqual([]);
  });

  it("shows Evolution-format endpoints as such, and leaves their editing and tests to the Evolution routes", async () => {
    const [inst] = await h.t.admin<{ id: string }[]>`
      insert into public.instances (org_id, name) values (${a.orgId}, 'evo-1') returning id`;
    const [evo] = await h.t.admin<{ id: string }[]>`
      insert into public.webhook_endpoints (org_id, url, events, enabled, format, instance_id)
      values (${a.orgId}, ${`${base}/evo`}, '{MESSAGES_UPSERT}', true, 'evolution', ${inst?.id ?? null}) returning id`;
    const token = await h.tokenFor(a.users.admin);
    const list = await api(h, "get", `/api/v1/orgs/${a.orgId}/webhooks`, { token });
    expect(list.status).toBe(200);
    const shown = list.body.items.find((e: { id: string }) => e.id === evo?.id);
    expect(shown).toMatchObject({ format: "evolution", instanceId: inst?.id, events: ["MESSAGES_UPSERT"] });
    expect(list.body.items.filter((e: { format: string }) => e.format === "mirage").length).toBeGreaterThan(0);
    const edit = await api(h, "patch", `/api/v1/orgs/${a.orgId}/webhooks/${evo?.id}`, {
      token,
      body: { events: ["message:status"] },
    });
    expect(edit.status).toBe(409);
    expect(edit.body.detail).toContain("/evolution/webhook/set/");
    const test = await api(h, "post", `/api/v1/orgs/${a.orgId}/webhooks/${evo?.id}/test`, { token });
    expect(test.status).toBe(409);
    expect(await deliveriesOf(evo?.id as string)).toEqual([]);
  });

  it("retries failures with growing, jittered delays, then dead-letters after the maximum", async () => {
    receiver.answer("/down", () => 503);
    const ep = await createEndpoint("/down");
    await api(h, "post", `/api/v1/orgs/${a.orgId}/webhooks/${ep.id}/test`, { token: await h.tokenFor(a.users.admin) });
    const dead = await until(async () => (await deliveriesOf(ep.id)).find((x) => x.status === "dead"));
    expect(dead).toMatchObject({ attempts: 3, last_status_code: 503 });
    const hits = received.filter((r) => r.path === "/down");
    expect(hits).toHaveLength(3);
    // Backoff before retry n lies in [ceiling/2, ceiling], ceiling = 100·2^(n-1) ms: ≥ 50 ms, then ≥ 100 ms.
    const gap1 = (hits[1]?.at ?? 0) - (hits[0]?.at ?? 0);
    const gap2 = (hits[2]?.at ?? 0) - (hits[1]?.at ?? 0);
    expect(gap1).toBeGreaterThanOrEqual(45);
    expect(gap2).toBeGreaterThanOrEqual(95);
    // Every attempt carried the same event id: receivers dedupe on it.
    expect(new Set(hits.map((x) => x.headers["mirage-event-id"])).size).toBe(1);

    const list = await api(h, "get", `/api/v1/orgs/${a.orgId}/webhooks/${ep.id}/deliveries?status=dead`, {
      token: await h.tokenFor(a.users.owner),
    });
    expect(list.body.items.map((x: { id: number }) => x.id)).toEqual([Number(dead.id)]);
    const detail = await api(h, "get", `/api/v1/orgs/${a.orgId}/webhooks/${ep.id}/deliveries/${dead.id}`, {
      token: await h.tokenFor(a.users.owner),
    });
    expect(detail.body).toMatchObject({
      status: "dead",
      lastStatusCode: 503,
      lastError: "receiver answered 503",
      payload: { message: "Hello from Mirage" },
    });
  });

  it("recovers when the receiver comes back before the maximum", async () => {
    let calls = 0;
    receiver.answer("/flaky", () => (++calls <= 2 ? 500 : 204));
    const ep = await createEndpoint("/flaky");
    await api(h, "post", `/api/v1/orgs/${a.orgId}/webhooks/${ep.id}/test`, { token: await h.tokenFor(a.users.admin) });
    const done = await until(async () => (await deliveriesOf(ep.id)).find((x) => x.status === "delivered"));
    expect(done).toMatchObject({ attempts: 3, last_status_code: 204 });
  });

  it("treats a 4xx answer as permanent (dead after one attempt)", async () => {
    receiver.answer("/gone", () => 410);
    const ep = await createEndpoint("/gone");
    await api(h, "post", `/api/v1/orgs/${a.orgId}/webhooks/${ep.id}/test`, { token: await h.tokenFor(a.users.admin) });
    const dead = await until(async () => (await deliveriesOf(ep.id)).find((x) => x.status === "dead"));
    expect(dead).toMatchObject({ attempts: 1, last_status_code: 410 });
  });

  it("redelivers a dead delivery on request, with the same event id", async () => {
    let up = false;
    receiver.answer("/later", () => (up ? 200 : 400));
    const ep = await createEndpoint("/later");
    const token = await h.tokenFor(a.users.admin);
    await api(h, "post", `/api/v1/orgs/${a.orgId}/webhooks/${ep.id}/test`, { token });
    const dead = await until(async () => (await deliveriesOf(ep.id)).find((x) => x.status === "dead"));
    up = true;
    const res = await api(h, "post", `/api/v1/orgs/${a.orgId}/webhooks/${ep.id}/deliveries/${dead.id}/redeliver`, {
      token,
    });
    expect(res.status).toBe(202);
    expect(res.body.status).toBe("pending");
    const done = await until(async () => (await deliveriesOf(ep.id)).find((x) => x.status === "delivered"));
    expect(done.id).toBe(dead.id);
    const hits = received.filter((r) => r.path === "/later");
    expect(hits.at(-1)?.headers["mirage-event-id"]).toBe(dead.event_id);
    // Another organization's admin cannot redeliver it.
    const b = await createOrgWithMembers(h.t.admin, "hooks-b");
    const outsider = await api(h, "post", `/api/v1/orgs/${a.orgId}/webhooks/${ep.id}/deliveries/${dead.id}/redeliver`, {
      token: await h.tokenFor(b.users.owner),
    });
    expect(outsider.status).toBe(404);
  });
});

describe("events from workers", () => {
  it("QR codes the session host writes to the outbox reach endpoints subscribed to instance:qr, once", async () => {
    const ep = await createEndpoint("/qr", ["instance:qr"]);
    await until(() => h.orch.parts.relay.isLeader);
    const [inst] = await h.t.admin<{ id: string }[]>`
      insert into public.instances (org_id, name) values (${a.orgId}, 'qr-1') returning id`;
    const data = { instanceId: inst?.id, qr: "2@abc", attempt: 1 };
    // What workers/src/sessions/session-host.ts does on a QR: the outbox row, and the live event for browsers.
    await h.t.db.asService((tx) => enqueueWebhookEvent(tx, { orgId: a.orgId, type: "instance:qr", payload: data }));
    await h.redis.publish(
      workerEventsChannel(h.prefix),
      JSON.stringify({ orgId: a.orgId, event: "instance:qr", data }),
    );
    const got = await until(() => received.find((r) => r.path === "/qr"));
    expect(JSON.parse(got.body)).toMatchObject({ type: "instance:qr", data: { instanceId: inst?.id, qr: "2@abc" } });
    const done = await until(async () => (await deliveriesOf(ep.id)).find((x) => x.status === "delivered"));
    expect(done.event_type).toBe("instance:qr");
    // The relay adds no second delivery for the same QR.
    await new Promise((r) => setTimeout(r, 300));
    expect((await deliveriesOf(ep.id)).filter((x) => x.event_type === "instance:qr")).toHaveLength(1);
  });
});

describe("SSRF", () => {
  it("refuses private and loopback targets not in the allowlist (422 unsafe_webhook_target)", async () => {
    const token = await h.tokenFor(a.users.admin);
    for (const url of [
      "http://10.0.0.5/hook",
      "http://169.254.169.254/latest",
      "http://[::1]:8080/x",
      "http://127.0.0.2/x",
    ]) {
      const res = await api(h, "post", `/api/v1/orgs/${a.orgId}/webhooks`, { token, body: { url } });
      expect(res.status, url).toBe(422);
      expect(res.body.code).toBe("unsafe_webhook_target");
      expect(res.body.detail, url).toContain("WEBHOOK_ALLOW_PRIVATE=");
    }
    const [n] = await h.t.admin<
      { n: number }[]
    >`select count(*)::int as n from public.webhook_endpoints where url like '%10.0.0.5%'`;
    expect(n?.n).toBe(0);
  });

  it("checks again at delivery time (a target written around the API is dead-lettered, never called)", async () => {
    const ep = await createEndpoint("/ok-again");
    await h.t.admin`update public.webhook_endpoints set url = 'http://192.168.0.10/hook' where id = ${ep.id}`;
    await api(h, "post", `/api/v1/orgs/${a.orgId}/webhooks/${ep.id}/test`, { token: await h.tokenFor(a.users.admin) });
    const dead = await until(async () => (await deliveriesOf(ep.id)).find((x) => x.status === "dead"));
    expect(dead.last_error).toContain("unsafe target");
    expect(dead.attempts).toBe(1);
  });

  it("refuses loopback when the allowlist is empty", async () => {
    const strict = await startHarness({ WEBHOOK_ALLOW_PRIVATE: "" });
    try {
      const b = await createOrgWithMembers(strict.t.admin, "hooks-strict");
      const res = await api(strict, "post", `/api/v1/orgs/${b.orgId}/webhooks`, {
        token: await strict.tokenFor(b.users.owner),
        body: { url: `${base}/ok` },
      });
      expect(res.status).toBe(422);
      expect(res.body.code).toBe("unsafe_webhook_target");
    } finally {
      await strict.close();
    }
  });
});
