/**
 * What arrives, end to end (the real orchestrator, a worker process with real Baileys, wa-sim's contacts): replies
 * keep what they quote, both ways — linked to the quoted message, in the timeline, the webhook and the inbox reply —,
 * and media (a voice note, a photo) are stored as what they are with their caption, count as replies to a campaign
 * and show in the conversation's preview; a reaction is stored and linked to what it reacts to, and an edit or a
 * deletion for everyone changes the message it names.
 */
import { type E2eStack, pairByQr, startE2eStack, waiter } from "@mirage/testing/e2e-stack";
import type { OrgFixture } from "@mirage/testing/fixtures";
import type { TestDatabase } from "@mirage/testing/postgres";
import type { Simulator } from "@mirage/wa-sim";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { inProcessOrchestrator, retryWhileUnavailable } from "./e2e.ts";
import { api, type Json } from "./harness.ts";

// Real sockets and a worker process on a shared 2-core machine: every step waits on events, with room.
vi.setConfig({ testTimeout: 120_000 });

let stack: E2eStack;
let t: TestDatabase;
let a: OrgFixture;
let sim: Simulator;
let url: string;
let operator: string;
let viewer: string;
let instanceId: string;
const ACCOUNT = "5511966120001";
const waitFor = waiter(40_000);

const conversations = () => `/api/v1/orgs/${a.orgId}/conversations`;
const send = (body: Json) =>
  retryWhileUnavailable(() =>
    api({ url }, "post", `/api/v1/orgs/${a.orgId}/instances/${instanceId}/messages`, { token: operator, body }),
  );
const waitState = (id: number, states: string[]) =>
  waitFor<Json>(
    async () => {
      const m = (await api({ url }, "get", `/api/v1/orgs/${a.orgId}/messages/${id}`, { token: viewer })).body;
      return states.includes(m.state) ? m : undefined;
    },
    40_000,
    `message ${id} ${states.join("|")}`,
  );
const conversationOf = (phone: string) =>
  waitFor<Json>(
    async () => {
      const r = await api({ url }, "get", `${conversations()}?limit=100`, { token: viewer });
      return (r.body.items as Json[]).find((c) => c.peerPhone === phone);
    },
    40_000,
    `conversation with ${phone}`,
  );
const inboundRow = (waMessageId: string) =>
  waitFor<Json>(async () => {
    const [r] = await t.admin`select * from public.inbound_messages where wa_message_id = ${waMessageId}`;
    return r;
  });

beforeAll(async () => {
  stack = await startE2eStack({
    name: "inb",
    orgs: ["inb-a"],
    sim: { contactDefaults: { deliveryDelayMs: 60, readDelayMs: 120 } },
    orchestrator: inProcessOrchestrator({ WEBHOOK_WORKER_ENABLED: "false" }),
    workerEnv: { SEND_SWEEP_MS: "300" },
    workers: ["w-inb"],
  });
  ({ t, sim, url } = stack);
  [a] = stack.orgs as [OrgFixture];
  operator = await stack.token(a.users.operator);
  viewer = await stack.token(a.users.viewer);
  // A webhook endpoint, so the outbox rows of inbound messages can be asserted.
  await t.admin`insert into public.webhook_endpoints (org_id, url) values (${a.orgId}, 'https://hooks.example.com/i')`;
  instanceId = await pairByQr(stack, { org: a, token: operator, name: "sales", phone: ACCOUNT, timeoutMs: 60_000 });
}, 180_000);

afterAll(() => stack?.close(), 60_000);

describe("quoted replies", () => {
  it("a reply keeps what it quotes, either way: linked to the quoted message, in the timeline, webhook and inbox", async () => {
    const contact = sim.contact("5511977670001", { name: "Eva" });
    const offer = await send({ to: "+5511977670001", text: "Temos duas ofertas: A e B" });
    const offerSent = await waitState(offer.body.id, ["delivered", "read"]);
    const later = await send({ to: "+5511977670001", text: "Qual prefere?" });
    await waitState(later.body.id, ["delivered", "read"]);
    // The contact answers the first message, quoting it: linked to that one, not to the latest sent.
    const answer = await contact.sendText(ACCOUNT, "A, por favor", { quote: offerSent.waMessageId });
    const row = await inboundRow(answer);
    expect(row).toMatchObject({
      reply_to_wa_id: offerSent.waMessageId,
      reply_to_from_me: true,
      reply_to_text: "Temos duas ofertas: A e B",
    });
    expect(Number(row.in_reply_to_id)).toBe(offer.body.id);
    const [hook] = await t.admin<{ payload: Json }[]>`
      select payload from public.webhook_deliveries
      where event_type = 'message:inbound' and payload->>'waMessageId' = ${answer}`;
    const offerQuote = { waMessageId: offerSent.waMessageId, fromMe: true, text: "Temos duas ofertas: A e B" };
    expect(hook?.payload.replyTo).toEqual(offerQuote);
    // Quoting their own earlier message: not the instance's, so linked to the latest sent as before.
    const first = await contact.sendText(ACCOUNT, "e o frete?");
    const again = await contact.sendText(ACCOUNT, "alguém?", { quote: first });
    const own = await inboundRow(again);
    expect(own).toMatchObject({ reply_to_wa_id: first, reply_to_from_me: false, reply_to_text: "e o frete?" });
    expect(Number(own.in_reply_to_id)).toBe(later.body.id);

    // The operator answers from the inbox quoting the contact's message: the contact's phone shows the quote.
    const conv = await conversationOf("+5511977670001");
    const path = `${conversations()}/${conv.id}`;
    const replyWith = (body: Json) => api({ url }, "post", `${path}/messages`, { token: operator, body });
    expect((await replyWith({ text: "x", replyTo: "NO-SUCH-ID" })).status).toBe(422);
    const reply = await replyWith({ text: "Anotado, oferta A!", replyTo: answer });
    expect(reply.status).toBe(202);
    await waitState(reply.body.id, ["delivered", "read"]);
    const got = contact.messages(ACCOUNT).find((m) => m.text === "Anotado, oferta A!");
    expect(got?.quoted).toEqual({ id: answer, participant: `${contact.phone}@s.whatsapp.net`, text: "A, por favor" });

    const timeline = await api({ url }, "get", `${path}/messages?notes=false`, { token: viewer });
    const byText = new Map((timeline.body.items as Json[]).map((i) => [i.text, i]));
    expect(byText.get("A, por favor")?.replyTo).toEqual(offerQuote);
    expect(byText.get("Anotado, oferta A!")?.replyTo).toEqual({
      waMessageId: answer,
      fromMe: false,
      text: "A, por favor",
    });
    expect(byText.get("Qual prefere?")?.replyTo).toBeNull();
  });
});

describe("media", () => {
  it("a voice note and a photo are stored as what they are, with the caption; a voice note answering counts as a reply", async () => {
    const contact = sim.contact("5511977680001", { name: "Gil" });
    const offer = await send({ to: "+5511977680001", text: "Posso ligar amanhã?" });
    await waitState(offer.body.id, ["delivered", "read"]);
    const voice = await contact.sendMedia(ACCOUNT, "voice");
    const row = await inboundRow(voice);
    expect(row).toMatchObject({ message_type: "voice", body: "" });
    // Linked to what it answers, like a text: a campaign's replied count and stop-on-reply see it.
    expect(Number(row.in_reply_to_id)).toBe(offer.body.id);
    const conv = await conversationOf("+5511977680001");
    expect(conv.lastMessagePreview).toBe("🎤");
    const photo = await contact.sendMedia(ACCOUNT, "image", { caption: "o comprovante" });
    await inboundRow(photo);
    const after = await waitFor<Json>(async () => {
      const c = (await api({ url }, "get", `${conversations()}/${conv.id}`, { token: viewer })).body;
      return c.lastMessagePreview === "📷 o comprovante" ? c : undefined;
    });
    expect(after.unreadCount).toBe(2);
    const timeline = await api({ url }, "get", `${conversations()}/${conv.id}/messages?notes=false`, { token: viewer });
    expect(timeline.body.items.map((i: Json) => [i.kind, i.messageType, i.text])).toEqual([
      ["inbound", "image", "o comprovante"],
      ["inbound", "voice", ""],
      ["outbound", "text", "Posso ligar amanhã?"],
    ]);
    const hooks = await t.admin<{ payload: Json }[]>`
      select payload from public.webhook_deliveries where event_type = 'message:inbound'
        and payload->>'waMessageId' = any(${[voice, photo]}::text[]) order by id`;
    expect(hooks.map((h) => [h.payload.messageType, h.payload.text])).toEqual([
      ["voice", ""],
      ["image", "o comprovante"],
    ]);
  });
});

describe("reactions, edits and deletions", () => {
  it("a reaction is stored and linked to what it reacts to; an edit replaces the text, a deletion empties it; the number reacts back", async () => {
    const contact = sim.contact("5511977690001", { name: "Iara" });
    const offer = await send({ to: "+5511977690001", text: "Oferta: 2 por 1 hoje" });
    const offerSent = await waitState(offer.body.id, ["delivered", "read"]);
    // 👍 to the offer: a message of its own, linked to the offer as a reply is.
    const like = await contact.react(ACCOUNT, offerSent.waMessageId, "👍");
    const reaction = await inboundRow(like);
    expect(reaction).toMatchObject({
      message_type: "reaction",
      body: "👍",
      reply_to_wa_id: offerSent.waMessageId,
      reply_to_from_me: true,
    });
    expect(Number(reaction.in_reply_to_id)).toBe(offer.body.id);
    // …and says what it reacts to, as a reply does: the webhook's replyTo carries the offer's text.
    const [hook] = await t.admin<{ payload: Json }[]>`
      select payload from public.webhook_deliveries where event_type = 'message:inbound'
        and payload->>'waMessageId' = ${like}`;
    expect(hook?.payload.replyTo).toEqual({
      waMessageId: offerSent.waMessageId,
      fromMe: true,
      text: "Oferta: 2 por 1 hoje",
    });
    const conv = await conversationOf("+5511977690001");

    const typo = await contact.sendText(ACCOUNT, "quero 1");
    await inboundRow(typo);
    await contact.edit(ACCOUNT, typo, "quero 2");
    const edited = await waitFor<Json>(async () => {
      const [r] = await t.admin`select * from public.inbound_messages where wa_message_id = ${typo}`;
      return r?.edited_at ? r : undefined;
    });
    expect(edited.body).toBe("quero 2");
    const preview = await waitFor<Json>(async () => {
      const c = (await api({ url }, "get", `${conversations()}/${conv.id}`, { token: viewer })).body;
      return c.lastMessagePreview === "quero 2" ? c : undefined;
    });
    expect(preview.lastMessagePreview).toBe("quero 2");

    const oops = await contact.sendText(ACCOUNT, "meu CPF é 123");
    await inboundRow(oops);
    await contact.deleteForEveryone(ACCOUNT, oops);
    const deleted = await waitFor<Json>(async () => {
      const [r] = await t.admin`select * from public.inbound_messages where wa_message_id = ${oops}`;
      return r?.deleted_at ? r : undefined;
    });
    expect(deleted.body).toBe("");
    // The latest message deleted: the conversation's preview says so, as WhatsApp's chat list does.
    await waitFor<Json>(async () => {
      const c = (await api({ url }, "get", `${conversations()}/${conv.id}`, { token: viewer })).body;
      return c.lastMessagePreview === "🚫" ? c : undefined;
    });
    // The contact cannot delete the instance's message through a forged id: nothing of the offer changes.
    await inboundRow(await contact.sendText(ACCOUNT, "ok"));
    const [offerRow] = await t.admin`select body from public.outbound_messages where id = ${offer.body.id}`;
    expect(offerRow?.body).toBe("Oferta: 2 por 1 hoje");

    const timeline = await api({ url }, "get", `${conversations()}/${conv.id}/messages?notes=false`, { token: viewer });
    const items = (timeline.body.items as Json[]).map((i) => [
      i.kind,
      i.messageType,
      i.text,
      !!i.editedAt,
      !!i.deletedAt,
    ]);
    expect(items).toEqual([
      ["inbound", "text", "ok", false, false],
      ["inbound", "text", "", false, true],
      ["inbound", "text", "quero 2", true, false],
      ["inbound", "reaction", "👍", false, false],
      ["outbound", "text", "Oferta: 2 por 1 hoje", false, false],
    ]);
    // The reaction names what it reacts to with that message's text (the reaction itself carries only its id).
    expect((timeline.body.items as Json[]).find((i) => i.messageType === "reaction")?.replyTo).toEqual({
      waMessageId: offerSent.waMessageId,
      fromMe: true,
      text: "Oferta: 2 por 1 hoje",
    });
    const hooks = await t.admin<{ payload: Json }[]>`
      select payload from public.webhook_deliveries where event_type = 'message:updated'
        and payload->>'waMessageId' = any(${[typo, oops]}::text[]) order by id`;
    expect(hooks.map((h) => [h.payload.waMessageId, h.payload.change, h.payload.text])).toEqual([
      [typo, "edited", "quero 2"],
      [oops, "deleted", null],
    ]);

    // The operator reacts to the contact's message: the contact's phone gets the reaction, the timeline shows it.
    const react = (wa: string, emoji: string) =>
      api({ url }, "put", `${conversations()}/${conv.id}/messages/${wa}/reaction`, {
        token: operator,
        body: { emoji },
      });
    expect((await react(typo, "👍🏽")).body).toEqual({ waMessageId: typo, emoji: "👍🏽" });
    const got = await waitFor(async () => contact.messages(ACCOUNT).find((m) => m.reaction?.id === typo));
    expect(got.reaction).toEqual({ id: typo, emoji: "👍🏽" });
    expect((await react(typo, "")).body.emoji).toBeNull();
    // Taken back: the contact's phone sees the empty reaction (the API answers once WhatsApp acknowledged it), and
    // the timeline records none.
    await waitFor(async () =>
      contact.messages(ACCOUNT).find((m) => m.reaction?.id === typo && m.reaction.emoji === ""),
    ).catch((err: Error) => {
      // What the phone got instead, and any stanza wa-sim acked but could not hand it: the cause, not just "not met".
      const seen = contact.messages(ACCOUNT).map((m) => [m.id, m.contentType, m.reaction?.emoji]);
      throw new Error(`${err.message}; received ${JSON.stringify(seen)}; dropped ${JSON.stringify(contact.dropped())}`);
    });
    const cleared = await api({ url }, "get", `${conversations()}/${conv.id}/messages?notes=false`, { token: viewer });
    expect((cleared.body.items as Json[]).find((i) => i.waMessageId === typo)?.myReaction).toBeNull();
    // Not an emoji, two of them, the number's own message, a deleted one, a viewer: refused.
    expect((await react(typo, "ok")).status).toBe(400);
    expect((await react(typo, "👍👍")).status).toBe(400);
    expect((await react(offerSent.waMessageId, "👍")).status).toBe(404);
    expect((await react(oops, "👍")).status).toBe(404);
    const byViewer = await api({ url }, "put", `${conversations()}/${conv.id}/messages/${typo}/reaction`, {
      token: viewer,
      body: { emoji: "👍" },
    });
    expect(byViewer.status).toBe(403);
    await react(typo, "❤️");
    const after = await api({ url }, "get", `${conversations()}/${conv.id}/messages?notes=false`, { token: viewer });
    expect((after.body.items as Json[]).find((i) => i.waMessageId === typo)?.myReaction).toBe("❤️");
  });
});
