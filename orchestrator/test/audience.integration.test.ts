import { createOrgWithMembers, type OrgFixture } from "@mirage/testing/fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, type Harness, type Json, startHarness } from "./harness.ts";

let h: Harness;
let a: OrgFixture;
let b: OrgFixture;
let marketer: string;
let viewer: string;

beforeAll(async () => {
  h = await startHarness({ WEBHOOK_WORKER_ENABLED: "false", IMPORT_WORKER_ENABLED: "false" });
  a = await createOrgWithMembers(h.t.admin, "aud-a");
  b = await createOrgWithMembers(h.t.admin, "aud-b");
  await h.t.admin`update public.organizations set default_country = 'BR' where id = ${a.orgId}`;
  marketer = await h.tokenFor(a.users.marketer);
  viewer = await h.tokenFor(a.users.viewer);
});
afterAll(async () => {
  await h?.close();
});

const path = (p: string, org = a.orgId) => `/api/v1/orgs/${org}${p}`;
const post = (p: string, body: unknown, token = marketer) => api(h, "post", path(p), { token, body });

async function contact(phone: string, extra: Record<string, unknown> = {}): Promise<Json> {
  const res = await post("/contacts", { phone, ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

describe("contacts", () => {
  it("parse any written number with the org's country, refuse duplicates and impossible numbers", async () => {
    const c = await contact("(11) 97000-0001", {
      name: "Ana Souza",
      tags: ["vip"],
      customFields: { cidade: "Recife" },
    });
    expect(c).toMatchObject({ phone: "+5511970000001", lineType: "mobile", consent: { state: "unknown" } });
    const dup = await post("/contacts", { phone: "+55 11 97000-0001" });
    expect(dup.status).toBe(409);
    expect(dup.body.detail).toContain(c.id);
    const bad = await post("/contacts", { phone: "123" });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toEqual({
      path: "body.phone",
      message: '"123" is too short (too few digits for a phone number)',
    });
    const viewerTry = await post("/contacts", { phone: "11970000099" }, viewer);
    expect(viewerTry.status).toBe(403);
    const outsider = await api(h, "get", path(`/contacts/${c.id}`), { token: await h.tokenFor(b.users.owner) });
    expect(outsider.status).toBe(404);
  });

  it("search by name prefix, digits and tag, paged by cursor without gaps or repeats", async () => {
    for (let i = 0; i < 7; i++) await contact(`1197100000${i}`, { name: `Page ${i}`, tags: i % 2 ? ["odd"] : [] });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `/contacts?q=page&limit=3${cursor ? `&cursor=${cursor}` : ""}`;
      const res = await api(h, "get", path(q), { token: viewer });
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((c: Json) => c.name));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(["Page 6", "Page 5", "Page 4", "Page 3", "Page 2", "Page 1", "Page 0"]);
    const byDigits = await api(h, "get", path("/contacts?q=971000003"), { token: viewer });
    expect(byDigits.body.items.map((c: Json) => c.name)).toEqual(["Page 3"]);
    const byTag = await api(h, "get", path("/contacts?tag=odd&q=page"), { token: viewer });
    expect(byTag.body.items.map((c: Json) => c.name)).toEqual(["Page 5", "Page 3", "Page 1"]);
    expect((await api(h, "get", path("/contacts?cursor=nope"), { token: viewer })).status).toBe(400);
  });

  it("update merges custom fields on request; lists gain and lose members", async () => {
    const c = await contact("11972000001", { name: "Bia", customFields: { a: "1", b: "2" } });
    const up = await api(h, "patch", path(`/contacts/${c.id}`), {
      token: marketer,
      body: { customFields: { b: null, c: "3" }, mergeCustomFields: true, name: "Bia Lima" },
    });
    expect(up.body).toMatchObject({ name: "Bia Lima", customFields: { a: "1", c: "3" } });
    const list = await post("/lists", { name: "Clientes" });
    expect(list.status).toBe(201);
    const add = await post(`/lists/${list.body.id}/members`, { contactIds: [c.id] });
    expect(add.body).toEqual({ changed: 1 });
    const unknown = await post(`/lists/${list.body.id}/members`, {
      contactIds: ["00000000-0000-4000-8000-000000000000"],
    });
    expect(unknown.status).toBe(400);
    const got = await api(h, "get", path(`/lists/${list.body.id}`), { token: viewer });
    expect(got.body.memberCount).toBe(1);
    const inList = await api(h, "get", path(`/contacts?listId=${list.body.id}`), { token: viewer });
    expect(inList.body.items.map((x: Json) => x.id)).toEqual([c.id]);
  });
});

describe("segments", () => {
  it("count and list exactly the contacts a filter matches, evaluated in SQL", async () => {
    const org = await createOrgWithMembers(h.t.admin, "aud-seg");
    const token = await h.tokenFor(org.users.marketer);
    const ins = (phone: string, tags: string[], fields: Record<string, string>, inbound: string | null) =>
      h.t.admin`insert into public.contacts (org_id, phone_e164, tags, custom_fields, last_inbound_at)
        values (${org.orgId}, ${phone}, ${tags}, ${h.t.admin.json(fields)}, ${inbound})`;
    await ins("+5511973000001", ["vip", "lead"], { cidade: "Recife" }, null);
    await ins("+5511973000002", ["vip"], { cidade: "Recife Antigo" }, "2026-11-01T10:00:00Z");
    await ins("+5511973000003", ["lead"], { cidade: "Olinda" }, null);
    await ins("+5511973000004", [], {}, null);
    const count = async (filter: unknown) => {
      const res = await api(h, "post", path("/segments/count", org.orgId), { token, body: { filter } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.count;
    };
    expect(await count({})).toBe(4);
    expect(await count({ tagsAny: ["vip", "lead"] })).toBe(3);
    expect(await count({ tagsAll: ["vip", "lead"] })).toBe(1);
    expect(await count({ tagsNone: ["vip"] })).toBe(2);
    expect(await count({ customFields: [{ key: "cidade", op: "equals", value: "Recife" }] })).toBe(1);
    expect(await count({ customFields: [{ key: "cidade", op: "contains", value: "recife" }] })).toBe(2);
    expect(await count({ customFields: [{ key: "cidade", op: "missing" }] })).toBe(1);
    expect(await count({ replied: true })).toBe(1);
    expect(await count({ replied: false, tagsAny: ["vip"] })).toBe(1);
    expect(await count({ lastMessageFrom: "2026-10-01T00:00:00Z", lastMessageTo: "2026-12-01T00:00:00Z" })).toBe(1);
    expect(await count({ consent: ["opted_in"] })).toBe(0);
    const bad = await api(h, "post", path("/segments/count", org.orgId), {
      token,
      body: { filter: { customFields: [{ key: "x", op: "equals" }] } },
    });
    expect(bad.status).toBe(400);

    const seg = await api(h, "post", path("/segments", org.orgId), {
      token,
      body: { name: "VIP sem resposta", filter: { tagsAny: ["vip"], replied: false } },
    });
    expect(seg.status).toBe(201);
    const saved = await api(h, "get", path(`/segments/${seg.body.id}/count`, org.orgId), { token });
    expect(saved.body).toEqual({ count: 1 });
    const members = await api(h, "get", path(`/contacts?segmentId=${seg.body.id}`, org.orgId), { token });
    expect(members.body.items.map((c: Json) => c.phone)).toEqual(["+5511973000001"]);
    const dup = await api(h, "post", path("/segments", org.orgId), {
      token,
      body: { name: "VIP sem resposta", filter: {} },
    });
    expect(dup.status).toBe(409);
  });
});

describe("blacklist", () => {
  it("a LID entry blocks the phone it maps to and the reverse; Brazil's ninth digit both ways", async () => {
    const c = await contact("11974000001", { waLid: "111222333@lid" });
    const byLid = await post("/blacklist", { waLid: "111222333", reason: "pediu" });
    expect(byLid.status, JSON.stringify(byLid.body)).toBe(201);
    expect(byLid.body).toMatchObject({ waLid: "111222333@lid", phone: null, source: "manual", hashed: false });
    const check = (q: string) => api(h, "get", path(`/blacklist/check?${q}`), { token: viewer });
    expect((await check(`phone=${encodeURIComponent(c.phone)}`)).body.blocked).toBe(true);
    // The same number written without the ninth digit is the same WhatsApp account for older registrations.
    expect((await check("phone=1174000001")).body.blocked).toBe(true);
    expect((await check("phone=11974000002")).body.blocked).toBe(false);

    await h.t.admin`insert into public.instances (org_id, name) values (${a.orgId}, 'bl-inst')`;
    const [inst] = await h.t.admin<{ id: string }[]>`select id from public.instances where name = 'bl-inst'`;
    await h.t
      .admin`insert into public.inbound_messages (org_id, instance_id, wa_message_id, from_jid, from_phone, from_lid)
      values (${a.orgId}, ${inst?.id ?? ""}, 'm1', '999@lid', '+5511974000009', '999888777@lid')`;
    expect((await post("/blacklist", { phone: "+55 11 97400-0009" })).status).toBe(201);
    expect((await check("waLid=999888777@lid")).body.blocked).toBe(true);
    expect((await check("waLid=5550001@lid")).body.blocked).toBe(false);
    expect((await post("/blacklist", { phone: "11974000009" })).status).toBe(409);
  });

  it("a contact's own page says whether the blacklist blocks it (its number in another form, its LID)", async () => {
    const get = async (id: string) => (await api(h, "get", path(`/contacts/${id}`), { token: viewer })).body;
    const byPhone = await contact("11974100001", { name: "Bia" });
    expect(await get(byPhone.id)).toMatchObject({ name: "Bia", blacklisted: false });
    // Written without the ninth digit: the same WhatsApp account, the same block a send applies.
    expect((await post("/blacklist", { phone: "1174100001", reason: "PARAR" })).status).toBe(201);
    expect((await get(byPhone.id)).blacklisted).toBe(true);
    const byLid = await contact("11974100002", { waLid: "741000002@lid" });
    expect((await get(byLid.id)).blacklisted).toBe(false);
    expect((await post("/blacklist", { waLid: "741000002" })).status).toBe(201);
    expect((await get(byLid.id)).blacklisted).toBe(true);
    // Lists leave it out (a lookup per contact).
    const page = await api(h, "get", path("/contacts?limit=5"), { token: viewer });
    expect(page.body.items[0]).not.toHaveProperty("blacklisted");
  });

  it("bulk add reports bad numbers and existing entries; export is CSV; API keys need a writing scope", async () => {
    const res = await post("/blacklist/bulk", {
      entries: [{ phone: "11975000001" }, { phone: "abc" }, { phone: "+55 11 97500-0001" }, { waLid: "42@lid" }],
    });
    expect(res.body).toEqual({
      added: 2,
      existing: 1,
      rejected: [{ index: 1, raw: "abc", reason: "the phone number is not written as a number", code: "not_a_number" }],
    });
    const csv = await fetch(`${h.url}${path("/blacklist/export.csv")}`, {
      headers: { authorization: `Bearer ${viewer}` },
    });
    const text = Buffer.from(await csv.arrayBuffer()).toString("utf8");
    expect(text.startsWith("\uFEFFphone,wa_lid,hashed,source,reason,created_at\r\n")).toBe(true);
    expect(text).toContain("+5511975000001,,,import,");

    const admin = await h.tokenFor(a.users.admin);
    const mk = async (scopes: string[]) =>
      (await api(h, "post", path("/api-keys"), { token: admin, body: { name: scopes.join("-"), scopes } })).body.key;
    const readKey = await mk(["read"]);
    const campaignsKey = await mk(["campaigns"]);
    expect((await api(h, "post", path("/blacklist"), { apiKey: readKey, body: { phone: "11975000009" } })).status).toBe(
      403,
    );
    const viaKey = await api(h, "post", path("/blacklist"), { apiKey: campaignsKey, body: { phone: "11975000009" } });
    expect(viaKey.body.source).toBe("api");
    expect((await api(h, "get", path("/contacts"), { apiKey: readKey })).status).toBe(200);
  });
});

describe("blacklist file import", () => {
  it("blocks every number and LID of a CSV, reporting bad lines; export → import round-trips", async () => {
    const file = [
      "Telefone;LID;Motivo",
      "(11) 97700-0001 ::: (11) 97700-0002;;pediu por telefone",
      ";77000003@lid;",
      "abc;;",
      "11977000001;;duplicado",
      ";lid-errado;",
      ";;só motivo",
      "123;;",
      "",
    ].join("\r\n");
    const send = (body: string) =>
      fetch(`${h.url}${path("/blacklist/import")}`, {
        method: "POST",
        headers: { authorization: `Bearer ${marketer}`, "content-type": "text/csv" },
        body,
      });
    const res = await send(file);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      added: 3,
      existing: 1,
      // Each bad line keeps a code too, which the dashboard words in the user's language (the reason is English).
      rejected: [
        { line: 4, raw: "abc", reason: "the phone number is not written as a number", code: "not_a_number" },
        { line: 6, raw: "lid-errado", reason: "not a WhatsApp LID (digits@lid)", code: "not_a_lid" },
        { line: 7, raw: null, reason: "no phone number or LID", code: "no_phone_or_lid" },
        {
          line: 8,
          raw: "123",
          reason: "the phone number is too short (too few digits for a phone number)",
          code: "too_short",
        },
      ],
    });
    const rows = await h.t.admin<
      { phone: string | null; wa_lid: string | null; source: string; reason: string | null }[]
    >`
      select phone_e164 as phone, wa_lid, source, reason from public.blacklist
      where org_id = ${a.orgId} and (phone_e164 like '+55119770000%' or wa_lid = '77000003@lid') order by 1, 2`;
    expect(rows).toEqual([
      { phone: "+5511977000001", wa_lid: null, source: "import", reason: "pediu por telefone" },
      { phone: "+5511977000002", wa_lid: null, source: "import", reason: "pediu por telefone" },
      { phone: null, wa_lid: "77000003@lid", source: "import", reason: null },
    ]);
    const noColumn = await send("nome,cidade\nAna,Recife\n");
    expect(noColumn.status).toBe(400);
    expect(((await noColumn.json()) as { reasonCode?: string }).reasonCode).toBe("file_no_phone_or_lid_column");
    const workbook = await send("PK\u0003\u0004 not really a workbook");
    expect(workbook.status).toBe(415);
    expect(((await workbook.json()) as { reasonCode?: string }).reasonCode).toBe("file_workbook");
    const viewerTry = await fetch(`${h.url}${path("/blacklist/import")}`, {
      method: "POST",
      headers: { authorization: `Bearer ${viewer}`, "content-type": "text/csv" },
      body: file,
    });
    expect(viewerTry.status).toBe(403);
  });
});

describe("consent and LGPD", () => {
  it("consent history is recorded; export has everything; erasure deletes data and keeps a salted hash blocking", async () => {
    const c = await contact("11976000001", { name: "Carla", waLid: "76000001@lid" });
    const optIn = await post(`/contacts/${c.id}/consent`, { state: "opted_in", source: "site", evidence: "form v2" });
    expect(optIn.status).toBe(201);
    await post(`/contacts/${c.id}/consent`, { state: "opted_out", source: "whatsapp reply" });
    const got = await api(h, "get", path(`/contacts/${c.id}`), { token: viewer });
    expect(got.body.consent).toMatchObject({ state: "opted_out", source: "whatsapp reply" });
    expect(got.body.optedOutAt).not.toBeNull();
    const history = await api(h, "get", path(`/contacts/${c.id}/consent`), { token: viewer });
    expect(history.body.items.map((e: Json) => [e.state, e.source])).toEqual([
      ["opted_in", "site"],
      ["opted_out", "whatsapp reply"],
    ]);

    const [inst] = await h.t.admin<{ id: string }[]>`
      insert into public.instances (org_id, name) values (${a.orgId}, 'lgpd') returning id`;
    await h.t
      .admin`insert into public.inbound_messages (org_id, instance_id, wa_message_id, from_jid, from_phone, contact_id, body)
      values (${a.orgId}, ${inst?.id ?? ""}, 'lg1', '5511976000001@s.whatsapp.net', '+5511976000001', ${c.id}, 'PARAR')`;
    await h.t.admin`insert into public.outbound_messages (org_id, recipient_phone, body, contact_id)
      values (${a.orgId}, '+5511976000001', 'Oi Carla', ${c.id})`;
    await post("/blacklist", { phone: "11976000001", source: "opt_out", reason: "PARAR" });

    const exported = await api(h, "get", path(`/contacts/${c.id}/export`), { token: marketer });
    expect(exported.status).toBe(200);
    expect(exported.body.contact.phone).toBe("+5511976000001");
    expect(exported.body.consent).toHaveLength(2);
    expect(exported.body.inboundMessages.map((m: Json) => m.body)).toEqual(["PARAR"]);
    expect(exported.body.outboundMessages.map((m: Json) => m.body)).toEqual(["Oi Carla"]);
    expect(exported.body.blacklist.map((b: Json) => b.source)).toEqual(["opt_out"]);

    const erased = await post(`/contacts/${c.id}/erase`, {});
    expect(erased.body).toMatchObject({ erased: true, blacklistedHash: true, messagesDeleted: 2 });
    const [left] = await h.t.admin<{ n: number }[]>`
      select (select count(*) from public.contacts where id = ${c.id})
        + (select count(*) from public.contact_consent_events where contact_id = ${c.id})
        + (select count(*) from public.inbound_messages where from_phone = '+5511976000001')
        + (select count(*) from public.outbound_messages where recipient_phone = '+5511976000001')
        + (select count(*) from public.blacklist where phone_e164 = '+5511976000001' or wa_lid = '76000001@lid') as n`;
    expect(Number(left?.n)).toBe(0);
    const hashed = await h.t.admin<{ source: string; phone_hash: string }[]>`
      select source, phone_hash from public.blacklist where org_id = ${a.orgId} and phone_hash is not null`;
    // The number's and the LID's, each keeping the opt-out it replaces.
    expect(hashed).toHaveLength(2);
    for (const e of hashed) {
      expect(e.source).toBe("opt_out");
      expect(e.phone_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(e.phone_hash).not.toContain("76000001");
    }
    expect((await api(h, "get", path("/blacklist/check?waLid=76000001@lid"), { token: viewer })).body.blocked).toBe(
      true,
    );
    // Coming back (re-imported, typed again): still blocked.
    const check = await api(h, "get", path("/blacklist/check?phone=11976000001"), { token: viewer });
    expect(check.body.blocked).toBe(true);
    const list = await api(h, "get", path("/blacklist?limit=100"), { token: viewer });
    const entry = list.body.items.find((e: Json) => e.hashed);
    expect(entry).toMatchObject({ phone: null, waLid: null, hashed: true });
    expect((await api(h, "delete", path(`/blacklist/${entry.id}`), { token: marketer })).status).toBe(409);
    const [audited] = await h.t.admin<{ n: number }[]>`
      select count(*)::int as n from public.audit_log where org_id = ${a.orgId}
        and action in ('contact.export', 'contact.erase', 'contact.consent.opted_in', 'contact.consent.opted_out')`;
    expect(audited?.n).toBe(4);
  });
});

describe("templates", () => {
  it("stores variants with warnings and previews real contacts reproducibly", async () => {
    const org = await createOrgWithMembers(h.t.admin, "aud-tpl");
    const token = await h.tokenFor(org.users.marketer);
    await h.t.admin`insert into public.contacts (org_id, phone_e164, name, custom_fields) values
      (${org.orgId}, '+5511977000001', 'Ana Maria', '{"cidade":"Recife"}'),
      (${org.orgId}, '+5511977000002', null, '{}')`;
    const created = await api(h, "post", path("/templates", org.orgId), {
      token,
      body: {
        name: "Oferta",
        body: "{Olá|Oi} {{first_name|cliente}}! *Oferta* em {{cidade}} {{cupom}}",
        variations: ["{Olá|Oi} {{first_name|cliente}}! *Oferta* em {{cidade}} {{cupom}}!"],
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.variables).toEqual(["first_name", "cidade", "cupom"]);
    expect(created.body.warnings.map((w: Json) => [w.code, w.variable ?? w.other])).toEqual([
      ["unknown_variable", "cupom"],
      ["unknown_variable", "cupom"],
      ["similar_variants", 0],
    ]);
    const preview = (seed: string) =>
      api(h, "post", path(`/templates/${created.body.id}/preview`, org.orgId), { token, body: { count: 5, seed } });
    const first = await preview("s1");
    expect(first.status).toBe(200);
    const byPhone = Object.fromEntries(first.body.renderings.map((r: Json) => [r.phone, r]));
    const ana = byPhone["+5511977000001"];
    const anon = byPhone["+5511977000002"];
    // Spintax picks one greeting; variant 1 adds "!"; variables filled, fallbacks used, formatting kept.
    expect(ana.text).toMatch(/^(Olá|Oi) Ana! \*Oferta\* em Recife !?$/);
    expect(anon.text).toMatch(/^(Olá|Oi) cliente! \*Oferta\* em {2}!?$/);
    expect(ana.text.endsWith("!")).toBe(ana.variant === 1);
    expect(anon.missing).toEqual(["cidade", "cupom"]);
    expect((await preview("s1")).body.renderings).toEqual(first.body.renderings);
    expect(first.body.warnings.map((w: Json) => w.code)).toContain("missing_value");
  });
});
