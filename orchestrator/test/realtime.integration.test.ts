import type { TRealtimeEnvelope } from "@mirage/contracts/realtime";
import { workerEventsChannel } from "@mirage/contracts/worker-bus";
import { createLogger } from "@mirage/logger";
import { orgStreamKey } from "@mirage/queue/realtime";
import { createOrgWithMembers, type OrgFixture } from "@mirage/testing/fixtures";
import { until } from "@mirage/testing/until";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMetrics } from "../src/ops/metrics.ts";
import { compareIds } from "../src/realtime/gateway.ts";
import { createRealtimeRelay } from "../src/realtime/relay.ts";
import { api, type Harness, startHarness } from "./harness.ts";

let h: Harness;
let a: OrgFixture;
let b: OrgFixture;
const sockets: Socket[] = [];

const EVENTS = [
  "instance:status",
  "instance:qr",
  "instance:health",
  "campaign:progress",
  "message:status",
  "blacklist:changed",
];

type Client = {
  socket: Socket;
  events: TRealtimeEnvelope[];
  ready: Promise<{ cursor: string | null; replayed: number }>;
};

function client(token: string, since?: string): Promise<Client> {
  const socket = connect(h.url, {
    auth: { token, since },
    transports: ["websocket"],
    forceNew: true,
    reconnection: false,
  });
  sockets.push(socket);
  const events: TRealtimeEnvelope[] = [];
  for (const name of EVENTS) socket.on(name, (e: TRealtimeEnvelope) => events.push(e));
  const ready = new Promise<{ cursor: string | null; replayed: number }>((resolve) =>
    socket.once("realtime:ready", resolve),
  );
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve({ socket, events, ready }));
    socket.once("connect_error", reject);
  });
}

beforeAll(async () => {
  h = await startHarness({ WEBHOOK_WORKER_ENABLED: "false" });
  a = await createOrgWithMembers(h.t.admin, "rt-a");
  b = await createOrgWithMembers(h.t.admin, "rt-b");
  await until(() => h.orch.parts.relay.isLeader);
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await h?.close();
});

describe("socket.io gateway", () => {
  it("delivers an organization's events to its clients and never to another organization's", async () => {
    const ca = await client(await h.tokenFor(a.users.viewer));
    const cb = await client(await h.tokenFor(b.users.owner));
    await Promise.all([ca.ready, cb.ready]);

    const [ia] = await h.t.admin<
      { id: string }[]
    >`insert into public.instances (org_id, name) values (${a.orgId}, 'a-1') returning id`;
    const [ib] = await h.t.admin<
      { id: string }[]
    >`insert into public.instances (org_id, name) values (${b.orgId}, 'b-1') returning id`;
    await h.t.admin`update public.instances set status = 'connecting' where id = ${ib?.id ?? ""}`;
    await h.t.admin`insert into public.blacklist (org_id, phone_e164) values (${b.orgId}, '+5511999990001')`;
    // Workers publish QR codes and health on their pub/sub channel.
    await h.redis.publish(
      workerEventsChannel(h.prefix),
      JSON.stringify({
        orgId: b.orgId,
        event: "instance:qr",
        data: { instanceId: ib?.id, qr: "2@secret-of-b", expiresAt: "x" },
      }),
    );
    await h.redis.publish(
      workerEventsChannel(h.prefix),
      JSON.stringify({
        orgId: a.orgId,
        event: "instance:qr",
        data: { instanceId: ia?.id, qr: "2@qr-of-a", expiresAt: "x" },
      }),
    );
    await h.redis.publish(
      workerEventsChannel(h.prefix),
      JSON.stringify({
        orgId: a.orgId,
        event: "instance:health",
        data: { instanceId: ia?.id, score: 87, reasons: [] },
      }),
    );

    await until(() => ca.events.some((e) => e.type === "instance:health"));
    await until(() => cb.events.filter((e) => e.orgId === b.orgId).length >= 4);
    // A's own events (Postgres and Redis sources race, so compare as sets), with increasing cursors.
    expect(ca.events.map((e) => e.type).sort()).toEqual(["instance:health", "instance:qr", "instance:status"]);
    expect(ca.events.find((e) => e.type === "instance:status")).toMatchObject({
      orgId: a.orgId,
      data: { instanceId: ia?.id, status: "pending_pairing" },
    });
    expect(ca.events.find((e) => e.type === "instance:qr")?.data).toMatchObject({ qr: "2@qr-of-a" });
    const cursors = ca.events.map((e) => e.cursor);
    expect([...cursors].sort(compareIds)).toEqual(cursors);
    // Give any stray cross-organization event time to arrive before asserting it never did.
    await new Promise((r) => setTimeout(r, 300));
    expect(ca.events.every((e) => e.orgId === a.orgId)).toBe(true);
    expect(JSON.stringify(ca.events)).not.toContain("secret-of-b");
    expect(cb.events.every((e) => e.orgId === b.orgId)).toBe(true);
    expect(cb.events.map((e) => e.type).sort()).toEqual(
      ["blacklist:changed", "instance:qr", "instance:status", "instance:status"].sort(),
    );
  });

  it("pushes a campaign message's receipts and failure, not its planning, sending or cancelling", async () => {
    const ca = await client(await h.tokenFor(a.users.viewer));
    await ca.ready;
    const [campaign] = await h.t.admin<{ id: string }[]>`
      insert into public.campaigns (org_id, name, status) values (${a.orgId}, 'Receipts', 'running') returning id`;
    const id = campaign?.id ?? "";
    const rows = await h.t.admin<{ id: number }[]>`
      insert into public.outbound_messages (org_id, campaign_id, recipient_phone, body)
      select ${a.orgId}, ${id}, '+55119888' || lpad(i::text, 5, '0'), 'Oi' from generate_series(1, 3) i
      returning id`;
    const [read, failed, cancelled] = rows.map((r) => Number(r.id));
    const move = async (messageId: number | undefined, states: string[]) => {
      for (const state of states)
        await h.t.admin`
          update public.outbound_messages set state = ${state}::public.message_state where id = ${messageId ?? 0}`;
    };
    await move(cancelled, ["cancelled"]);
    await move(read, ["claimed", "sending", "sent", "delivered", "read"]);
    await move(failed, ["claimed", "sending", "failed"]);
    type Status = TRealtimeEnvelope<"message:status">;
    const mine = () =>
      ca.events.filter((e): e is Status => e.type === "message:status" && (e as Status).data.campaignId === id);
    await until(() => mine().length >= 3);
    // Give anything else time to arrive before the exact check.
    await new Promise((r) => setTimeout(r, 300));
    // One event per receipt, each with the state its change made (not the row's state when relayed).
    expect(mine().map((e) => [e.data.messageId, e.data.state])).toEqual([
      [read, "delivered"],
      [read, "read"],
      [failed, "failed"],
    ]);
  });

  it("accepts API keys at the handshake, bound to the key's organization", async () => {
    const owner = await h.tokenFor(a.users.owner);
    const key = await api(h, "post", `/api/v1/orgs/${a.orgId}/api-keys`, {
      token: owner,
      body: { name: "rt", scopes: ["read"] },
    });
    const ck = await client(key.body.key);
    await ck.ready;
    await h.t.admin`insert into public.instances (org_id, name) values (${b.orgId}, 'b-2')`;
    await h.t.admin`insert into public.instances (org_id, name) values (${a.orgId}, 'a-2')`;
    const got = await until(() => ck.events.find((e) => e.type === "instance:status"));
    expect(got.orgId).toBe(a.orgId);
    await new Promise((r) => setTimeout(r, 200));
    expect(ck.events.every((e) => e.orgId === a.orgId)).toBe(true);
  });

  it("replays what a reconnecting client missed after its cursor, then says ready", async () => {
    const token = await h.tokenFor(a.users.operator);
    const first = await client(token);
    await first.ready;
    await h.t.admin`insert into public.instances (org_id, name) values (${a.orgId}, 'before-gap')`;
    const seen = await until(() => first.events.find((e) => e.type === "instance:status"));
    first.socket.disconnect();

    await h.t.admin`insert into public.instances (org_id, name) values (${a.orgId}, 'gap-1')`;
    await h.t.admin`insert into public.instances (org_id, name) values (${b.orgId}, 'gap-b')`;
    await h.t.admin`insert into public.instances (org_id, name) values (${a.orgId}, 'gap-2')`;
    // Wait until the relay appended both to the organization's catch-up stream.
    const key = orgStreamKey(a.orgId, h.config.REALTIME_STREAM);
    await until(async () => (await h.redis.xrange(key, `(${seen.cursor}`, "+")).length >= 2 || undefined);

    const again = await client(token, seen.cursor);
    const ready = await again.ready;
    expect(ready.replayed).toBe(2);
    expect(again.events).toHaveLength(2);
    expect(again.events.every((e) => e.orgId === a.orgId && compareIds(e.cursor, seen.cursor) > 0)).toBe(true);
    expect(ready.cursor).toBe(again.events.at(-1)?.cursor);
  });

  it("disconnects an API key's sockets the moment the key is revoked", async () => {
    const owner = await h.tokenFor(a.users.owner);
    const key = await api(h, "post", `/api/v1/orgs/${a.orgId}/api-keys`, {
      token: owner,
      body: { name: "live", scopes: ["read"] },
    });
    const ck = await client(key.body.key);
    await ck.ready;
    const gone = new Promise<string>((resolve) => ck.socket.once("disconnect", (reason) => resolve(reason)));
    await api(h, "delete", `/api/v1/orgs/${a.orgId}/api-keys/${key.body.id}`, { token: owner });
    expect(await gone).toBe("io server disconnect");
    const again = await client(key.body.key).catch((e: Error & { data?: { code: string } }) => e);
    expect((again as { data?: { code: string } }).data?.code).toBe("invalid_token");
  });

  it("ends a session's sockets the moment it logs out, and refuses its access token afterwards", async () => {
    await h.t
      .admin`update auth.users set encrypted_password = extensions.crypt('rt-password-1', extensions.gen_salt('bf', 4))
                    where id = ${a.users.viewer.id}`;
    const email = (
      await h.t.admin<{ email: string }[]>`select email from auth.users where id = ${a.users.viewer.id}`
    )[0]?.email;
    const session = (await api(h, "post", "/api/v1/auth/login", { body: { email, password: "rt-password-1" } })).body;
    const live = await client(session.accessToken);
    await live.ready;
    const gone = new Promise<string>((resolve) => live.socket.once("disconnect", (reason) => resolve(reason)));
    await api(h, "post", "/api/v1/auth/logout", { body: { refreshToken: session.refreshToken } });
    expect(await gone).toBe("io server disconnect");
    const again = await client(session.accessToken).catch((e: Error & { data?: { code: string } }) => e);
    expect((again as { data?: { code: string } }).data?.code).toBe("invalid_token");
  });

  it("stops a removed member's live socket from receiving the organization's events", async () => {
    const [u] = await h.t.admin<
      { id: string }[]
    >`insert into auth.users (email) values ('leaver@rt-a.test') returning id`;
    const leaverId = u?.id ?? "";
    await h.t
      .admin`insert into public.organization_members (org_id, user_id, role) values (${a.orgId}, ${leaverId}, 'viewer')`;
    const leaver = await client(await h.tokenFor({ id: leaverId, email: "leaver@rt-a.test" }));
    const stayer = await client(await h.tokenFor(a.users.marketer));
    await Promise.all([leaver.ready, stayer.ready]);
    const removed = await api(h, "delete", `/api/v1/orgs/${a.orgId}/members/${leaverId}`, {
      token: await h.tokenFor(a.users.owner),
    });
    expect(removed.status).toBe(204);
    await h.t.admin`insert into public.instances (org_id, name) values (${a.orgId}, 'after-removal')`;
    await until(() => stayer.events.find((e) => e.type === "instance:status"));
    await new Promise((r) => setTimeout(r, 200));
    expect(leaver.events).toEqual([]);
  });

  it("refuses handshakes without a valid token, with a machine-readable code", async () => {
    const noToken = await client("").catch((e: Error & { data?: { code: string } }) => e);
    expect((noToken as { data?: { code: string } }).data?.code).toBe("unauthenticated");
    const bad = await client("not-a-token").catch((e: Error & { data?: { code: string } }) => e);
    expect((bad as { data?: { code: string } }).data?.code).toBe("invalid_token");
    const expired = await client(
      await h.tokenFor(a.users.owner, { expiresIn: Math.floor(Date.now() / 1000) - 120 }),
    ).catch((e: Error & { data?: { code: string } }) => e);
    expect((expired as { data?: { code: string } }).data?.code).toBe("token_expired");
  });

  // Last: it stops the harness's relay.
  it("hands relaying to a standby replica (which waits while the leader holds the lease) when the leader stops", async () => {
    const standby = createRealtimeRelay({
      db: h.t.db,
      redis: h.redis,
      logger: createLogger({ service: "standby", level: "silent" }),
      metrics: createMetrics({ db: h.t.db, queues: h.orch.parts.queues, defaultMetrics: false }),
      stream: h.config.REALTIME_STREAM,
      replayMax: h.config.REALTIME_REPLAY_MAX,
      workerChannel: workerEventsChannel(h.prefix),
      leaseMs: 600,
    });
    try {
      await standby.start();
      await new Promise((r) => setTimeout(r, 700));
      expect(standby.isLeader).toBe(false);
      const viewer = await client(await h.tokenFor(a.users.viewer));
      await viewer.ready;
      await h.orch.parts.relay.close();
      await until(() => standby.isLeader, 5_000);
      const [row] = await h.t.admin<{ id: string }[]>`
        insert into public.instances (org_id, name) values (${a.orgId}, 'after-failover') returning id`;
      const event = await until(() =>
        viewer.events.find(
          (e) => e.type === "instance:status" && (e.data as { instanceId?: string }).instanceId === row?.id,
        ),
      );
      expect(event.orgId).toBe(a.orgId);
    } finally {
      await standby.close();
    }
  });
});
