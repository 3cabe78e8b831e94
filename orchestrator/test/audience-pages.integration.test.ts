/**
 * The API pieces the dashboard's audience pages need: the import preview (dry run on the beginning of a file), the
 * contacts table's consent and replied filters, and a contact's conversations and campaigns. Real Postgres under RLS.
 */
import { readFileSync } from "node:fs";
import { createOrgWithMembers, type OrgFixture } from "@mirage/testing/fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, type Harness, type Json, startHarness } from "./harness.ts";

let h: Harness;
let org: OrgFixture;
const fixture = (name: string) => readFileSync(new URL(`./fixtures/imports/${name}`, import.meta.url));

beforeAll(async () => {
  h = await startHarness();
  org = await createOrgWithMembers(h.t.admin, "aud-pages");
  await h.t.admin`update public.organizations set default_country = 'BR' where id = ${org.orgId}`;
});
afterAll(async () => {
  await h?.close();
});

async function preview(
  body: Buffer | string,
  query: Record<string, string> = {},
  role: keyof OrgFixture["users"] = "marketer",
): Promise<{ status: number; body: Json }> {
  const token = await h.tokenFor(org.users[role]);
  const qs = new URLSearchParams(query).toString();
  const res = await fetch(`${h.url}/api/v1/orgs/${org.orgId}/imports/preview${qs ? `?${qs}` : ""}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "text/csv" },
    body: typeof body === "string" ? body : new Uint8Array(body),
  });
  return { status: res.status, body: await res.json() };
}

describe("import preview", () => {
  it("Excel pt-BR: detects Windows-1252 and ';', guesses the mapping, shows rows as stored with their lines", async () => {
    const res = await preview(fixture("excel-ptbr-windows1252.csv"), { tags: "planilha" });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const p = res.body;
    expect(p.encoding).toBe("windows-1252");
    expect(p.delimiter).toBe(";");
    expect(p.problem).toBeNull();
    expect(p.header).toContain("Observações");
    expect(p.mapping.phone).toEqual(["Celular", "Telefone"]);
    expect(p.mapping.name).toEqual(["Nome"]);
    expect(p.fields).toMatchObject({ Cidade: "cidade", "Data de Nascimento": "data_de_nascimento" });
    const first = p.rows[0];
    expect(first.line).toBe(2);
    expect(first.contact).toMatchObject({
      phone: "+5511998765432",
      altPhones: ["+551134567890"],
      name: "José da Conceição",
      tags: ["planilha"],
      customFields: { cidade: "São Paulo", observacoes: "Cliente desde 2019\nVIP" },
    });
    // The quoted cell spans two physical lines: the next record starts on line 4.
    expect(p.rows[1].line).toBe(4);
    const pedro = p.rows.find((r: Json) => r.cells[0] === "Pedro");
    expect(pedro.line).toBe(7);
    expect(pedro.contact).toBeNull();
    expect(pedro.rejection).toMatchObject({ column: "Celular", raw: "abc" });
    expect(pedro.rejection.reason).toMatch(/phone number/);
    // The code lets the dashboard word it in the user's language (the reason is English).
    expect(pedro.rejection.code).toBe("not_a_number");
    // Nothing is stored by a preview.
    const [stored] = await h.t.admin<{ n: number }[]>`
      select (select count(*) from public.contacts where org_id = ${org.orgId})::int
        + (select count(*) from public.contact_imports where org_id = ${org.orgId})::int as n`;
    expect(stored?.n).toBe(0);
  });

  it("applies an edited mapping and overrides, and says when no phone column is mapped", async () => {
    const csv = "Quem;Numero;Cidade\nAna;(11) 98888-0001;Recife\n";
    const guessed = await preview(csv);
    expect(guessed.status).toBe(200);
    expect(guessed.body.problem).toMatch(/no phone column/);
    // A code for the dashboard to word it in the user's language (the problem is English).
    expect(guessed.body.problemCode).toBe("no_phone_column");
    expect(guessed.body.missingColumns).toEqual([]);
    const missing = await preview(csv, { mapping: JSON.stringify({ phone: ["Numero"], name: ["Nome Completo"] }) });
    expect(missing.body.problemCode).toBe("missing_columns");
    expect(missing.body.missingColumns).toEqual(["Nome Completo"]);
    const mapped = await preview(csv, {
      mapping: JSON.stringify({ phone: ["Numero"], name: ["Quem"], ignore: ["Cidade"] }),
    });
    expect(mapped.body.problem).toBeNull();
    expect(mapped.body.problemCode).toBeNull();
    expect(mapped.body.rows[0].contact).toMatchObject({ phone: "+5511988880001", name: "Ana", customFields: {} });
    const forced = await preview(csv, { delimiter: ",", mapping: JSON.stringify({ phone: ["Quem;Numero;Cidade"] }) });
    expect(forced.body.delimiter).toBe(",");
    expect(forced.body.header).toEqual(["Quem;Numero;Cidade"]);
  });

  it("warns of what the import would do to a stored row: an extra number dropped, a repeated number merged", async () => {
    const csv = [
      "Nome;Celular;Telefone",
      "Ana;(11) 98888-0001;(11) 3333-0001",
      "Bia;11 98888-0002 / 1234;",
      "Ana de novo;+55 11 98888-0001;",
      "Casa da Ana;;11 3333-0001",
      "Bia outra vez;5511988880002;abc",
      "Caio;11 98888-0003;",
      "",
    ].join("\n");
    const res = await preview(csv);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const warnings = res.body.rows.map((r: Json) => [r.line, r.warnings]);
    expect(warnings).toEqual([
      [2, []],
      [3, [{ code: "extra_number_dropped", column: "Celular", raw: "1234", cause: "too_short" }]],
      // Another written form of Ana's mobile: compared as E.164, as the import merges it.
      [4, [{ code: "duplicate_number", raw: "+5511988880001", firstLine: 2 }]],
      // Only Ana's landline (her row's other number) in common: still her contact.
      [5, [{ code: "duplicate_number", raw: "+551133330001", firstLine: 2 }]],
      [
        6,
        [
          { code: "extra_number_dropped", column: "Telefone", raw: "abc", cause: "not_a_number" },
          { code: "duplicate_number", raw: "+5511988880002", firstLine: 3 },
        ],
      ],
      [7, []],
    ]);
    // The import of the same file merges exactly the rows the preview warned of (in an organization of its own, so
    // the other tests see no contacts from it).
    const other = await createOrgWithMembers(h.t.admin, "aud-pages-merge");
    await h.t.admin`update public.organizations set default_country = 'BR' where id = ${other.orgId}`;
    const token = await h.tokenFor(other.users.marketer);
    const up = await fetch(`${h.url}/api/v1/orgs/${other.orgId}/imports`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "text/csv" },
      body: csv,
    });
    expect(up.status).toBe(202);
    const { id } = (await up.json()) as { id: string };
    let done: Json;
    for (const started = Date.now(); ; await new Promise((r) => setTimeout(r, 50))) {
      done = (await api(h, "get", `/api/v1/orgs/${other.orgId}/imports/${id}`, { token })).body;
      if (done.status === "completed" || done.status === "failed") break;
      if (Date.now() - started > 30_000) throw new Error(`import still ${done.status}`);
    }
    expect(done.counts).toEqual({ rowsRead: 6, imported: 3, merged: 3, rejected: 0 });
  });

  it("a UTF-8 file with one Latin-1 line: read as UTF-8, that line refused by number, the others as written", async () => {
    // As a spreadsheet pasted together gives: mostly UTF-8, one line saved by an older program.
    const file = Buffer.concat([
      Buffer.from("nome,celular,cidade\nAna Souza,11 91234-0001,São Paulo\nBia Lima,11 91234-0002,Niterói\n", "utf8"),
      Buffer.from("José Conceição,11 91234-0003,Maceió\n", "latin1"),
      Buffer.from("Caio Melo,11 91234-0004,Goiânia\n", "utf8"),
    ]);
    const res = await preview(file);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.encoding).toBe("utf-8");
    const rows = res.body.rows as Json[];
    expect(rows.map((r) => [r.line, r.contact?.customFields?.cidade ?? null, r.rejection?.code ?? null])).toEqual([
      [2, "São Paulo", null],
      [3, "Niterói", null],
      [4, null, "not_utf8"],
      [5, "Goiânia", null],
    ]);
  });

  it("a partial body ignores its cut last line; refusals and roles are those of the upload", async () => {
    const cut = await preview("Nome,Celular\nAna,11988880001\nBia,1198", { partial: "true" });
    expect(cut.status).toBe(200);
    expect(cut.body.rows).toHaveLength(1);
    const workbook = await preview(Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]));
    expect(workbook.status).toBe(415);
    expect(workbook.body.reasonCode).toBe("file_workbook");
    expect((await preview("")).status).toBe(400);
    expect((await preview("Nome,Celular\nAna,11988880001\n", {}, "viewer")).status).toBe(403);
    expect((await preview("Nome,Celular\nAna,11988880001\n", {}, "operator")).status).toBe(403);
  });
});

describe("contacts table filters and a contact's activity", () => {
  it("filters by consent and replied; the activity lists the contact's conversations and campaigns", async () => {
    const o = org.orgId;
    const rows = await h.t.admin<{ id: string; phone: string }[]>`
      insert into public.contacts (org_id, phone_e164, name, consent_state, last_inbound_at) values
        (${o}, '+5511970000001', 'Replied In', 'opted_in', now()),
        (${o}, '+5511970000002', 'Silent In', 'opted_in', null),
        (${o}, '+5511970000003', 'Silent Out', 'opted_out', null)
      returning id, phone_e164 as phone`;
    const token = await h.tokenFor(org.users.viewer);
    const names = async (qs: string) => {
      const res = await api(h, "get", `/api/v1/orgs/${o}/contacts?${qs}`, { token });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.items.map((c: Json) => c.name).sort();
    };
    expect(await names("consent=opted_in")).toEqual(["Replied In", "Silent In"]);
    expect(await names("consent=opted_in&replied=false")).toEqual(["Silent In"]);
    expect(await names("replied=true")).toEqual(["Replied In"]);
    expect((await api(h, "get", `/api/v1/orgs/${o}/contacts?consent=maybe`, { token })).status).toBe(400);

    const contact = rows[0] as { id: string; phone: string };
    const [instance] = await h.t.admin<{ id: string }[]>`
      insert into public.instances (org_id, name) values (${o}, 'aud-pages') returning id`;
    const [campaign] = await h.t.admin<{ id: string }[]>`
      insert into public.campaigns (org_id, name) values (${o}, 'Black Friday') returning id`;
    await h.t.admin`insert into public.outbound_messages (org_id, campaign_id, contact_id, recipient_phone, body)
      values (${o}, ${campaign?.id ?? ""}, ${contact.id}, ${contact.phone}, 'Oi!')`;
    await h.t.admin`insert into public.conversations (org_id, instance_id, contact_id, peer_phone, last_message_at)
      values (${o}, ${instance?.id ?? ""}, ${contact.id}, ${contact.phone}, now())`;
    const res = await api(h, "get", `/api/v1/orgs/${o}/contacts/${contact.id}/activity`, { token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.campaigns).toEqual([
      expect.objectContaining({ campaignId: campaign?.id, name: "Black Friday", messages: 1, lastState: "queued" }),
    ]);
    expect(res.body.conversations).toEqual([expect.objectContaining({ instanceId: instance?.id })]);
    const other = rows[1] as { id: string };
    const empty = await api(h, "get", `/api/v1/orgs/${o}/contacts/${other.id}/activity`, { token });
    expect(empty.body).toEqual({ conversations: [], campaigns: [] });
    // Another organization's contact is not found, even by its id.
    const stranger = await createOrgWithMembers(h.t.admin, "aud-pages-2");
    const foreign = await api(h, "get", `/api/v1/orgs/${stranger.orgId}/contacts/${contact.id}/activity`, {
      token: await h.tokenFor(stranger.users.viewer),
    });
    expect(foreign.status).toBe(404);
  });
});
