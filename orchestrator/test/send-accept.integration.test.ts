/**
 * The send API's accept answers as before now that it is one statement (private.accept_direct_message): what the
 * response carries, idempotent replays and conflicts, refusals with their reasons (and nothing written for them),
 * cross-organization requests, quotes and deadlines, and an API key acting for its principal. No worker runs.
 */
import { randomUUID } from "node:crypto";
import { createOrgWithMembers, type OrgFixture } from "@mirage/testing/fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, type Harness, startHarness } from "./harness.ts";

let h: Harness;
let a: OrgFixture;
let b: OrgFixture;
let ours: string;
let theirs: string;
let phones = 0;

async function instance(org: OrgFixture, name: string, status: string, reason: string | null = null) {
  const [row] = await h.t.admin<{ id: string }[]>`
    insert into public.instances (org_id, name, phone_e164, status, status_reason, worker_id)
    values (${org.orgId}, ${name}, ${`+55119770${String(++phones).padStart(5, "0")}`}, ${status}, ${reason}, 'accept-w')
    returning id`;
  return row?.id ?? "";
}

beforeAll(async () => {
  h = await startHarness({ PLACEMENT_ENABLED: "false", WEBHOOK_WORKER_ENABLED: "false" });
  a = await createOrgWithMembers(h.t.admin, "accept-a");
  b = await createOrgWithMembers(h.t.admin, "accept-b");
  ours = await instance(a, "vendas", "connected");
  theirs = await instance(b, "deles", "connected");
});
afterAll(async () => {
  await h?.close();
});

const send = (org: string, inst: string, body: unknown, opts: { token?: string; apiKey?: string; key?: string }) =>
  api(h, "post", `/api/v1/orgs/${org}/instances/${inst}/messages`, {
    ...(opts.token ? { token: opts.token } : {}),
    ...(opts.apiKey ? { apiKey: opts.apiKey } : {}),
    ...(opts.key ? { headers: { "idempotency-key": opts.key } } : {}),
    body,
  });

const countByRef = async (ref: string) =>
  Number(
    (
      await h.t.admin<
        { n: number }[]
      >`select count(*)::int as n from public.outbound_messages where client_ref = ${ref}`
    )[0]?.n,
  );

describe("accepting a send in one statement", () => {
  it("answers the queued message; the same key replays it (200), another body under it is a 409", async () => {
    const token = await h.tokenFor(a.users.operator);
    const body = { to: "+55 11 98888-0001", text: "  Olá, tudo bem?", typing: 1200 };
    const first = await send(a.orgId, ours, body, { token, key: "order-7" });
    expect(first.status, JSON.stringify(first.body)).toBe(202);
    expect(first.body).toMatchObject({
      orgId: a.orgId,
      instanceId: ours,
      to: "+5511988880001",
      toLid: null,
      text: "  Olá, tudo bem?",
      state: "queued",
      clientId: "order-7",
      source: "api",
      replyTo: null,
      expiresAt: null,
    });
    expect(first.body.history.map((s: { state: string }) => s.state)).toEqual(["queued"]);
    const [row] = await h.t.admin<{ body: string; created_by: string; typing_ms: number }[]>`
      select body, created_by, typing_ms from public.outbound_messages where id = ${first.body.id}`;
    expect(row).toEqual({ body: "  Olá, tudo bem?", created_by: a.users.operator.id, typing_ms: 1200 });

    const replay = await send(a.orgId, ours, body, { token, key: "order-7" });
    expect(replay.status).toBe(200);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body).toEqual(first.body);
    // The body's clientId is the same key as the header.
    const byClientId = await send(a.orgId, ours, { ...body, clientId: "order-7" }, { token });
    expect(byClientId.status).toBe(200);
    expect(byClientId.body.id).toBe(first.body.id);

    const conflict = await send(a.orgId, ours, { ...body, text: "outro texto" }, { token, key: "order-7" });
    expect(conflict.status).toBe(409);
    expect(conflict.body.code).toBe("idempotency_conflict");
    expect(await countByRef("order-7")).toBe(1);
  });

  it("reads a national number in the organization's default country, never as another country's", async () => {
    const token = await h.tokenFor(a.users.operator);
    await h.t.admin`update public.organizations set default_country = null where id = ${a.orgId}`;
    // No default country: refused with the reason, nothing written (read as +1 190…, it would reach a stranger).
    const refused = await send(a.orgId, ours, { to: "(11) 90000-0004", text: "oi" }, { token, key: "national-1" });
    expect(refused.status, JSON.stringify(refused.body)).toBe(400);
    expect(refused.body).toMatchObject({ code: "validation_failed", reasonCode: "recipient_invalid" });
    expect(refused.body.detail).toMatch(/no country code.*defaultCountry/);
    expect(await countByRef("national-1")).toBe(0);
    // A Brazilian organization: the same text is a São Paulo mobile, for the send and for the list's filter. A
    // second operator, so the organization is read afresh rather than from the first one's 30 s memory.
    await h.t.admin`update public.organizations set default_country = 'BR' where id = ${a.orgId}`;
    const other = await h.tokenFor(a.users.admin);
    for (const to of ["(11) 90000-0004", "11 9 0000-0004", "5511900000004"]) {
      const sent = await send(a.orgId, ours, { to, text: "oi" }, { token: other, key: `national-${to}` });
      expect(sent.status, JSON.stringify(sent.body)).toBe(202);
      expect(sent.body.to, to).toBe("+5511900000004");
    }
    const listed = await api(h, "get", `/api/v1/orgs/${a.orgId}/messages?to=${encodeURIComponent("(11) 90000-0004")}`, {
      token: other,
    });
    expect(listed.status).toBe(200);
    expect(listed.body.items).toHaveLength(3);
  });

  it("a send and an inbox reply read the Idempotency-Key alike: never cut, never silently preferred to clientId", async () => {
    const token = await h.tokenFor(a.users.operator);
    const [conversation] = await h.t.admin<{ id: string }[]>`
      insert into public.conversations (org_id, instance_id, peer_phone)
      values (${a.orgId}, ${ours}, '+5511988880031') returning id`;
    const routes = [
      { path: `/api/v1/orgs/${a.orgId}/instances/${ours}/messages`, body: { to: "+5511988880031", text: "oi" } },
      { path: `/api/v1/orgs/${a.orgId}/conversations/${conversation?.id}/messages`, body: { text: "oi" } },
    ];
    for (const { path, body } of routes) {
      const post = (key: string, extra: object = {}) =>
        api(h, "post", path, { token, headers: { "idempotency-key": key }, body: { ...body, ...extra } });
      for (const key of ["   ", `k${"x".repeat(200)}`]) {
        const res = await post(key);
        expect(res.status, path).toBe(400);
        expect(res.body).toMatchObject({ code: "validation_failed", reasonCode: "idempotency_key_invalid" });
      }
      const differ = await post("key-a", { clientId: "key-b" });
      expect(differ.status, path).toBe(400);
      expect(differ.body).toMatchObject({ code: "validation_failed", reasonCode: "idempotency_key_mismatch" });
      expect(await countByRef("key-a")).toBe(0);
      expect(await countByRef("key-b")).toBe(0);
      // Both given and equal is one key; the header alone is trimmed.
      const both = await post(`same-${path.length}`, { clientId: `same-${path.length}` });
      expect(both.status, JSON.stringify(both.body)).toBe(202);
      const trimmed = await post(`  same-${path.length} `);
      expect(trimmed.status).toBe(200);
      expect(trimmed.body.id).toBe(both.body.id);
    }
  });

  it("refuses an instance that cannot send with its status and reason, and writes nothing", async () => {
    const token = await h.tokenFor(a.users.operator);
    for (const [status, reason] of [
      ["restricted", "rate_overlimit"],
      ["banned", null],
      ["logged_out", "device_removed"],
      ["connecting", "worker_lost"],
    ] as const) {
      const inst = await instance(a, `x-${status}`, status, reason);
      const ref = `refused-${status}`;
      const res = await send(a.orgId, inst, { to: "+5511988880002", text: "oi" }, { token, key: ref });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe("instance_unavailable");
      expect(res.body.detail).toContain(`is ${status}${reason ? ` (${reason})` : ""}`);
      expect(await countByRef(ref)).toBe(0);
    }
  });

  it("never lets an organization send from another's instance", async () => {
    const token = await h.tokenFor(a.users.owner);
    const underOurs = await send(a.orgId, theirs, { to: "+5511988880003", text: "oi" }, { token, key: "x-org-1" });
    expect(underOurs.status).toBe(404);
    expect(underOurs.body.detail).toContain("instance");
    const underTheirs = await send(b.orgId, theirs, { to: "+5511988880003", text: "oi" }, { token, key: "x-org-2" });
    expect(underTheirs.status).toBe(404);
    expect(underTheirs.body.detail).toContain("organization");
    expect((await countByRef("x-org-1")) + (await countByRef("x-org-2"))).toBe(0);
    const [n] = await h.t.admin<{ n: number }[]>`
      select count(*)::int as n from public.outbound_messages where instance_id = ${theirs}`;
    expect(n?.n).toBe(0);
  });

  it("roles as before: a viewer 403, a marketer 403 through the API", async () => {
    for (const who of [a.users.viewer, a.users.marketer]) {
      const res = await send(a.orgId, ours, { to: "+5511988880004", text: "oi" }, { token: await h.tokenFor(who) });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe("forbidden");
    }
  });

  it("an unknown replyTo is 422; a deadline is stored and answered", async () => {
    const token = await h.tokenFor(a.users.admin);
    const quote = await send(a.orgId, ours, { to: "+5511988880005", text: "re", replyTo: "3EB0NOPE" }, { token });
    expect(quote.status).toBe(422);
    expect(quote.body.code).toBe("invalid_message");
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const timed = await send(a.orgId, ours, { to: "+5511988880005", text: "até já", expiresAt }, { token });
    expect(timed.status, JSON.stringify(timed.body)).toBe(202);
    expect(timed.body.expiresAt).toBe(expiresAt);
  });

  it("an API key with messages:send sends as its principal, only for its own organization", async () => {
    const token = await h.tokenFor(a.users.admin);
    const created = await api(h, "post", `/api/v1/orgs/${a.orgId}/api-keys`, {
      token,
      body: { name: randomUUID(), scopes: ["messages:send"] },
    });
    expect(created.status).toBe(201);
    const key = created.body.key as string;
    const sent = await send(a.orgId, ours, { to: "+5511988880006", text: "pela chave" }, { apiKey: key });
    expect(sent.status, JSON.stringify(sent.body)).toBe(202);
    const elsewhere = await send(b.orgId, theirs, { to: "+5511988880006", text: "pela chave" }, { apiKey: key });
    expect(elsewhere.status).toBe(404);
  });
});
