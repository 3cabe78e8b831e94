import { readFileSync } from "node:fs";
import type { TRealtimeEnvelope } from "@mirage/contracts/realtime";
import type { OrgFixture } from "@mirage/testing/fixtures";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, type Json, startHarness } from "./harness.ts";
import { type ImportClient, importClient } from "./import-client.ts";

let h: Harness;
let newOrg: ImportClient["newOrg"];
let upload: ImportClient["upload"];
let finished: ImportClient["finished"];
let contactsOf: ImportClient["contactsOf"];
const sockets: Socket[] = [];
const fixture = (name: string) => readFileSync(new URL(`./fixtures/imports/${name}`, import.meta.url));

beforeAll(async () => {
  h = await startHarness({ IMPORT_MAX_BYTES: "300000" });
  ({ newOrg, upload, finished, contactsOf } = importClient(h));
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await h?.close();
});

describe("importing real-world files", () => {
  it("Excel pt-BR (Windows-1252, ';', CRLF, line break in a cell): merges in the file and with existing contacts", async () => {
    const org = await newOrg("imp-excel");
    await h.t.admin`insert into public.contacts (org_id, phone_e164, name, tags, custom_fields)
      values (${org.orgId}, '+5531991234567', 'Lucia', '{antiga}', '{"origem":"site"}')`;
    const [list] = await h.t.admin<{ id: string }[]>`
      insert into public.contact_lists (org_id, name) values (${org.orgId}, 'Planilha') returning id`;

    const token = await h.tokenFor(org.users.viewer);
    const socket = connect(h.url, { auth: { token }, transports: ["websocket"], reconnection: false });
    sockets.push(socket);
    const events: TRealtimeEnvelope<"import:progress">[] = [];
    socket.on("import:progress", (e) => events.push(e));
    await new Promise((resolve, reject) => {
      socket.once("realtime:ready", resolve);
      socket.once("connect_error", reject);
    });

    const up = await upload(org, fixture("excel-ptbr-windows1252.csv"), {
      filename: "clientes.csv",
      tags: "planilha",
      listId: list?.id ?? "",
    });
    expect(up.status, JSON.stringify(up.body)).toBe(202);
    // The job may have picked the import up already by the time the answer is built.
    expect(["queued", "running", "completed"]).toContain(up.body.status);
    expect(up.body).toMatchObject({
      encoding: "windows-1252",
      delimiter: ";",
      filename: "clientes.csv",
    });
    expect(up.body.mapping).toEqual({ phone: ["Celular", "Telefone"], name: ["Nome"] });

    const done = await finished(org, up.body.id);
    expect(done.status).toBe("completed");
    expect(done.counts).toEqual({ rowsRead: 8, imported: 4, merged: 2, rejected: 2 });
    // Each line keeps its code too, which the dashboard words in the user's language.
    expect(done.errors.map((e: Json) => e.code)).toEqual(["not_a_number", "too_short"]);
    expect(done.errors).toMatchObject([
      { line: 7, column: "Celular", raw: "abc", reason: "the phone number is not written as a number" },
      {
        line: 11,
        column: "Celular",
        raw: "12345",
        reason: "the phone number is too short (too few digits for a phone number)",
      },
    ]);

    expect(await contactsOf(org)).toEqual([
      {
        phone: "+5511987654321",
        name: "Maria Antônia Silva",
        alt: [],
        fields: { cidade: "Osasco", observacoes: "Prefere contato à tarde; não ligar" },
        tags: ["planilha"],
        line: "mobile",
      },
      {
        phone: "+5511998765432",
        name: "José da Conceição",
        alt: ["+551134567890"],
        fields: { cidade: "São Paulo", observacoes: "Cliente desde 2019\nVIP", data_de_nascimento: "12/03/1985" },
        tags: ["planilha"],
        line: "mobile",
      },
      {
        phone: "+551199990001",
        name: "Carlos",
        alt: [],
        fields: { cidade: "São Paulo" },
        tags: ["planilha"],
        line: "mobile",
      },
      {
        phone: "+552133334444",
        name: "Ana Luíza",
        alt: [],
        fields: { cidade: "Rio de Janeiro" },
        tags: ["planilha"],
        line: "fixed_line",
      },
      {
        phone: "+5531991234567",
        name: "Lúcia Helena",
        alt: [],
        fields: {
          origem: "site",
          cidade: "Belo Horizonte",
          observacoes: '=HYPERLINK("http://evil.example";"clique")',
        },
        tags: ["antiga", "planilha"],
        line: "mobile",
      },
    ]);
    const [members] = await h.t.admin<{ n: number }[]>`
      select count(*)::int as n from public.contact_list_members where list_id = ${list?.id ?? ""}`;
    expect(members?.n).toBe(5);
    const [chunks] = await h.t.admin<{ n: number }[]>`
      select count(*)::int as n from public.contact_import_chunks where import_id = ${up.body.id}`;
    expect(chunks?.n).toBe(0);

    // Progress reached the organization's room, ending with the final counts.
    const until = Date.now() + 5000;
    while (!events.some((e) => e.data.status === "completed") && Date.now() < until)
      await new Promise((r) => setTimeout(r, 20));
    expect(events.at(-1)?.data).toEqual({
      importId: up.body.id,
      status: "completed",
      rowsRead: 8,
      imported: 4,
      merged: 2,
      rejected: 2,
    });

    // The errors download and the export: UTF-8 with BOM, formulas never live.
    const errorsCsv = await fetch(`${h.url}/api/v1/orgs/${org.orgId}/imports/${up.body.id}/errors.csv`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(errorsCsv.headers.get("content-type")).toMatch(/^text\/csv/);
    const errorsBytes = Buffer.from(await errorsCsv.arrayBuffer());
    expect([...errorsBytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(errorsBytes.subarray(3).toString("utf8")).toBe(
      "line,column,raw,reason,code\r\n" +
        "7,Celular,abc,the phone number is not written as a number,not_a_number\r\n" +
        "11,Celular,12345,the phone number is too short (too few digits for a phone number),too_short\r\n",
    );
    const exported = await fetch(`${h.url}/api/v1/orgs/${org.orgId}/contacts/export.csv?listId=${list?.id}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const text = Buffer.from(await exported.arrayBuffer()).toString("utf8");
    expect(text.startsWith("\uFEFFphone,name,other_phones,tags,consent,line_type,created_at,")).toBe(true);
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example"";""clique"")"`);
    expect(text).not.toMatch(/(^|,)"?=HYPERLINK/m);
    expect(text).toContain("José da Conceição");
    expect(text.split("\r\n").filter(Boolean)).toHaveLength(6);
  });

  it("Google Contacts (UTF-8 BOM, several numbers per cell, labels): the mobile is preferred, labels become tags", async () => {
    const org = await newOrg("imp-google");
    const up = await upload(org, fixture("google-contacts.csv"), { tags: "google" });
    expect(up.status, JSON.stringify(up.body)).toBe(202);
    expect(up.body).toMatchObject({ encoding: "utf-8", delimiter: "," });
    const done = await finished(org, up.body.id);
    expect(done.counts).toEqual({ rowsRead: 5, imported: 3, merged: 1, rejected: 1 });
    expect(done.errors.map((e: Json) => e.code)).toEqual(["no_phone"]);
    expect(done.errors).toMatchObject([
      { line: 6, column: "Phone 1 - Value, Phone 2 - Value", raw: null, reason: "no phone number in the row" },
    ]);
    expect(await contactsOf(org)).toEqual([
      {
        phone: "+14155550132",
        name: "Carla Dias",
        alt: [],
        fields: {},
        tags: ["google"],
        line: "fixed_line_or_mobile",
      },
      {
        phone: "+5511912345678",
        name: "Ana Souza",
        alt: ["+551132221111"],
        fields: {
          birthday: "1990-05-01",
          e_mail_1_type: "* Home",
          e_mail_1_value: "ana@example.com",
          organization_1_name: "Acme",
        },
        tags: ["Clientes", "Newsletter", "google"],
        line: "mobile",
      },
      {
        phone: "+5511977778888",
        name: "Bruno Lima",
        alt: ["+551130304040"],
        fields: { notes: "Conheceu na feira, quer catálogo" },
        tags: ["Leads", "VIP", "google"],
        line: "mobile",
      },
    ]);
  });

  it("Outlook (every field quoted, Windows-1252, Business/Home/Mobile/Other columns, '00' prefix)", async () => {
    const org = await newOrg("imp-outlook");
    const up = await upload(org, fixture("outlook-contacts.csv"));
    expect(up.status, JSON.stringify(up.body)).toBe(202);
    expect(up.body).toMatchObject({ encoding: "windows-1252", delimiter: "," });
    const done = await finished(org, up.body.id);
    expect(done.counts).toEqual({ rowsRead: 5, imported: 3, merged: 1, rejected: 1 });
    expect(done.errors.map((e: Json) => [e.line, e.reason])).toEqual([[5, "no phone number in the row"]]);
    expect(await contactsOf(org)).toEqual([
      { phone: "+442079460958", name: "Tom Baker", alt: [], fields: {}, tags: [], line: "fixed_line" },
      {
        phone: "+5491123456789",
        name: "Sofía Martínez",
        alt: ["+541143215678"],
        fields: {
          company: "Distribuidora Sur",
          job_title: "Gerente",
          e_mail_address: "sofia@sur.com.ar",
          notes: "Habla español",
        },
        tags: ["Clientes"],
        line: "mobile",
      },
      {
        phone: "+5511988887777",
        name: "Roberto Almeida",
        alt: ["+551122223333"],
        fields: {
          title: "Sr.",
          company: "Almeida & Filhos",
          job_title: "Diretor",
          business_fax: "+55 (11) 2222-3334",
          e_mail_address: "roberto@almeida.com.br",
        },
        tags: ["Fornecedores", "Newsletter", "VIP"],
        line: "mobile",
      },
    ]);
  });

  it("a hand-typed file (LF, stray spaces, every written form): each bad number reported with its line", async () => {
    const org = await newOrg("imp-hand");
    const up = await upload(org, fixture("hand-typed.csv"));
    expect(up.status, JSON.stringify(up.body)).toBe(202);
    const done = await finished(org, up.body.id);
    expect(done.counts).toEqual({ rowsRead: 9, imported: 5, merged: 1, rejected: 3 });
    expect(done.errors.map((e: Json) => e.code)).toEqual(["too_short", "too_long", "not_a_number"]);
    expect(done.errors).toMatchObject([
      {
        line: 8,
        column: "whatsapp",
        raw: "+1 (555) 01",
        reason: "the phone number is too short (too few digits for a phone number)",
      },
      {
        line: 9,
        column: "whatsapp",
        raw: "11 98765-123456",
        reason: "the phone number is too long (too many digits for a phone number)",
      },
      { line: 10, column: "whatsapp", raw: "ramal 20", reason: "the phone number is not written as a number" },
    ]);
    const rows = await contactsOf(org);
    expect(rows.map((r) => [r.phone, r.name, r.alt, r.tags, r.fields])).toEqual([
      ["+5511965432109", "Eli", [], [], {}],
      ["+5511987650000", "Caio", ["+551133332222"], [], {}],
      // Duda wrote Zé's number in another form: one contact, the later row's values win, tags add up.
      ["+5511987651234", "Duda", [], ["cliente", "lead"], { obs: "mesmo número do Zé" }],
      // Brazil's 8-digit mobile is kept as written; the on-WhatsApp check at send time resolves it.
      ["+552187654321", "Fê", [], [], {}],
      ["+5521987651234", "Bia", [], ["cliente", "vip"], { obs: "ligar depois" }],
    ]);
  });

  it("10% malformed numbers: the rest imports, each bad line is reported", async () => {
    const org = await newOrg("imp-ten-percent");
    const lines = ["telefone,nome"];
    for (let i = 0; i < 200; i++) {
      lines.push(i % 10 === 3 ? `12-${i},Bad ${i}` : `(11) 9${String(80000000 + i).padStart(8, "0")},Name ${i}`);
    }
    const up = await upload(org, `${lines.join("\n")}\n`);
    expect(up.status).toBe(202);
    const done = await finished(org, up.body.id);
    expect(done.counts).toEqual({ rowsRead: 200, imported: 180, merged: 0, rejected: 20 });
    expect(done.errors.map((e: Json) => e.line)).toEqual(Array.from({ length: 20 }, (_, k) => 10 * k + 3 + 2));
  });

  it("a line shifted by a delimiter inside an unquoted value is refused with its line, not imported shifted", async () => {
    const org = await newOrg("imp-shifted");
    const file =
      "nome;celular;cidade\nAna;11 91234-0001;Recife\nBia Silva; Jr;11 91234-0002;Natal\nCai;11 91234-0003;;\n";
    const up = await upload(org, file);
    expect(up.status, JSON.stringify(up.body)).toBe(202);
    const done = await finished(org, up.body.id);
    expect(done.counts).toEqual({ rowsRead: 3, imported: 2, merged: 0, rejected: 1 });
    expect(done.errors).toMatchObject([{ line: 3, code: "extra_cells", raw: "Natal" }]);
    expect((await contactsOf(org)).map((r) => r.name).sort()).toEqual(["Ana", "Cai"]);
  });

  it("a UTF-8 file with a Windows-1252 line after the sample: that line is refused, not stored mangled", async () => {
    const org = await newOrg("imp-mixed");
    const head = Buffer.from(`nome,celular\n${"Ana,11 91234-0000\n".repeat(5000)}`, "utf8");
    const latin = Buffer.from("Jo\xe3o,11 91234-9999\n", "latin1");
    const up = await upload(org, Buffer.concat([head, latin]));
    expect(up.status, JSON.stringify(up.body)).toBe(202);
    expect(up.body.encoding).toBe("utf-8");
    const done = await finished(org, up.body.id);
    expect(done.counts).toEqual({ rowsRead: 5001, imported: 1, merged: 4999, rejected: 1 });
    expect(done.errors.map((e: Json) => e.code)).toEqual(["not_utf8"]);
    expect(done.errors).toMatchObject([
      {
        line: 5002,
        column: null,
        raw: "Jo\uFFFDo",
        reason: "the line is not valid UTF-8 (save the file as UTF-8, or upload it with encoding=windows-1252)",
      },
    ]);
  });

  it("the caller's mapping overrides the guess", async () => {
    const org = await newOrg("imp-mapping");
    const file = "Contato,Código do cliente\nAna,11 91111-2222\n";
    const guessed = await upload(org, file);
    expect(guessed.status).toBe(400);
    expect(guessed.body.detail).toMatch(/no phone column.*"Código do cliente"/);
    const mapped = await upload(org, file, {
      mapping: JSON.stringify({ phone: ["Código do cliente"], name: ["Contato"] }),
    });
    expect(mapped.status, JSON.stringify(mapped.body)).toBe(202);
    expect((await finished(org, mapped.body.id)).counts).toMatchObject({ imported: 1 });
    expect((await contactsOf(org)).map((r) => [r.phone, r.name])).toEqual([["+5511911112222", "Ana"]]);
  });
});

describe("files refused before anything is stored", () => {
  let org: OrgFixture;
  beforeAll(async () => {
    org = await newOrg("imp-refused");
  });

  it.each([
    ["an empty file", "", 400, /empty/, "file_empty"],
    ["a header without rows", "nome;celular\r\n", 400, /header line and no rows/, "file_no_rows"],
    ["no phone column", "nome,cidade\nAna,Recife\n", 400, /no phone column/, "no_phone_column"],
    ["an Excel workbook", Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 6, 0]), 415, /xlsx/, "file_workbook"],
    ["a PDF", Buffer.from("%PDF-1.7\n"), 415, /PDF/, "file_pdf"],
    ["a binary file", Buffer.from([0x00, 0x01, 0x02, 0xff, 0x10, 0x00, 0x42, 0x43]), 415, /binary/, "file_binary"],
  ])("%s → %i", async (_what, body, status, reason, reasonCode) => {
    const res = await upload(org, body);
    expect(res.status).toBe(status);
    expect(res.body.detail).toMatch(reason);
    // The code lets the dashboard word the refusal in the user's language (the detail is English).
    expect(res.body.reasonCode).toBe(reasonCode);
  });

  it("JSON or multipart instead of the file → 415; past IMPORT_MAX_BYTES → 413", async () => {
    expect((await upload(org, '{"a":1}', {}, { contentType: "application/json" })).status).toBe(415);
    const big = `telefone\n${"11 91234-5678\n".repeat(30_000)}`;
    const res = await upload(org, big);
    expect(res.status).toBe(413);
    const [n] = await h.t.admin<{ n: number }[]>`
      select (select count(*) from public.contact_imports where org_id = ${org.orgId})
           + (select count(*) from public.contacts where org_id = ${org.orgId}) as n`;
    expect(Number(n?.n)).toBe(0);
  });

  it("a viewer may not import (403); another organization's marketer sees nothing (404)", async () => {
    expect((await upload(org, "telefone\n11912345678\n", {}, { role: "viewer" })).status).toBe(403);
    const other = await newOrg("imp-other");
    const token = await h.tokenFor(other.users.marketer);
    const res = await fetch(`${h.url}/api/v1/orgs/${org.orgId}/imports`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "text/csv" },
      body: "telefone\n11912345678\n",
    });
    expect(res.status).toBe(404);
  });
});
