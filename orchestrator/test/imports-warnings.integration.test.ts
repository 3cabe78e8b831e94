/**
 * What an import tells before and after it stores a row it has doubts about: a number that is possible but not valid
 * in its country (`number_unlikely`: imported anyway, flagged in the preview and listed in the result and its CSV as
 * a warning, not a rejection), and a row that would rename a contact the organization already has
 * (`renames_contact`, in the preview, read as the caller). Real API, Postgres under RLS, the import job.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, type Harness, type Json, startHarness } from "./harness.ts";
import { type ImportClient, importClient } from "./import-client.ts";

let h: Harness;
let client: ImportClient;

beforeAll(async () => {
  h = await startHarness();
  client = importClient(h);
});
afterAll(async () => {
  await h?.close();
});

/** A Brazilian organization's file: two unlikely numbers, a legacy 8-digit mobile, a rename, a same-name match. */
const CSV = [
  "Nome;Celular",
  "Carla Dias;(11) 98888-0001",
  "Rita;98888-0007",
  "Beto;(11) 9888-001",
  "Carlos;(11) 9888-0003",
  "Júlia Alves;(11) 98888-0002",
  "Bruno Lima;(11) 98888-0004",
  "Sem Nome Antes;(11) 98888-0005",
  "Outro;(11) 98888-0009",
  "",
].join("\n");

async function preview(org: Awaited<ReturnType<ImportClient["newOrg"]>>, body: string) {
  const token = await h.tokenFor(org.users.marketer);
  const res = await fetch(`${h.url}/api/v1/orgs/${org.orgId}/imports/preview`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "text/csv" },
    body,
  });
  return { status: res.status, body: (await res.json()) as Json };
}

const rowAt = (p: Json, line: number) => p.rows.find((r: Json) => r.line === line);

describe("numbers imported though not valid in their country", () => {
  it("are flagged per row in the preview, and counted and listed as warnings (not rejections) by the import", async () => {
    const org = await client.newOrg("imp-unlikely");
    const pre = await preview(org, CSV);
    expect(pre.status, JSON.stringify(pre.body)).toBe(200);
    expect(pre.body.unlikelyNumbers).toBe(2);
    expect(rowAt(pre.body, 3).contact.phone).toBe("+55988880007");
    expect(rowAt(pre.body, 3).warnings).toEqual([
      {
        code: "number_unlikely",
        column: "Celular",
        raw: "98888-0007",
        phone: "+55988880007",
        country: "BR",
        reason: "not a valid BR number: check the area code and the digit count",
      },
    ]);
    expect(rowAt(pre.body, 4).warnings).toMatchObject([
      { code: "number_unlikely", raw: "(11) 9888-001", phone: "+55119888001" },
    ]);
    // A Brazilian mobile without its ninth digit is how WhatsApp still knows older accounts: not flagged.
    expect(rowAt(pre.body, 5).contact.phone).toBe("+551198880003");
    expect(rowAt(pre.body, 5).warnings).toEqual([]);
    expect(rowAt(pre.body, 2).warnings).toEqual([]);

    const up = await client.upload(org, CSV, { filename: "warn.csv" });
    expect(up.status, JSON.stringify(up.body)).toBe(202);
    const done = await client.finished(org, up.body.id);
    expect(done.status).toBe("completed");
    expect(done.counts).toEqual({ rowsRead: 8, imported: 8, merged: 0, rejected: 0 });
    expect(done.errors).toEqual([]);
    expect(done.warningCount).toBe(2);
    expect(done.warnings).toEqual([
      {
        line: 3,
        column: "Celular",
        raw: "98888-0007",
        reason:
          "the phone number was read as +55988880007, not a valid BR number: check the area code and the digit " +
          "count (imported anyway)",
        code: "number_unlikely",
      },
      {
        line: 4,
        column: "Celular",
        raw: "(11) 9888-001",
        reason:
          "the phone number was read as +55119888001, not a valid BR number: check the area code and the digit " +
          "count (imported anyway)",
        code: "number_unlikely",
      },
    ]);
    // Still imported, as before.
    const phones = (await client.contactsOf(org)).map((c) => c.phone);
    expect(phones).toEqual(expect.arrayContaining(["+55988880007", "+55119888001", "+551198880003"]));

    // The list the import shows them in, and the downloads: warnings apart from the rejected lines.
    const viewer = await h.tokenFor(org.users.viewer);
    const list = await api(h, "get", `/api/v1/orgs/${org.orgId}/imports`, { token: viewer });
    expect(list.body.items.find((i: Json) => i.id === up.body.id)?.warningCount).toBe(2);
    const csv = async (qs: string) => {
      const res = await fetch(`${h.url}/api/v1/orgs/${org.orgId}/imports/${up.body.id}/errors.csv${qs}`, {
        headers: { authorization: `Bearer ${viewer}` },
      });
      expect(res.status).toBe(200);
      return (await res.text())
        .replace(/^\uFEFF/, "")
        .split("\r\n")
        .filter(Boolean);
    };
    const warnings = await csv("?kind=warnings");
    expect(warnings[0]).toBe("line,column,raw,reason,code");
    expect(warnings.slice(1)).toHaveLength(2);
    expect(warnings[1]).toMatch(/^3,Celular,98888-0007,.*\+55988880007.*,number_unlikely$/);
    expect(await csv("")).toEqual(["line,column,raw,reason,code"]);
  });
});

describe("a row whose number is that of a stored contact", () => {
  it("is flagged in the preview when it would change the contact's name, with both names and a count", async () => {
    const org = await client.newOrg("imp-renames");
    await h.t.admin`insert into public.contacts (org_id, phone_e164, name) values
      (${org.orgId}, '+5511988880002', 'Ana Souza'),
      (${org.orgId}, '+5511988880004', 'Bruno Lima'),
      (${org.orgId}, '+5511988880005', null)`;
    // The same number in another organization is none of this one's business (RLS and the org both say so).
    const other = await client.newOrg("imp-renames-other");
    await h.t.admin`insert into public.contacts (org_id, phone_e164, name)
      values (${other.orgId}, '+5511988880009', 'Alguém de Fora')`;

    const pre = await preview(org, CSV);
    expect(pre.status, JSON.stringify(pre.body)).toBe(200);
    expect(pre.body.renamedContacts).toBe(1);
    expect(rowAt(pre.body, 6).warnings).toEqual([
      { code: "renames_contact", raw: "+5511988880002", currentName: "Ana Souza", newName: "Júlia Alves" },
    ]);
    // The same name, a contact without one, another organization's contact: nothing to say.
    expect(rowAt(pre.body, 7).warnings).toEqual([]);
    expect(rowAt(pre.body, 8).warnings).toEqual([]);
    expect(rowAt(pre.body, 9).warnings).toEqual([]);

    // A later row merged into an earlier one that matches a stored contact renames it too (one upsert, one name).
    const merged = await preview(org, "Nome;Celular\nAna Souza;(11) 98888-0002\nJúlia;11 98888 0002 / 11 3333-0002\n");
    expect(merged.body.renamedContacts).toBe(1);
    expect(rowAt(merged.body, 2).warnings).toEqual([]);
    expect(rowAt(merged.body, 3).warnings).toEqual([
      { code: "duplicate_number", raw: "+5511988880002", firstLine: 2 },
      { code: "renames_contact", raw: "+5511988880002", currentName: "Ana Souza", newName: "Júlia" },
    ]);

    // Nothing is written by a preview: the contact keeps its name until the import runs.
    const [ana] = await h.t.admin<{ name: string }[]>`
      select name from public.contacts where org_id = ${org.orgId} and phone_e164 = '+5511988880002'`;
    expect(ana?.name).toBe("Ana Souza");
  });
});
