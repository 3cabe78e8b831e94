/**
 * The inbound pipeline against real Postgres: batches written set-based by private.ingest_inbound. Each WhatsApp id
 * is stored, counted, pushed live and written to webhooks once — replays, duplicates inside a batch and two writers
 * racing on the same ids included —, and a lane that falls behind writes what waited in one bigger batch. Edits
 * and deletions change the sender's own message, also when they arrive before it.
 */
import type { TChangeNotification } from "@mirage/contracts/changes";
import { listenChanges } from "@mirage/db/changes";
import type { IngestedInbound } from "@mirage/db/inbound-messages";
import { createLogger } from "@mirage/logger";
import { createTestDatabase, type TestDatabase } from "@mirage/testing/postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInboundPipeline } from "../src/messaging/inbound.ts";
import type { InboundMessage, SessionsPort } from "../src/sessions/index.ts";

let t: TestDatabase;
let orgId: string;
const instances: string[] = [];
const silent = createLogger({ service: "test", level: "silent" });
const port = { onInbound: () => () => {} } as unknown as SessionsPort;

beforeAll(async () => {
  t = await createTestDatabase();
  const [org] = await t.admin<{ id: string }[]>`
    insert into public.organizations (name, slug) values ('Inbound', 'inbound') returning id`;
  orgId = (org as { id: string }).id;
  await t.admin`insert into public.webhook_endpoints (org_id, url) values (${orgId}, 'https://hooks.example.com/in')`;
  for (let i = 0; i < 3; i++) {
    const [row] = await t.admin<{ id: string }[]>`
      insert into public.instances (org_id, name, status) values (${orgId}, ${`in-${i}`}, 'connected') returning id`;
    instances.push((row as { id: string }).id);
  }
}, 30_000);

afterAll(async () => {
  await t?.drop();
});

/** Message n of sender s on instance i; every fifth sender writes by LID only (its LID unknown to the org). */
const message = (prefix: string, n: number, s: number, i: number): InboundMessage => {
  const lidOnly = s % 5 === 4;
  const phoneJid = `55119${60_000_000 + s}@s.whatsapp.net`;
  const lid = `${20_000_000_000 + s}@lid`;
  return {
    instanceId: instances[i] as string,
    orgId,
    messageId: `${prefix}${n.toString(16).toUpperCase().padStart(8, "0")}`,
    fromJid: lidOnly ? lid : phoneJid,
    fromPhoneJid: lidOnly ? null : phoneJid,
    fromLid: lidOnly ? lid : null,
    pushName: `Pessoa ${s}`,
    text: `mensagem ${n}`,
    at: new Date(Date.UTC(2026, 11, 1, 10, 0, 0, n)),
    messageType: "text",
    quoted: null,
    replay: false,
  };
};

async function counts(prefix: string) {
  const [row] = await t.admin<{ stored: number; distinct: number; hooks: number; unread: number }[]>`
    select (select count(*)::int from public.inbound_messages where wa_message_id like ${`${prefix}%`}) as stored,
           (select count(distinct (instance_id, wa_message_id))::int from public.inbound_messages
             where wa_message_id like ${`${prefix}%`}) as distinct,
           (select count(*)::int from public.webhook_deliveries
             where event_type = 'message:inbound' and payload ->> 'waMessageId' like ${`${prefix}%`}) as hooks,
           (select coalesce(sum(unread_count), 0)::int from public.conversations) as unread`;
  return row as { stored: number; distinct: number; hooks: number; unread: number };
}

describe("inbound pipeline", () => {
  it("stores each id once with replays and in-batch duplicates, pushed live and to webhooks once, in arrival order", async () => {
    const seen: TChangeNotification[] = [];
    const { unlisten } = await listenChanges(t.db.sql, (c) => {
      if (c.table === "inbound_messages") seen.push(c);
    });
    const stored: IngestedInbound[] = [];
    const pipeline = createInboundPipeline({
      db: t.db,
      sessions: port,
      logger: silent,
      options: {
        batchMax: 50,
        flushMs: 5,
        settingsTtlMs: 60_000,
        onStored: (rows) => stored.push(...rows),
      },
    });
    const sent: InboundMessage[] = [];
    for (let n = 0; n < 600; n++) {
      const m = message("A", n, n % 40, n % 3);
      sent.push(m);
      pipeline.accept(m);
      // A reconnect replays the last few messages, some of them inside the batch being gathered.
      if (n % 25 === 24) for (const r of sent.slice(-6)) pipeline.accept({ ...r, replay: true });
    }
    await pipeline.close();

    expect(stored).toHaveLength(600);
    expect(new Set(stored.map((s) => `${s.instanceId}/${s.waMessageId}`)).size).toBe(600);
    expect(await counts("A")).toEqual({ stored: 600, distinct: 600, hooks: 600, unread: 600 });

    // Per instance, ids grow with arrival order (each lane writes its instances' messages in order).
    for (const instanceId of instances) {
      const rows = await t.admin<{ wa_message_id: string }[]>`
        select wa_message_id from public.inbound_messages where instance_id = ${instanceId} and wa_message_id like 'A%'
        order by id`;
      const ids = rows.map((r) => r.wa_message_id);
      expect(ids).toEqual([...ids].sort());
    }

    await expect.poll(() => seen.length, { timeout: 10_000 }).toBe(600);
    expect(new Set(seen.map((c) => c.id)).size).toBe(600);
    expect(seen.every((c) => c.op === "insert" && c.org_id === orgId)).toBe(true);
    await unlisten();
  }, 60_000);

  it("threads a sender's messages into one conversation per instance with the right unread count and preview", async () => {
    const rows = await t.admin<{ peer_phone: string | null; unread_count: number; last_message_preview: string }[]>`
      select c.peer_phone, c.unread_count, c.last_message_preview from public.conversations c
      where c.instance_id = ${instances[0] as string} and c.peer_phone = '+5511960000000'`;
    // Sender 0 writes on instance n % 3 = 0 when n % 40 = 0 and n % 3 = 0: n = 0, 120, 240, 360, 480.
    expect(rows).toEqual([{ peer_phone: "+5511960000000", unread_count: 5, last_message_preview: "mensagem 480" }]);
    const [contacts] = await t.admin<{ n: number }[]>`
      select count(*)::int as n from public.contacts where phone_e164 = '+5511960000000'`;
    expect(contacts?.n).toBe(1);
  });

  it("a lane that falls behind writes everything that waited in its next batch", async () => {
    const sizes: number[] = [];
    const pipeline = createInboundPipeline({
      db: t.db,
      sessions: port,
      logger: silent,
      options: {
        batchMax: 50,
        flushMs: 5,
        settingsTtlMs: 60_000,
        lanes: 1,
        onStored: (rows) => sizes.push(rows.length),
      },
    });
    // Holding the endpoint row blocks the first write at its webhook rows (their foreign-key check waits).
    await t.admin.begin(async (tx) => {
      await tx`select id from public.webhook_endpoints where org_id = ${orgId} for update`;
      for (let n = 0; n < 300; n++) pipeline.accept(message("C", n, n % 20, n % 3));
      await expect
        .poll(
          async () =>
            (
              await tx<{ n: number }[]>`
                select count(*)::int as n from pg_stat_activity
                where datname = current_database() and wait_event_type = 'Lock' and usename = 'mirage_app'`
            )[0]?.n,
          { timeout: 10_000 },
        )
        .toBe(1);
    });
    await pipeline.close();
    expect(sizes).toEqual([50, 250]);
    expect((await counts("C")).stored).toBe(300);
  }, 30_000);

  it("two workers racing on the same ids (a failover replaying history) store and announce each one once", async () => {
    const before = await counts("B");
    const stored: IngestedInbound[] = [];
    const pipelines = [50, 120].map((batchMax) =>
      createInboundPipeline({
        db: t.db,
        sessions: port,
        logger: silent,
        options: { batchMax, flushMs: 5, settingsTtlMs: 60_000, onStored: (rows) => stored.push(...rows) },
      }),
    );
    // Both get every message, in arrival order, with their own batch boundaries, at the same time.
    for (let n = 0; n < 300; n++) {
      const m = message("B", n, n % 30, n % 3);
      for (const p of pipelines) p.accept(m);
    }
    await Promise.all(pipelines.map((p) => p.close()));
    expect(stored).toHaveLength(300);
    expect(new Set(stored.map((a) => `${a.instanceId}/${a.waMessageId}`)).size).toBe(300);
    expect(await counts("B")).toEqual({ stored: 300, distinct: 300, hooks: 300, unread: before.unread + 300 });
  }, 60_000);

  it("a reply is linked to the message it quotes when the instance sent it to that person, else to the latest sent", async () => {
    const instanceId = instances[2] as string;
    const person = "+5511960009001";
    const other = "+5511960009002";
    const out = async (wa: string, to: string, minutesAgo: number) => {
      const [row] = await t.admin<{ id: string }[]>`
        insert into public.outbound_messages (org_id, instance_id, recipient_phone, body, source, state, wa_message_id,
                                              created_at)
        values (${orgId}, ${instanceId}, ${to}, ${`oferta ${wa}`}, 'api', 'delivered', ${wa},
                now() - make_interval(mins => ${minutesAgo}))
        returning id`;
      return Number(row?.id);
    };
    const older = await out("OUT-OLD", person, 30);
    const latest = await out("OUT-NEW", person, 10);
    await out("OUT-OTHER", other, 5);
    const pipeline = createInboundPipeline({
      db: t.db,
      sessions: port,
      logger: silent,
      options: { batchMax: 10, flushMs: 5, settingsTtlMs: 60_000 },
    });
    const reply = (id: string, quoted: InboundMessage["quoted"], messageType: InboundMessage["messageType"] = "text") =>
      pipeline.accept({
        ...message("Q", 0, 9001, 2),
        messageId: id,
        fromJid: "5511960009001@s.whatsapp.net",
        fromPhoneJid: "5511960009001@s.whatsapp.net",
        messageType,
        text: messageType === "text" ? "quero a primeira" : "",
        quoted,
      });
    reply("Q-OLD", { id: "OUT-OLD", fromMe: true, text: "oferta OUT-OLD" });
    // A quote naming another person's message (a forged id) links nothing of theirs.
    reply("Q-FORGED", { id: "OUT-OTHER", fromMe: true, text: "?" });
    reply("Q-NONE", null, "voice");
    await pipeline.close();
    const rows = await t.admin<{ wa_message_id: string; in_reply_to_id: string; message_type: string }[]>`
      select wa_message_id, in_reply_to_id, message_type from public.inbound_messages
      where wa_message_id like 'Q-%' order by wa_message_id`;
    expect(rows.map((r) => [r.wa_message_id, Number(r.in_reply_to_id), r.message_type])).toEqual([
      ["Q-FORGED", latest, "text"],
      ["Q-NONE", latest, "voice"],
      ["Q-OLD", older, "text"],
    ]);
    const [conv] = await t.admin<{ last_message_preview: string }[]>`
      select last_message_preview from public.conversations where instance_id = ${instanceId} and peer_phone = ${person}`;
    expect(conv?.last_message_preview).toBe("🎤");
  }, 30_000);

  it("edits and deletions change only the sender's own message, once; an edit saying stop opts the person out", async () => {
    const instanceId = instances[1] as string;
    const pipeline = createInboundPipeline({
      db: t.db,
      sessions: port,
      logger: silent,
      options: { batchMax: 50, flushMs: 5, settingsTtlMs: 60_000 },
    });
    const from = (s: number, extra: Partial<InboundMessage>): InboundMessage => ({
      ...message("E", 0, s, 1),
      fromJid: `55119${60_000_000 + s}@s.whatsapp.net`,
      fromPhoneJid: `55119${60_000_000 + s}@s.whatsapp.net`,
      fromLid: null,
      ...extra,
    });
    const waiting = async (to: string) => {
      const [row] = await t.admin<{ id: string }[]>`
        insert into public.outbound_messages (org_id, instance_id, recipient_phone, body, source)
        values (${orgId}, ${instanceId}, ${to}, 'próxima oferta', 'api') returning id`;
      return Number(row?.id);
    };
    const queued = await waiting("+5511960007001");
    // The original and its edit in one batch: the edit finds it.
    pipeline.accept(from(7001, { messageId: "E-1", text: "quero 1" }));
    pipeline.accept(from(7001, { messageId: "E-1", text: "quero 2", change: "edited" }));
    pipeline.accept(from(7002, { messageId: "E-2", text: "meu endereço é…" }));
    // A reply of theirs and one of the number's quote it.
    pipeline.accept(
      from(7002, { messageId: "E-3", text: "esse", quoted: { id: "E-2", fromMe: false, text: "meu endereço é…" } }),
    );
    await t.admin`
      insert into public.outbound_messages (org_id, instance_id, recipient_phone, body, source, state, wa_message_id,
                                            reply_to_wa_id, reply_to_from_me, reply_to_text)
      values (${orgId}, ${instanceId}, '+5511960007002', 'anotado', 'api', 'delivered', 'E-OUT', 'E-2', false,
              'meu endereço é…')`;
    // Another sender naming E-2 (a forged id) changes nothing of it.
    pipeline.accept(from(7001, { messageId: "E-2", text: "", change: "deleted" }));
    await pipeline.flush();
    pipeline.accept(from(7002, { messageId: "E-2", text: "", change: "deleted" }));
    // A deleted message is not edited back; a replayed edit changes nothing more.
    pipeline.accept(from(7002, { messageId: "E-2", text: "de volta", change: "edited" }));
    pipeline.accept(from(7001, { messageId: "E-1", text: "quero 2", change: "edited" }));
    await pipeline.flush();
    pipeline.accept(from(7001, { messageId: "E-1", text: "SAIR", change: "edited" }));
    await pipeline.close();

    const rows = await t.admin<
      { wa_message_id: string; body: string; edited: boolean; deleted: boolean; opt: boolean }[]
    >`
      select wa_message_id, body, edited_at is not null as edited, deleted_at is not null as deleted, is_opt_out as opt
      from public.inbound_messages where wa_message_id like 'E-%' order by wa_message_id`;
    expect(rows.map((r) => [r.wa_message_id, r.body, r.edited, r.deleted, r.opt])).toEqual([
      ["E-1", "SAIR", true, false, true],
      ["E-2", "", false, true, false],
      ["E-3", "esse", false, false, false],
    ]);
    // The deleted text is gone from the quotes too, the person's reply's and the number's.
    const quotes = await t.admin<{ text: string }[]>`
      select reply_to_text as text from public.inbound_messages where wa_message_id = 'E-3'
      union all select reply_to_text from public.outbound_messages where wa_message_id = 'E-OUT'`;
    expect(quotes.map((q) => q.text)).toEqual(["", ""]);
    const hooks = await t.admin<{ wa: string; change: string }[]>`
      select payload->>'waMessageId' as wa, payload->>'change' as change from public.webhook_deliveries
      where event_type = 'message:updated' and payload->>'waMessageId' like 'E-%' order by id`;
    expect(hooks.map((h) => [h.wa, h.change])).toEqual([
      ["E-1", "edited"],
      ["E-2", "deleted"],
      ["E-1", "edited"],
    ]);
    const [out] = await t.admin<{ state: string; error_code: string }[]>`
      select state, error_code from public.outbound_messages where id = ${queued}`;
    expect(out).toEqual({ state: "cancelled", error_code: "opted_out" });
    const [blocked] = await t.admin<{ n: number }[]>`
      select count(*)::int as n from public.blacklist where org_id = ${orgId} and phone_e164 = '+5511960007001'`;
    expect(blocked?.n).toBe(1);
    const [conv] = await t.admin<{ last_message_preview: string }[]>`
      select last_message_preview from public.conversations
      where instance_id = ${instanceId} and peer_phone = '+5511960007002'`;
    expect(conv?.last_message_preview).toBe("esse");
  }, 30_000);

  it("an edit and a deletion that arrive before their messages (history replayed out of order) apply when they do", async () => {
    const instanceId = instances[2] as string;
    const pipeline = createInboundPipeline({
      db: t.db,
      sessions: port,
      logger: silent,
      options: { batchMax: 50, flushMs: 5, settingsTtlMs: 60_000 },
    });
    const from = (extra: Partial<InboundMessage>): InboundMessage => ({
      ...message("P", 0, 7201, 2),
      fromJid: "5511967207201@s.whatsapp.net",
      fromPhoneJid: "5511967207201@s.whatsapp.net",
      fromLid: null,
      ...extra,
    });
    pipeline.accept(from({ messageId: "P-1", text: "quero 3", change: "edited" }));
    pipeline.accept(from({ messageId: "P-2", text: "", change: "deleted" }));
    await pipeline.flush();
    const stored = () => t.admin<{ wa: string; body: string; edited: boolean; deleted: boolean }[]>`
      select wa_message_id as wa, body, edited_at is not null as edited, deleted_at is not null as deleted
      from public.inbound_messages where instance_id = ${instanceId} and wa_message_id like 'P-%' order by 1`;
    expect(await stored()).toEqual([]);

    pipeline.accept(from({ messageId: "P-1", text: "quero 1" }));
    pipeline.accept(from({ messageId: "P-2", text: "meu cpf é 123" }));
    await pipeline.close();
    expect(await stored()).toEqual([
      { wa: "P-1", body: "quero 3", edited: true, deleted: false },
      { wa: "P-2", body: "", edited: false, deleted: true },
    ]);
    const hooks = await t.admin<{ wa: string; type: string }[]>`
      select payload->>'waMessageId' as wa, event_type as type from public.webhook_deliveries
      where payload->>'instanceId' = ${instanceId} and payload->>'waMessageId' like 'P-%' order by id`;
    expect(hooks.map((h) => `${h.wa} ${h.type}`)).toEqual([
      "P-1 message:inbound",
      "P-2 message:inbound",
      "P-1 message:updated",
      "P-2 message:updated",
    ]);
    const [conv] = await t.admin<{ last_message_preview: string }[]>`
      select last_message_preview from public.conversations
      where instance_id = ${instanceId} and peer_phone = '+5511967207201'`;
    expect(conv?.last_message_preview).toBe("🚫");
  }, 30_000);

  it("a reaction is not an unread message, and one taken back leaves the thread's preview as it was", async () => {
    const pipeline = createInboundPipeline({
      db: t.db,
      sessions: port,
      logger: silent,
      options: { batchMax: 50, flushMs: 5, settingsTtlMs: 60_000 },
    });
    const from = (extra: Partial<InboundMessage>): InboundMessage => ({
      ...message("R", 0, 7101, 0),
      fromJid: "5511967107101@s.whatsapp.net",
      fromPhoneJid: "5511967107101@s.whatsapp.net",
      fromLid: null,
      ...extra,
    });
    const thread = async () => {
      const [c] = await t.admin<{ unread_count: number; last_message_preview: string }[]>`
        select unread_count, last_message_preview from public.conversations
        where instance_id = ${instances[0] as string} and peer_phone = '+5511967107101'`;
      return c;
    };
    pipeline.accept(from({ messageId: "R-1", text: "tem em azul?" }));
    await pipeline.flush();
    expect(await thread()).toEqual({ unread_count: 1, last_message_preview: "tem em azul?" });
    const reacted = { id: "OUT-ANY", fromMe: true, text: "" };
    pipeline.accept(from({ messageId: "R-2", messageType: "reaction", text: "👍", quoted: reacted }));
    await pipeline.flush();
    expect(await thread()).toEqual({ unread_count: 1, last_message_preview: "👍" });
    pipeline.accept(from({ messageId: "R-3", messageType: "reaction", text: "", quoted: reacted }));
    await pipeline.close();
    expect(await thread()).toEqual({ unread_count: 1, last_message_preview: "👍" });
  }, 30_000);
});
