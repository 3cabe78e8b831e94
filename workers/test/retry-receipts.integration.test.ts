// A recipient's phone that could not decrypt a message asks for it again (a retry receipt) — here after the
// sending socket was replaced, so Baileys' in-memory copy is gone and only the stored row can answer. Real Postgres,
// the real session host and unmodified Baileys against wa-sim; what the contact received is wa-sim's record.
import { eraseContact } from "@mirage/db/contact-privacy";
import { setOwnReaction } from "@mirage/db/inbound-messages";
import { findResendableMessage } from "@mirage/db/resendable-messages";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionHost } from "../src/sessions/index.ts";
import { createWorld, type World } from "./harness.ts";

let w: World;
let host: SessionHost;
let instanceId: string;
const ACCOUNT = "5511987720001";

beforeAll(async () => {
  w = await createWorld("retry-receipts");
  host = w.host("wr1");
  instanceId = await w.instance("retry", "wr1");
}, 60_000);
afterAll(async () => {
  await w?.close();
});

/** A row as the send path leaves it once written (`state`), under `waMessageId`. */
async function stored(input: {
  phone: string;
  body: string;
  waMessageId: string;
  state?: string;
  replyTo?: { id: string; fromMe: boolean; text: string };
}): Promise<void> {
  const r = input.replyTo;
  await w.t.admin`
    insert into public.outbound_messages
      (org_id, instance_id, recipient_phone, body, state, wa_message_id, reply_to_wa_id, reply_to_from_me, reply_to_text)
    values (${w.org.orgId}, ${instanceId}, ${`+${input.phone}`}, ${input.body}, ${input.state ?? "sending"}::public.message_state,
            ${input.waMessageId}, ${r?.id ?? null}, ${r?.fromMe ?? null}, ${r?.text ?? null})`;
}

async function restartSocket(): Promise<void> {
  const before = host.snapshot().find((s) => s.id === instanceId);
  expect(before?.hasSocket).toBe(true);
  await host.command({ type: "restart", instanceId });
  await w.waitStatus(instanceId, "connected");
}

describe("retry receipts after the socket that sent was replaced", () => {
  it("the message is written again from its stored row, once, with the quote of a reply", {
    timeout: 60_000,
  }, async () => {
    await host.command({ type: "start", instanceId });
    w.sim.phone(ACCOUNT).scan(await w.waitQr(instanceId));
    await w.waitStatus(instanceId, "connected");
    const contact = w.sim.contact("5511977730001", { decryptFailures: 1, retryDelayMs: null });
    // What the contact wrote first, which the reply quotes.
    const question = await contact.sendText(ACCOUNT, "vocês abrem sábado?");
    const receipts: string[] = [];
    host.port.onReceipt((r) => receipts.push(`${r.messageId}:${r.kind}`));
    const waMessageId = host.port.newMessageId(instanceId);
    const body = "Abrimos sim, das 9h às 13h.";
    await stored({
      phone: contact.phone,
      body,
      waMessageId,
      replyTo: { id: question, fromMe: false, text: "vocês abrem sábado?" },
    });
    await host.port.sendText({
      instanceId,
      to: contact.jid,
      text: body,
      messageId: waMessageId,
      quoted: { id: question, fromMe: false, text: "vocês abrem sábado?" },
    });
    await expect.poll(() => contact.dropped(ACCOUNT).map((d) => d.id), { timeout: 15_000 }).toEqual([waMessageId]);
    await restartSocket();

    expect(contact.sendHeldRetries()).toBe(1);
    await expect.poll(() => contact.messages(ACCOUNT).length, { timeout: 15_000 }).toBe(1);
    const [received] = contact.messages(ACCOUNT);
    expect(received).toMatchObject({
      id: waMessageId,
      text: body,
      quoted: { id: question, text: "vocês abrem sábado?" },
    });
    // The resend's delivery receipt reaches the send path like any other (it moves the row from there).
    await expect.poll(() => receipts.includes(`${waMessageId}:delivered`), { timeout: 15_000 }).toBe(true);
  });

  it("the number's reaction is written again from the row it reacted to, and only its latest one", {
    timeout: 60_000,
  }, async () => {
    const contact = w.sim.contact("5511977730004");
    const question = await contact.sendText(ACCOUNT, "gostou da proposta?");
    const [row] = await w.t.admin<{ id: number }[]>`
      insert into public.inbound_messages (org_id, instance_id, wa_message_id, from_jid, from_phone, body)
      values (${w.org.orgId}, ${instanceId}, ${question}, ${contact.jid}, ${`+${contact.phone}`}, 'gostou da proposta?')
      returning id`;
    const react = async (emoji: string) => {
      const sentId = await host.port.sendReaction(instanceId, contact.jid, question, emoji);
      await w.t.db.asService((tx) =>
        setOwnReaction(tx, { id: Number(row?.id), emoji: emoji || null, waMessageId: sentId }),
      );
      return sentId;
    };
    const first = await react("👀");
    w.sim.contact(contact.phone, { decryptFailures: 1, retryDelayMs: null });
    const latest = await react("👍");
    await expect.poll(() => contact.dropped(ACCOUNT).map((d) => d.id), { timeout: 15_000 }).toEqual([latest]);
    await restartSocket();

    expect(contact.sendHeldRetries()).toBe(1);
    await expect
      .poll(() => contact.messages(ACCOUNT).map((m) => [m.id, m.reaction?.emoji]), { timeout: 15_000 })
      .toEqual([
        [first, "👀"],
        [latest, "👍"],
      ]);
    expect(contact.messages(ACCOUNT)[1]?.reaction?.id).toBe(question);
    // The reaction it replaced is no longer the number's: a late request for it gets nothing.
    const find = (waMessageId: string) =>
      w.t.db.asService((tx) => findResendableMessage(tx, { instanceId, waMessageId }));
    expect(await find(first)).toBeUndefined();
    expect(await find(latest)).toEqual({
      kind: "reaction",
      target: { id: question, remoteJid: contact.jid },
      emoji: "👍",
    });
  });

  it("only messages the instance wrote and still keeps can be written again", async () => {
    await stored({ phone: "5511977730002", body: "falhou", waMessageId: "3EB0RETRYFAILED", state: "failed" });
    await stored({ phone: "5511977730002", body: "na fila", waMessageId: "3EB0RETRYQUEUED", state: "queued" });
    await stored({ phone: "5511977730002", body: "lida", waMessageId: "3EB0RETRYREAD", state: "read" });
    const find = (waMessageId: string) =>
      w.t.db.asService((tx) => findResendableMessage(tx, { instanceId, waMessageId }));
    expect(await find("3EB0RETRYFAILED")).toBeUndefined();
    expect(await find("3EB0RETRYQUEUED")).toBeUndefined();
    expect(await find("3EB0RETRYNONE")).toBeUndefined();
    expect(await find("3EB0RETRYREAD")).toEqual({ kind: "text", body: "lida", replyTo: null });
    // Another instance's copy is not this one's.
    const other = await w.instance("retry-other", "wr-none");
    expect(
      await w.t.db.asService((tx) => findResendableMessage(tx, { instanceId: other, waMessageId: "3EB0RETRYREAD" })),
    ).toBeUndefined();
  });

  it("after an erasure the hosting worker forgets the person's keys, even those written since; their next message still arrives", {
    timeout: 60_000,
  }, async () => {
    const contact = w.sim.contact("5511977730003");
    const texts: string[] = [];
    host.port.onInbound((m) => {
      if (m.fromPhoneJid === contact.jid || m.fromJid === contact.jid) texts.push(m.text);
    });
    const personRows = async () => {
      const [r] = await w.t.admin<{ n: number }[]>`
        select count(*)::int as n from public.wa_auth_keys where instance_id = ${instanceId}
          and (id like ${`${contact.phone}%`} or id like ${`${contact.lid}%`})`;
      return r?.n ?? 0;
    };
    await contact.sendText(ACCOUNT, "antes do apagamento");
    await expect.poll(() => texts, { timeout: 15_000 }).toEqual(["antes do apagamento"]);
    const [row] = await w.t.admin<{ id: string }[]>`
      insert into public.contacts (org_id, phone_e164, wa_lid, name)
      values (${w.org.orgId}, ${`+${contact.phone}`}, ${`${contact.lid}@lid`}, 'Eva') returning id`;
    const erased = await w.t.db.asService((tx) =>
      eraseContact(
        tx,
        w.org.orgId,
        {
          id: row?.id ?? "",
          phones: [`+${contact.phone}`],
          forms: [`+${contact.phone}`],
          waLid: `${contact.lid}@lid`,
          nationalNumbers: [],
        },
        "test",
      ),
    );
    expect(erased.signalKeys).toBeGreaterThan(0);
    expect(erased.keyUsers).toEqual(expect.arrayContaining([contact.phone, contact.lid]));
    expect(await personRows()).toBe(0);
    // Written in the moment after the erasure: the worker still held the session in memory, decrypted it, and
    // committed the ratchet step — the person is back in the store.
    await contact.sendText(ACCOUNT, "logo depois");
    await expect.poll(() => texts, { timeout: 15_000 }).toEqual(["antes do apagamento", "logo depois"]);
    await expect.poll(personRows, { timeout: 10_000 }).toBeGreaterThan(0);

    const forgot = await host.command({ type: "forget-person", instanceId, users: erased.keyUsers });
    expect(forgot.outcome).toBe("forgotten");
    expect(forgot.forgotten?.inMemory).toBeGreaterThan(0);
    expect(forgot.forgotten?.stored).toBeGreaterThan(0);
    expect(await personRows()).toBe(0);
    // Not hosted here: nothing in memory to forget.
    const elsewhere = await w.instance("retry-elsewhere", "wr-none");
    expect(await host.command({ type: "forget-person", instanceId: elsewhere, users: ["5511977730003"] })).toEqual({
      ok: true,
      outcome: "not_hosted",
    });

    // Their phone's session no longer decrypts here: the number asks for the message again and it arrives over a
    // new session, without a restart.
    await contact.sendText(ACCOUNT, "voltei a escrever");
    await expect
      .poll(() => texts, { timeout: 20_000 })
      .toEqual(["antes do apagamento", "logo depois", "voltei a escrever"]);
    // The copy that could not be decrypted was recovered: no mark on the number's health.
    await host.sampleHealthNow();
    const [health] = await w.t.admin<{ reasons: string[]; metrics: { decryptErrorsLastHour: number } }[]>`
      select reasons, metrics from public.instance_health where instance_id = ${instanceId}
      order by sampled_at desc limit 1`;
    expect(health?.metrics.decryptErrorsLastHour).toBe(0);
    expect(health?.reasons).not.toContain("decrypt_errors");
  });
});
