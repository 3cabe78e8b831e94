import type { TRealtimeEnvelope } from "@mirage/contracts/realtime";
import { workerCommandQueue } from "@mirage/contracts/worker-bus";
import { createWorkerCommandClient, createWorkerCommandConsumer } from "@mirage/queue/worker-commands";
import { createOrgWithMembers, type OrgFixture } from "@mirage/testing/fixtures";
import { until } from "@mirage/testing/until";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import type postgres from "postgres";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, type Harness, type Json, REDIS_URL, startHarness } from "./harness.ts";

// Erasure (LGPD) must reach every row that can hold the person, not only the ones that point at the contact: the
// inbox, notes, import errors, webhook deliveries, the lookup cache, rows naming the other ninth-digit form of the
// number or only the LID; rows that only quote it (saved segments, audit entries) keep everything but the quote;
// commands to the workers naming it leave Redis; open inboxes hear that its conversations are gone. Another
// contact's rows and another organization's rows with the same data stay.

let h: Harness;
let a: OrgFixture;
let b: OrgFixture;
let marketer: string;
let redis: Redis;
let socket: Socket | undefined;

const PHONE = "+5511976100001";
const PHONE_OTHER_FORM = "+551176100001"; // the same Brazilian mobile without its ninth digit
const ALT = "+5511976100002";
const LID = "76100001@lid";
const OTHER_PHONE = "+5511976100009";

beforeAll(async () => {
  h = await startHarness({ WEBHOOK_WORKER_ENABLED: "false", IMPORT_WORKER_ENABLED: "false" });
  a = await createOrgWithMembers(h.t.admin, "erase-a");
  b = await createOrgWithMembers(h.t.admin, "erase-b");
  marketer = await h.tokenFor(a.users.marketer);
  // BullMQ's blocking reads (the consumer, the command client's events) need a connection that never gives up.
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
});
afterAll(async () => {
  socket?.disconnect();
  await redis?.quit();
  await h?.close();
});

/** Commands to two workers naming the person (one waiting, one finished with its answer) and one naming another. */
async function seedCommands(instanceId: string) {
  const commands = createWorkerCommandClient({ connection: redis, prefix: h.prefix });
  await commands.send("erase-w1", { type: "on-whatsapp", instanceId, phones: [PHONE] });
  await commands.send("erase-w1", { type: "reaction", instanceId, remoteJid: LID, id: "3EB0A1", emoji: "👍" });
  await commands.send("erase-w1", { type: "on-whatsapp", instanceId, phones: [OTHER_PHONE] });
  const consumer = createWorkerCommandConsumer({
    connection: redis,
    prefix: h.prefix,
    workerId: "erase-w2",
    handle: async (c) => ({
      ok: true,
      outcome: "checked",
      numbers: (c.type === "on-whatsapp" ? c.phones : []).map((p) => ({
        phone: p,
        onWhatsApp: true,
        jid: `${p.slice(1)}@s.whatsapp.net`,
        lid: null,
      })),
    }),
  });
  // Asked under the other ninth-digit form: the finished job's data and answer both name it.
  const answer = await commands.request("erase-w2", { type: "on-whatsapp", instanceId, phones: [PHONE_OTHER_FORM] });
  expect(answer.numbers?.[0]?.jid).toBe("551176100001@s.whatsapp.net");
  await consumer.close();
  await commands.close();
}

const jobsIn = async (workerId: string) => {
  const q = new Queue(workerCommandQueue(workerId), { connection: redis, prefix: h.prefix });
  try {
    const jobs = await q.getJobs(["waiting", "delayed", "prioritized", "completed", "failed"]);
    return jobs.map((j) => JSON.stringify([j.data, j.returnvalue ?? null]));
  } finally {
    await q.close();
  }
};

const path = (p: string) => `/api/v1/orgs/${a.orgId}${p}`;

/** What one organization holds about someone: a contact with consent, a list, a conversation and note, an import error. */
async function seedPerson(sql: postgres.Sql, orgId: string, p: { phone: string; alt?: string; lid?: string }) {
  const [c] = await sql<{ id: string }[]>`
    insert into public.contacts (org_id, phone_e164, alt_phones, wa_lid, name)
    values (${orgId}, ${p.phone}, ${p.alt ? [p.alt] : []}, ${p.lid ?? null}, 'Carla Dias') returning id`;
  const [inst] = await sql<{ id: string }[]>`
    insert into public.instances (org_id, name) values (${orgId}, ${`i-${p.phone}`}) returning id`;
  const [list] = await sql<{ id: string }[]>`
    insert into public.contact_lists (org_id, name) values (${orgId}, ${`l-${p.phone}`}) returning id`;
  const [conv] = await sql<{ id: string }[]>`
    insert into public.conversations (org_id, instance_id, contact_id, peer_phone, peer_name, tags)
    values (${orgId}, ${inst?.id ?? ""}, ${c?.id ?? ""}, ${p.phone}, 'Carla Dias', '{vip}') returning id`;
  await sql`insert into public.conversation_notes (org_id, conversation_id, body)
    values (${orgId}, ${conv?.id ?? ""}, 'Carla prefere contato à tarde')`;
  await sql`insert into public.contact_consent_events (org_id, contact_id, state, source, evidence)
    values (${orgId}, ${c?.id ?? ""}, 'opted_in', 'site', 'form v2')`;
  await sql`insert into public.contact_list_members (org_id, list_id, contact_id)
    values (${orgId}, ${list?.id ?? ""}, ${c?.id ?? ""})`;
  const [imp] = await sql<{ id: string }[]>`
    insert into public.contact_imports (org_id, status) values (${orgId}, 'completed') returning id`;
  // The number as typed in the file, on a line rejected for its second, unreadable number.
  const typed = `(${p.phone.slice(3, 5)}) ${p.phone.slice(5, 10)}-${p.phone.slice(10)}`;
  await sql`insert into public.contact_import_errors (org_id, import_id, line, column_name, raw, reason)
    values (${orgId}, ${imp?.id ?? ""}, 2, 'telefone', ${`${typed} / 12`}, 'the phone number is too short')`;
  const [hook] = await sql<{ id: string }[]>`
    insert into public.webhook_endpoints (org_id, url) values (${orgId}, 'https://hooks.example.test/x') returning id`;
  return {
    contactId: c?.id ?? "",
    instanceId: inst?.id ?? "",
    conversationId: conv?.id ?? "",
    endpointId: hook?.id ?? "",
  };
}

describe("contact erasure", () => {
  it("removes the person from every table, in every form of the number, and leaves other people alone", async () => {
    const sql = h.t.admin;
    const x = await seedPerson(sql, a.orgId, { phone: PHONE, alt: ALT, lid: LID });
    const y = await seedPerson(sql, a.orgId, { phone: OTHER_PHONE });
    const xb = await seedPerson(sql, b.orgId, { phone: PHONE });

    // Rows that do not point at the contact: the other ninth-digit form, and the LID alone.
    const [lidConv] = await sql<{ id: string }[]>`
      insert into public.conversations (org_id, instance_id, peer_lid, peer_name)
      values (${a.orgId}, ${x.instanceId}, ${LID}, 'Carla') returning id`;
    await sql`insert into public.conversations (org_id, instance_id, peer_phone, peer_name)
      values (${a.orgId}, ${y.instanceId}, ${PHONE_OTHER_FORM}, 'Carla D.')`;
    await sql`insert into public.inbound_messages (org_id, instance_id, wa_message_id, from_jid, from_phone, body)
      values (${a.orgId}, ${x.instanceId}, 'e1', '551176100001@s.whatsapp.net', ${PHONE_OTHER_FORM}, 'oi')`;
    await sql`insert into public.inbound_messages (org_id, instance_id, wa_message_id, from_jid, from_lid, body,
        conversation_id)
      values (${a.orgId}, ${x.instanceId}, 'e2', ${LID}, ${LID}, 'sou eu', ${lidConv?.id ?? ""})`;
    // An edit waiting for its message (it came first), by LID; another person's stays.
    await sql`insert into public.inbound_pending_changes (org_id, instance_id, wa_message_id, from_phone, from_lid,
        change, body, at)
      values (${a.orgId}, ${x.instanceId}, 'e3', null, ${LID}, 'edited', 'meu endereço é outro', now()),
             (${a.orgId}, ${y.instanceId}, 'e4', ${OTHER_PHONE}, null, 'deleted', null, now())`;
    const [byLid] = await sql<{ id: number }[]>`
      insert into public.outbound_messages (org_id, recipient_lid, body) values (${a.orgId}, ${LID}, 'Oi Carla')
      returning id`;
    await sql`insert into public.outbound_messages (org_id, recipient_phone, body)
      values (${a.orgId}, ${PHONE_OTHER_FORM}, 'Oi de novo'), (${a.orgId}, ${OTHER_PHONE}, 'Oi outra pessoa')`;
    // A pending delivery of an inbound message, a delivered one, a status event naming no number (sent by LID).
    await sql`insert into public.webhook_deliveries (org_id, endpoint_id, event_type, payload, status)
      values (${a.orgId}, ${x.endpointId}, 'message:inbound', ${sql.json({ fromPhone: PHONE_OTHER_FORM, text: "oi" })}, 'pending'),
             (${a.orgId}, ${x.endpointId}, 'message:inbound', ${sql.json({ contactId: x.contactId, text: "a" })}, 'delivered'),
             (${a.orgId}, ${x.endpointId}, 'message:status', ${sql.json({ messageId: byLid?.id ?? 0, recipientPhone: null, state: "sent" })}, 'failed'),
             (${a.orgId}, ${y.endpointId}, 'message:inbound', ${sql.json({ fromPhone: OTHER_PHONE, text: "oi" })}, 'pending'),
             (${b.orgId}, ${xb.endpointId}, 'message:inbound', ${sql.json({ fromPhone: PHONE, text: "oi" })}, 'pending')`;
    // On-WhatsApp answers: the alternate number only this contact holds; the main one org B holds too.
    await sql`insert into public.wa_id_lookups (phone_e164, on_whatsapp, wa_jid, wa_lid)
      values (${PHONE}, true, '5511976100001@s.whatsapp.net', ${LID}),
             (${ALT}, true, '5511976100002@s.whatsapp.net', null),
             (${OTHER_PHONE}, true, '5511976100009@s.whatsapp.net', null)`;
    // Blacklisted in the other form: the entry names the same line and must not keep the number in clear.
    const blocked = await api(h, "post", path("/blacklist"), {
      token: marketer,
      body: { phone: PHONE_OTHER_FORM, source: "opt_out", reason: "PARAR" },
    });
    expect(blocked.status, JSON.stringify(blocked.body)).toBe(201);

    // Saved segments: one whose condition and description quote the number, one naming someone else; B's own.
    const filterOf = (phone: string) => ({
      tagsAny: ["vip"],
      customFields: [{ key: "telefone", op: "equals", value: phone }],
    });
    const [seg] = await sql<{ id: string }[]>`
      insert into public.segments (org_id, name, description, filter)
      values (${a.orgId}, 'Só a Carla', 'Cliente (11) 97610-0001, ligar à tarde', ${sql.json(filterOf(PHONE))})
      returning id`;
    const [segOther] = await sql<{ id: string }[]>`
      insert into public.segments (org_id, name, filter) values (${a.orgId}, 'Outra', ${sql.json(filterOf(OTHER_PHONE))})
      returning id`;
    await sql`insert into public.segments (org_id, name, filter) values (${b.orgId}, 'Só a Carla', ${sql.json(filterOf(PHONE))})`;
    // Audit entries quoting the number: a bulk action's search text (through the API), and older entries that kept
    // the number as their label and in their detail.
    const [list] = await sql<{ id: string }[]>`
      insert into public.contact_lists (org_id, name) values (${a.orgId}, 'busca') returning id`;
    const added = await api(h, "post", path(`/lists/${list?.id}/members/matching`), {
      token: marketer,
      // The other ninth-digit form: it matches no contact (the list stays empty), yet it is the person's number.
      body: { filter: { q: "1176100001" } },
    });
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    await sql`insert into public.audit_log (org_id, actor_user_id, action, target_type, target_label, detail)
      values (${a.orgId}, ${a.users.marketer.id}, 'blacklist.add', 'blacklist', ${PHONE_OTHER_FORM},
              ${sql.json({ source: "opt_out", phone: PHONE, note: "pediu para parar: 97610-0001", count: 3 })}),
             (${a.orgId}, ${a.users.marketer.id}, 'blacklist.add', 'blacklist', ${OTHER_PHONE},
              ${sql.json({ phone: OTHER_PHONE })}),
             (${b.orgId}, ${b.users.marketer.id}, 'blacklist.add', 'blacklist', ${PHONE}, ${sql.json({ phone: PHONE })})`;
    await seedCommands(x.instanceId);
    // An open inbox: the owner's dashboard, live.
    await until(() => h.orch.parts.relay.isLeader);
    const live = connect(h.url, {
      auth: { token: await h.tokenFor(a.users.owner) },
      transports: ["websocket"],
      forceNew: true,
      reconnection: false,
    });
    const heard: TRealtimeEnvelope<"conversation:changed">[] = [];
    socket = live;
    live.on("conversation:changed", (e: TRealtimeEnvelope<"conversation:changed">) => heard.push(e));
    await new Promise((resolve, reject) => {
      live.once("realtime:ready", resolve);
      live.once("connect_error", reject);
    });

    const exported = await api(h, "get", path(`/contacts/${x.contactId}/export`), { token: marketer });
    expect(exported.status).toBe(200);
    expect(exported.body.conversations.map((c: Json) => c.peerName).sort()).toEqual([
      "Carla",
      "Carla D.",
      "Carla Dias",
    ]);
    const own = exported.body.conversations.find((c: Json) => c.id === x.conversationId);
    expect(own.notes.map((n: Json) => n.body)).toEqual(["Carla prefere contato à tarde"]);
    expect(exported.body.importErrors.map((e: Json) => e.raw)).toEqual(["(11) 97610-0001 / 12"]);
    expect(exported.body.inboundMessages.map((m: Json) => m.body).sort()).toEqual(["oi", "sou eu"]);
    expect(exported.body.outboundMessages.map((m: Json) => m.body).sort()).toEqual(["Oi Carla", "Oi de novo"]);
    expect(exported.body.blacklist.map((e: Json) => e.phone)).toEqual([PHONE_OTHER_FORM]);
    // Their edit still waiting for its message is theirs too (and not the other person's deletion).
    expect(exported.body.pendingChanges.map((c: Json) => [c.waMessageId, c.body])).toEqual([
      ["e3", "meu endereço é outro"],
    ]);

    const erased = await api(h, "post", path(`/contacts/${x.contactId}/erase`), { token: marketer, body: {} });
    expect(erased.status, JSON.stringify(erased.body)).toBe(200);
    expect(erased.body).toMatchObject({
      erased: true,
      messagesDeleted: 5,
      deleted: { messages: 5, conversations: 3, notes: 1, consentEvents: 1, listMemberships: 1, importErrors: 1 },
    });
    // Three seeded deliveries, plus the blacklist:changed ones naming the number (its entry, then its removal).
    expect(erased.body.deleted.webhookDeliveries).toBeGreaterThanOrEqual(3);
    expect(erased.body.deleted.waIdLookups).toBe(1);
    expect(erased.body.deleted).toMatchObject({ segments: 1, auditEntries: 2, queuedJobs: 3 });

    // The segment stays and still narrows: its condition holds the marker instead of the number, and it counts.
    const [segNow] = await sql<{ filter: Json; description: string | null }[]>`
      select filter, description from public.segments where id = ${seg?.id ?? ""}`;
    expect(segNow).toEqual({
      filter: { tagsAny: ["vip"], customFields: [{ key: "telefone", op: "equals", value: "[erased]" }] },
      description: null,
    });
    const counted = await api(h, "get", path(`/segments/${seg?.id}/count`), { token: marketer });
    expect(counted.body).toEqual({ count: 0 });
    const [kept] = await sql<{ filter: Json }[]>`select filter from public.segments where id = ${segOther?.id ?? ""}`;
    expect(kept?.filter).toEqual(filterOf(OTHER_PHONE));
    // The change is audited, by the same person and request as the erasure.
    const [segAudit] = await sql<{ actor: string; detail: Json; label: string; sameRequest: boolean }[]>`
      select s.actor_user_id as actor, s.detail, s.target_label as label, s.request_id = e.request_id as "sameRequest"
      from public.audit_log s join public.audit_log e on e.org_id = s.org_id and e.action = 'contact.erase'
        and e.target_id = ${x.contactId}
      where s.org_id = ${a.orgId} and s.action = 'segment.update' and s.target_id = ${seg?.id ?? ""}`;
    expect(segAudit).toEqual({
      actor: a.users.marketer.id,
      detail: { reason: "contact.erase" },
      label: "Só a Carla",
      sameRequest: true,
    });
    // Audit entries stay, with action, actor and time; only the quotes went.
    const quoted = await sql<{ action: string; actor: string | null; label: string | null; detail: Json }[]>`
      select action, actor_user_id as actor, target_label as label, detail from public.audit_log
      where org_id = ${a.orgId} and (action = 'list.members.add' or detail ? 'phone') order by id`;
    expect(quoted).toEqual([
      {
        action: "list.members.add",
        actor: a.users.marketer.id,
        label: "busca",
        detail: expect.objectContaining({ filter: { q: "[erased]" } }),
      },
      {
        action: "blacklist.add",
        actor: a.users.marketer.id,
        label: null,
        detail: { source: "opt_out", phone: "[erased]", note: "[erased]", count: 3 },
      },
      { action: "blacklist.add", actor: a.users.marketer.id, label: OTHER_PHONE, detail: { phone: OTHER_PHONE } },
    ]);
    // Commands naming the person left the queues, and their results the queue's event stream; the other stays.
    expect(await jobsIn("erase-w1")).toEqual([expect.stringContaining(OTHER_PHONE)]);
    expect(await jobsIn("erase-w2")).toEqual([]);
    const stream = await redis.xrange(`${h.prefix}:${workerCommandQueue("erase-w2")}:events`, "-", "+");
    expect(stream.length).toBeGreaterThan(0);
    expect(stream.filter(([, f]) => f.join(" ").includes("76100001"))).toEqual([]);
    // The open inbox hears each of the person's conversations go.
    const gone = [x.conversationId, lidConv?.id].sort();
    await until(() => heard.filter((e) => e.data.deleted).length >= 3);
    expect(heard.filter((e) => e.data.deleted).map((e) => e.data.conversationId)).toEqual(expect.arrayContaining(gone));

    // Nothing of the person is left in organization A, in any table, in any form.
    // Not the name: another contact of the organization is called Carla Dias too, and keeps it.
    const needles = [PHONE, PHONE_OTHER_FORM, ALT, LID, "97610-0001", x.contactId];
    const [left] = await sql<{ rows: string[] }[]>`
      select array_remove(array[
        (select 'contacts' where exists (select 1 from public.contacts c where c.org_id = ${a.orgId}
           and c.id = ${x.contactId})),
        (select 'conversations' where exists (select 1 from public.conversations c where c.org_id = ${a.orgId}
           and c::text like any (${needles.map((n) => `%${n}%`)}))),
        (select 'notes' where exists (select 1 from public.conversation_notes n where n.org_id = ${a.orgId}
           and n.conversation_id = ${x.conversationId})),
        (select 'consent' where exists (select 1 from public.contact_consent_events e
           where e.contact_id = ${x.contactId})),
        (select 'lists' where exists (select 1 from public.contact_list_members m where m.contact_id = ${x.contactId})),
        (select 'inbound' where exists (select 1 from public.inbound_messages m where m.org_id = ${a.orgId}
           and m::text like any (${needles.map((n) => `%${n}%`)}))),
        (select 'pending changes' where exists (select 1 from public.inbound_pending_changes m
           where m.org_id = ${a.orgId} and m::text like any (${needles.map((n) => `%${n}%`)}))),
        (select 'outbound' where exists (select 1 from public.outbound_messages m where m.org_id = ${a.orgId}
           and m::text like any (${needles.map((n) => `%${n}%`)}))),
        (select 'import errors' where exists (select 1 from public.contact_import_errors e where e.org_id = ${a.orgId}
           and e.raw like '%97610-0001%')),
        (select 'webhook deliveries' where exists (select 1 from public.webhook_deliveries d
           where d.org_id = ${a.orgId} and d.payload::text like any (${needles.map((n) => `%${n}%`)}))),
        (select 'blacklist' where exists (select 1 from public.blacklist bl where bl.org_id = ${a.orgId}
           and (bl.phone_e164 like '%76100001' or bl.wa_lid = ${LID}))),
        (select 'audit' where exists (select 1 from public.audit_log l where l.org_id = ${a.orgId}
           and l::text like any (${needles.slice(0, 4).map((n) => `%${n}%`)}))),
        (select 'lookup' where exists (select 1 from public.wa_id_lookups where phone_e164 = ${ALT}))
      ], null) as rows`;
    expect(left?.rows).toEqual([]);

    // Still blocked, by hash: the opt-out survives in both forms of the number.
    for (const phone of [PHONE, PHONE_OTHER_FORM]) {
      const check = await api(h, "get", path(`/blacklist/check?phone=${encodeURIComponent(phone)}`), {
        token: marketer,
      });
      expect(check.body.blocked, phone).toBe(true);
    }

    // Another contact of the same organization keeps everything.
    const [other] = await sql<{ contacts: number; convs: number; notes: number; errors: number; hooks: number }[]>`
      select (select count(*)::int from public.contacts where id = ${y.contactId}) as contacts,
        (select count(*)::int from public.conversations where contact_id = ${y.contactId}) as convs,
        (select count(*)::int from public.conversation_notes where conversation_id = ${y.conversationId}) as notes,
        (select count(*)::int from public.contact_import_errors where org_id = ${a.orgId}) as errors,
        (select count(*)::int from public.webhook_deliveries where endpoint_id = ${y.endpointId}
           and payload ->> 'fromPhone' = ${OTHER_PHONE}) as hooks`;
    expect(other).toEqual({ contacts: 1, convs: 1, notes: 1, errors: 1, hooks: 1 });
    const [otherMessage] = await sql<{ n: number }[]>`
      select count(*)::int as n from public.outbound_messages where recipient_phone = ${OTHER_PHONE}`;
    expect(otherMessage?.n).toBe(1);
    const [otherPending] = await sql<{ n: number }[]>`
      select count(*)::int as n from public.inbound_pending_changes where from_phone = ${OTHER_PHONE}`;
    expect(otherPending?.n).toBe(1);

    // Organization B holds the same person: all of it stays, and so does the lookup of the number it holds.
    const [inB] = await sql<
      { contacts: number; convs: number; notes: number; consent: number; errors: number; hooks: number }[]
    >`
      select (select count(*)::int from public.contacts where org_id = ${b.orgId} and phone_e164 = ${PHONE}) as contacts,
        (select count(*)::int from public.conversations where org_id = ${b.orgId} and peer_phone = ${PHONE}
           and peer_name = 'Carla Dias') as convs,
        (select count(*)::int from public.conversation_notes where conversation_id = ${xb.conversationId}) as notes,
        (select count(*)::int from public.contact_consent_events where contact_id = ${xb.contactId}) as consent,
        (select count(*)::int from public.contact_import_errors where org_id = ${b.orgId}) as errors,
        (select count(*)::int from public.webhook_deliveries where org_id = ${b.orgId}) as hooks`;
    expect(inB).toEqual({ contacts: 1, convs: 1, notes: 1, consent: 1, errors: 1, hooks: 1 });
    const [bQuotes] = await sql<{ segments: number; audit: number }[]>`
      select (select count(*)::int from public.segments where org_id = ${b.orgId} and filter::text like ${`%${PHONE}%`})
          as segments,
        (select count(*)::int from public.audit_log where org_id = ${b.orgId} and target_label = ${PHONE}) as audit`;
    expect(bQuotes).toEqual({ segments: 1, audit: 1 });
    const lookups = await sql<{ phone_e164: string }[]>`
      select phone_e164 from public.wa_id_lookups where phone_e164 = any(${[PHONE, ALT, OTHER_PHONE]}) order by 1`;
    expect(lookups.map((l) => l.phone_e164)).toEqual([PHONE, OTHER_PHONE]);
  });

  it("is one transaction: a failure part-way leaves the person and the audit untouched", async () => {
    const sql = h.t.admin;
    const x = await seedPerson(sql, a.orgId, { phone: "+5511976200001" });
    // A trigger that refuses the last step (deleting the contact) stands in for any failure mid-erasure.
    await sql.unsafe(`
      create function public.refuse_erase() returns trigger language plpgsql as $$
      begin raise exception 'refused for the test'; end $$;
      create trigger refuse_erase before delete on public.contacts for each row
        when (old.phone_e164 = '+5511976200001') execute function public.refuse_erase();`);
    try {
      const erased = await api(h, "post", path(`/contacts/${x.contactId}/erase`), { token: marketer, body: {} });
      expect(erased.status).toBe(500);
    } finally {
      await sql.unsafe("drop trigger refuse_erase on public.contacts; drop function public.refuse_erase();");
    }
    const [kept] = await sql<{ convs: number; notes: number; audited: number }[]>`
      select (select count(*)::int from public.conversations where id = ${x.conversationId}) as convs,
        (select count(*)::int from public.conversation_notes where conversation_id = ${x.conversationId}) as notes,
        (select count(*)::int from public.audit_log where action = 'contact.erase' and target_id = ${x.contactId})
          as audited`;
    expect(kept).toEqual({ convs: 1, notes: 1, audited: 0 });
  });
});
