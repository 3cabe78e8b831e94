/**
 * Messaging end to end: the real orchestrator (send API, conversations, realtime) over Postgres and Redis, a real
 * worker process hosting real Baileys sockets, and wa-sim's contacts — whose record of what they received is what
 * the assertions read. At most once (idempotency keys, SIGKILL mid-send), inbound stored once across replays,
 * opt-outs, LID-only senders, Brazil's ninth digit. Quoted replies and media: inbound-content.e2e.test.ts.
 */
import { type E2eStack, pairByQr, startE2eStack, waiter } from "@mirage/testing/e2e-stack";
import type { OrgFixture } from "@mirage/testing/fixtures";
import type { TestDatabase } from "@mirage/testing/postgres";
import type { Simulator } from "@mirage/wa-sim";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { inProcessOrchestrator, retryWhileUnavailable } from "./e2e.ts";
import { api, type Json } from "./harness.ts";

// Real sockets, a worker process and receipts on a shared 2-core machine: every step waits on events, with room.
vi.setConfig({ testTimeout: 120_000 });

let stack: E2eStack;
let t: TestDatabase;
let a: OrgFixture;
let b: OrgFixture;
let sim: Simulator;
let url: string;
let operator: string;
let viewer: string;
let outsider: string;
let instanceId: string;
const ACCOUNT = "5511966110001";

/** The one worker of this suite. */
const startWorker = () => stack.startWorker("w-msg");
const stopWorker = (signal: NodeJS.Signals) => stack.stopWorker("w-msg", signal);
const waitFor = waiter(40_000);

const inst = (org: OrgFixture) => `/api/v1/orgs/${org.orgId}/instances`;
const msgs = (org: OrgFixture) => `/api/v1/orgs/${org.orgId}/messages`;
const convs = (org: OrgFixture) => `/api/v1/orgs/${org.orgId}/conversations`;
const sendOnce = (body: Json, opts: { headers?: Record<string, string>; tok?: string; id?: string } = {}) =>
  api({ url }, "post", `${inst(a)}/${opts.id ?? instanceId}/messages`, {
    token: opts.tok ?? operator,
    body,
    ...(opts.headers ? { headers: opts.headers } : {}),
  });
/**
 * Sends from the connected test instance as a client would: on a loaded 2-core machine its worker's heartbeat can
 * lapse for a moment (the API then says `instance_unavailable`, status connecting/worker_lost), so a refusal of the
 * connected instance is retried for a while. Sends from other instances are answered as they come.
 */
function send(body: Json, opts: { headers?: Record<string, string>; tok?: string; id?: string } = {}) {
  return opts.id === undefined ? retryWhileUnavailable(() => sendOnce(body, opts)) : sendOnce(body, opts);
}
const message = async (id: number): Promise<Json> =>
  (await api({ url }, "get", `${msgs(a)}/${id}`, { token: viewer })).body;
const waitState = (id: number, states: string[], timeoutMs = 40_000) =>
  waitFor<Json>(
    async () => {
      const m = await message(id);
      return states.includes(m.state) ? m : undefined;
    },
    timeoutMs,
    `message ${id} ${states.join("|")}`,
  );
const conversationOf = async (peer: { phone?: string; lid?: string }): Promise<Json> =>
  waitFor<Json>(
    async () => {
      const r = await api({ url }, "get", `${convs(a)}?limit=100`, { token: viewer });
      return (r.body.items as Json[]).find(
        (c) => (peer.phone && c.peerPhone === peer.phone) || (peer.lid && c.peerLid === peer.lid),
      );
    },
    40_000,
    `conversation with ${JSON.stringify(peer)}`,
  );

const inboundRow = (waMessageId: string) =>
  waitFor<Json>(async () => {
    const [r] = await t.admin`select * from public.inbound_messages where wa_message_id = ${waMessageId}`;
    return r;
  });

const listen = (tok: string) => stack.listen(tok, ["message:status", "message:inbound", "conversation:changed"]);

beforeAll(async () => {
  stack = await startE2eStack({
    name: "msg",
    orgs: ["msg-a", "msg-b"],
    sim: { contactDefaults: { deliveryDelayMs: 60, readDelayMs: 120 } },
    orchestrator: inProcessOrchestrator({
      WEBHOOK_WORKER_ENABLED: "false",
      SEND_RATE_PER_INSTANCE_PER_MINUTE: "600",
      SEND_BURST_PER_INSTANCE: "40",
    }),
    workerEnv: { SEND_SWEEP_MS: "300" },
    workers: ["w-msg"],
  });
  ({ t, sim, url } = stack);
  [a, b] = stack.orgs as [OrgFixture, OrgFixture];
  operator = await stack.token(a.users.operator);
  viewer = await stack.token(a.users.viewer);
  outsider = await stack.token(b.users.owner);
  // A webhook endpoint, so the outbox rows of message events can be asserted.
  await t.admin`insert into public.webhook_endpoints (org_id, url) values (${a.orgId}, 'https://hooks.example.com/m')`;
  // Generous waits: pairing generates 812 pre-keys, which takes a while on a loaded 2-core machine.
  instanceId = await pairByQr(stack, { org: a, token: operator, name: "sales", phone: ACCOUNT, timeoutMs: 60_000 });
}, 180_000);

afterAll(() => stack?.close(), 60_000);

describe("sending through the API", () => {
  it("the same idempotency key twice arrives once; the state follows to read, live and in the history", async () => {
    const events = await listen(viewer);
    const contact = sim.contact("5511977110001");
    const body = { to: "+55 (11) 97711-0001", text: "Seu pedido saiu para entrega", typing: 300 };
    const first = await send(body, { headers: { "idempotency-key": "order-1" } });
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ state: "queued", to: "+5511977110001", clientId: "order-1", source: "api" });
    const again = await send(body, { headers: { "idempotency-key": "order-1" } });
    expect(again.status).toBe(200);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body.id).toBe(first.body.id);
    const conflict = await send({ ...body, text: "outro texto" }, { headers: { "idempotency-key": "order-1" } });
    expect(conflict.status).toBe(409);
    expect(conflict.body.code).toBe("idempotency_conflict");

    const done = await waitState(first.body.id, ["read"]);
    expect(done.history.map((s: Json) => s.state)).toEqual([
      "queued",
      "claimed",
      "sending",
      "sent",
      "delivered",
      "read",
    ]);
    expect(done.toJid).toBe("5511977110001@s.whatsapp.net");
    // wa-sim's record: exactly one message, with "typing…" before it.
    const received = contact.messages(ACCOUNT);
    expect(received.map((m) => m.text)).toEqual(["Seu pedido saiu para entrega"]);
    expect(received[0]?.id).toBe(done.waMessageId);
    expect(received[0]?.presenceBefore.map((p) => p.state)).toContain("composing");
    await waitFor(async () =>
      events.some(
        (e) =>
          e.type === "message:status" && (e.data as Json).messageId === done.id && (e.data as Json).state === "read",
      )
        ? true
        : undefined,
    );
    const webhooks = await t.admin<{ n: number }[]>`
      select count(*)::int as n from public.webhook_deliveries
      where event_type = 'message:status' and (payload->>'messageId')::bigint = ${done.id}`;
    expect(webhooks[0]?.n).toBeGreaterThanOrEqual(5);
  });

  it("resolves Brazil's ninth digit to the id WhatsApp has, and fails numbers not on WhatsApp with that reason", async () => {
    const legacy = sim.contact("551187711002"); // registered without the ninth digit
    const sent = await send({ to: "+5511987711002", text: "nono dígito" });
    const m = await waitState(sent.body.id, ["delivered", "read"]);
    expect(m.toJid).toBe("551187711002@s.whatsapp.net");
    expect(legacy.messages(ACCOUNT).map((x) => x.text)).toEqual(["nono dígito"]);

    sim.contact("5511977119999", { onWhatsApp: false });
    const nowhere = await send({ to: "+5511977119999", text: "alô?" });
    const failed = await waitState(nowhere.body.id, ["failed"]);
    expect(failed.errorCode).toBe("not_on_whatsapp");
    expect(sim.groundTruth.messages({ contact: "5511977119999" })).toEqual([]);
  });

  it("refuses bad input with the reason: 422 text, 400 recipient, 403 viewer, 404 other org, 409 not connected", async () => {
    expect((await send({ to: "+5511977110001", text: "   " })).status).toBe(422);
    const long = await send({ to: "+5511977110001", text: "x".repeat(65_537) });
    expect(long.status).toBe(422);
    expect(long.body.code).toBe("invalid_message");
    expect((await send({ to: "12", text: "oi" })).status).toBe(400);
    expect((await send({ to: "+5511977110001", text: "oi" }, { tok: viewer })).status).toBe(403);
    expect((await send({ to: "+5511977110001", text: "oi" }, { tok: outsider })).status).toBe(404);
    const idle = await api({ url }, "post", inst(a), { token: operator, body: { name: "never-paired" } });
    const refused = await send({ to: "+5511977110001", text: "oi" }, { id: idle.body.id });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe("instance_unavailable");
    expect(refused.body.detail).toMatch(/pending_pairing|connecting/);
    const [{ n } = { n: -1 }] = await t.admin<{ n: number }[]>`
      select count(*)::int as n from public.outbound_messages where instance_id = ${idle.body.id}`;
    expect(n).toBe(0);
  });
});

describe("inbound", () => {
  it("a text is stored once, threaded, pushed live and to webhooks — even when WhatsApp replays it after a reconnect", async () => {
    const events = await listen(viewer);
    const contact = sim.contact("5511977220001", { name: "Ana" });
    const id = await contact.sendText(ACCOUNT, "Quero saber mais");
    const conv = await conversationOf({ phone: "+5511977220001" });
    expect(conv).toMatchObject({ peerName: "Ana", unreadCount: 1, lastMessagePreview: "Quero saber mais" });
    await waitFor(async () =>
      events.some((e) => e.type === "message:inbound" && (e.data as Json).conversationId === conv.id)
        ? true
        : undefined,
    );
    // Reconnect with a replay of what was already delivered: nothing is stored twice.
    sim.phone(ACCOUNT).fault({ type: "replay-inbound", last: 5 });
    sim.phone(ACCOUNT).fault({ type: "dropped" });
    await waitFor(async () => {
      const r = await api({ url }, "get", `${inst(a)}/${instanceId}`, { token: operator });
      return r.body.status === "connected" ? true : undefined;
    }, 30_000);
    const second = await contact.sendText(ACCOUNT, "Alô?");
    await waitFor(async () => {
      const [row] = await t.admin`select 1 from public.inbound_messages where wa_message_id = ${second}`;
      return row ? true : undefined;
    });
    const rows = await t.admin<{ wa_message_id: string }[]>`
      select wa_message_id from public.inbound_messages where instance_id = ${instanceId} and wa_message_id = ${id}`;
    expect(rows).toHaveLength(1);
    const webhook = await t.admin<{ payload: Json }[]>`
      select payload from public.webhook_deliveries where event_type = 'message:inbound' and payload->>'waMessageId' = ${id}`;
    expect(webhook).toHaveLength(1);
    expect(webhook[0]?.payload).toMatchObject({ text: "Quero saber mais", fromPhone: "+5511977220001" });
  });

  it("a sender known only by LID lands in the conversation of the contact the LID maps to", async () => {
    // Mirage learns the LID when it writes to the number first (WhatsApp's device list carries it).
    const contact = sim.contact("5511977330001", { name: "Bia" });
    const sent = await send({ to: "+5511977330001", text: "Oi Bia, tudo bem?" });
    await waitState(sent.body.id, ["delivered", "read"]);
    const before = await conversationOf({ phone: "+5511977330001" });
    sim.contact(contact.phone, { addressing: "lid" });
    const id = await contact.sendText(ACCOUNT, "tudo ótimo!");
    const row = await inboundRow(id);
    expect(row.from_lid).toBe(`${contact.lid}@lid`);
    expect(row.conversation_id).toBe(before.id);
    expect(row.from_phone).toBe("+5511977330001");
    expect(Number(row.in_reply_to_id)).toBe(sent.body.id);
    const timeline = await api({ url }, "get", `${convs(a)}/${before.id}/messages`, { token: viewer });
    expect(timeline.body.items.map((i: Json) => [i.kind, i.text])).toEqual([
      ["inbound", "tudo ótimo!"],
      ["outbound", "Oi Bia, tudo bem?"],
    ]);
    // A LID nobody knows gets its own conversation, by LID.
    const stranger = sim.contact("5511977330002", { addressing: "lid" });
    await stranger.sendText(ACCOUNT, "quem é?");
    const own = await conversationOf({ lid: `${stranger.lid}@lid` });
    expect(own.peerPhone).toBeNull();
  });

  it("an opt-out reply blacklists the person by phone and LID, withdraws consent and cancels what waited", async () => {
    const contact = sim.contact("5511977440001", { name: "Caio" });
    const hello = await send({ to: "+5511977440001", text: "Promoção de hoje!" });
    await waitState(hello.body.id, ["delivered", "read"]);
    // A message that will still be waiting when the opt-out arrives (scheduled for later).
    await t.admin`
      insert into public.outbound_messages (org_id, instance_id, recipient_phone, body, scheduled_at, source)
      values (${a.orgId}, ${instanceId}, '+5511977440001', 'lembrete', now() + interval '1 hour', 'api')`;
    const id = await contact.sendText(ACCOUNT, "PARAR por favor!!");
    const bl = await waitFor<Json>(async () => {
      const [r] =
        await t.admin`select * from public.blacklist where org_id = ${a.orgId} and phone_e164 = '+5511977440001'`;
      return r;
    });
    expect(bl.source).toBe("opt_out");
    expect(bl.wa_lid).toBe(`${contact.lid}@lid`);
    expect(bl.reason).toContain("opt-out reply");
    const [inbound] = await t.admin`select is_opt_out from public.inbound_messages where wa_message_id = ${id}`;
    expect(inbound?.is_opt_out).toBe(true);
    const [c] =
      await t.admin`select opted_out_at from public.contacts where org_id = ${a.orgId} and phone_e164 = '+5511977440001'`;
    expect(c?.opted_out_at).toBeInstanceOf(Date);
    const waiting = await t.admin`
      select state, error_code from public.outbound_messages where recipient_phone = '+5511977440001' and body = 'lembrete'`;
    expect(waiting[0]).toMatchObject({ state: "cancelled", error_code: "opted_out" });
    // And a later send is refused at send time: the contact receives nothing more.
    const after = await send({ to: "+5511977440001", text: "Última chance!" });
    const skipped = await waitState(after.body.id, ["skipped"]);
    expect(skipped.errorCode).toBe("blacklisted");
    expect(contact.messages(ACCOUNT).map((m) => m.text)).toEqual(["Promoção de hoje!"]);
  });
});

describe("conversations", () => {
  it("operators reply from the conversation's instance, note, tag, assign and close; viewers only read", async () => {
    const contact = sim.contact("5511977550001", { name: "Duda" });
    await contact.sendText(ACCOUNT, "Vocês entregam em Campinas?");
    const conv = await conversationOf({ phone: "+5511977550001" });
    const path = `${convs(a)}/${conv.id}`;
    const reply = await api({ url }, "post", `${path}/messages`, {
      token: operator,
      body: { text: "Entregamos sim!" },
    });
    expect(reply.status).toBe(202);
    await waitState(reply.body.id, ["delivered", "read"]);
    expect(contact.messages(ACCOUNT).map((m) => m.text)).toEqual(["Entregamos sim!"]);
    const note = await api({ url }, "post", `${path}/notes`, {
      token: operator,
      body: { text: "cliente de Campinas" },
    });
    expect(note.status).toBe(201);
    const patched = await api({ url }, "patch", path, {
      token: operator,
      body: { tags: ["entrega", "campinas"], assignedTo: a.users.operator.id, read: true, status: "closed" },
    });
    expect(patched.body).toMatchObject({ status: "closed", unreadCount: 0, assignedTo: a.users.operator.id });
    const filtered = await api({ url }, "get", `${convs(a)}?tag=campinas&status=closed&q=duda`, { token: viewer });
    expect(filtered.body.items.map((c: Json) => c.id)).toEqual([conv.id]);
    const timeline = await api({ url }, "get", `${path}/messages?limit=2`, { token: viewer });
    expect(timeline.body.items.map((i: Json) => i.kind)).toEqual(["note", "outbound"]);
    const rest = await api({ url }, "get", `${path}/messages?limit=2&cursor=${timeline.body.nextCursor}`, {
      token: viewer,
    });
    expect(rest.body.items.map((i: Json) => [i.kind, i.text])).toEqual([["inbound", "Vocês entregam em Campinas?"]]);
    // A new message reopens it.
    await contact.sendText(ACCOUNT, "Obrigada!");
    await waitFor(async () =>
      (await api({ url }, "get", path, { token: viewer })).body.status === "open" ? true : undefined,
    );
    // Viewers read but cannot work the inbox; another organization sees nothing.
    expect((await api({ url }, "post", `${path}/messages`, { token: viewer, body: { text: "x" } })).status).toBe(403);
    expect((await api({ url }, "patch", path, { token: viewer, body: { status: "closed" } })).status).toBe(403);
    expect(
      (await api({ url }, "get", `/api/v1/orgs/${b.orgId}/conversations/${conv.id}`, { token: outsider })).status,
    ).toBe(404);
  });
});

describe("crash safety", () => {
  it("a worker killed with SIGKILL while sending never sends twice: unknown, then delivered from the receipt", async () => {
    // The server never acks and the phone takes a while: the row is still `sending` when the worker dies.
    sim.phone(ACCOUNT).fault({ type: "missing-acks" });
    // The receipt comes late enough that a busy machine still kills the worker before it arrives.
    const contact = sim.contact("5511977660001", { deliveryDelayMs: 6_000, readDelayMs: null });
    const sent = await send({ to: "+5511977660001", text: "mensagem única" });
    await sim.groundTruth.waitFor((m) => m.contact === contact.phone, 40_000);
    expect((await message(sent.body.id)).state).toBe("sending");
    await stopWorker("SIGKILL");
    sim.phone(ACCOUNT).fault({ type: "clear" });
    startWorker();
    const done = await waitState(sent.body.id, ["delivered"], 70_000);
    const states = done.history.map((s: Json) => s.state) as string[];
    expect(states.slice(0, 4)).toEqual(["queued", "claimed", "sending", "unknown"]);
    expect(states.at(-1)).toBe("delivered");
    // Give a resend every chance to happen, then read wa-sim's record: one message.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(contact.messages(ACCOUNT).map((m) => m.text)).toEqual(["mensagem única"]);
  }, 150_000);
});
