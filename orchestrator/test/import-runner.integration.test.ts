import { createImport, findImport, finishUpload, writeImportChunk } from "@mirage/db/imports";
import { createLogger } from "@mirage/logger";
import { createOrgWithMembers, type OrgFixture } from "@mirage/testing/fixtures";
import { createTestDatabase, type TestDatabase } from "@mirage/testing/postgres";
import iconv from "iconv-lite";
import { Redis } from "ioredis";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createImportContactsProcessor } from "../src/imports/import-contacts.processor.ts";
import { guessMapping } from "../src/imports/mapping.ts";
import { runImport } from "../src/imports/run-import.ts";
import { REDIS_URL } from "./harness.ts";

let t: TestDatabase;
let org: OrgFixture;

beforeAll(async () => {
  t = await createTestDatabase();
  org = await createOrgWithMembers(t.admin, "runner");
  await t.admin`insert into public.contacts (org_id, phone_e164, name) values (${org.orgId}, '+5511990000005', 'Old')`;
});
afterAll(async () => {
  await t?.drop();
});

/** Stores `bytes` as an upload cut into `chunk`-byte pieces (so characters and rows straddle chunks). */
async function stored(bytes: Buffer, chunk: number, encoding: string, delimiter = ";") {
  const id = await t.db.asUser(org.users.marketer.claims, (tx) =>
    createImport(tx, {
      orgId: org.orgId,
      filename: null,
      options: { defaultCountry: "BR" },
      createdBy: org.users.marketer.id,
    }),
  );
  await t.db.asService(async (tx) => {
    for (let seq = 0; seq * chunk < bytes.length; seq++) {
      await writeImportChunk(tx, {
        importId: id,
        orgId: org.orgId,
        seq,
        data: bytes.subarray(seq * chunk, (seq + 1) * chunk),
      });
    }
    await finishUpload(tx, id, {
      sizeBytes: bytes.length,
      encoding,
      delimiter,
      mapping: guessMapping(["Nome", "Celular"]),
      status: "queued",
    });
  });
  const imp = await t.db.asService((tx) => findImport(tx, org.orgId, id));
  if (!imp) throw new Error("no import");
  return imp;
}

it("merges across batches and chunk boundaries: counts tell new, merged-in-file and merged-with-existing apart", async () => {
  const lines = [
    "Nome;Celular",
    "Ação 1;11990000001",
    "Ação 2;11990000002",
    "Ação 3;11990000003",
    "Ação 1 de novo;(11) 99000-0001", // same person as line 2, in a later batch
    "Velho;11990000005", // already in the organization
    "Ação 2 outra vez;+55 11 99000-0002", // same as line 3, later batch again
    "Ruim;999",
  ];
  const imp = await stored(iconv.encode(`${lines.join("\r\n")}\r\n`, "windows-1252"), 7, "windows-1252");
  const progress: number[] = [];
  const counts = await runImport({ db: t.db, batchSize: 2, onProgress: (c) => void progress.push(c.rowsRead) }, imp);
  expect(counts).toEqual({ rowsRead: 7, imported: 3, merged: 3, rejected: 1 });
  expect(progress.at(-1)).toBe(7);
  expect(progress.length).toBeGreaterThan(2);
  const rows = await t.admin<{ phone: string; name: string }[]>`
    select phone_e164 as phone, name from public.contacts where org_id = ${org.orgId} order by phone_e164 collate "C"`;
  expect(rows).toEqual([
    { phone: "+5511990000001", name: "Ação 1 de novo" },
    { phone: "+5511990000002", name: "Ação 2 outra vez" },
    { phone: "+5511990000003", name: "Ação 3" },
    { phone: "+5511990000005", name: "Velho" },
  ]);
  const errors =
    await t.admin`select line, raw, reason, code from public.contact_import_errors where import_id = ${imp.id}`;
  expect(errors).toEqual([
    {
      line: 8,
      raw: "999",
      reason: "the phone number is too short (too few digits for a phone number)",
      code: "too_short",
    },
  ]);
});

it("every reported line has a code: an extra number dropped from an imported row, a line that is not CSV", async () => {
  // A file cut short inside a quoted cell: the upload's check passed on the sample, the job cannot read that line.
  const file = 'Nome,Celular\nAna,11 91234-0001 / 1234\nBia,abc\nCaio,11 91234-0002\n"Duda,11 9\n';
  const imp = await stored(Buffer.from(file), 16, "utf-8", ",");
  const counts = await runImport({ db: t.db }, imp);
  // Ana is imported with her valid number: her line is reported, not counted as rejected.
  expect(counts).toEqual({ rowsRead: 4, imported: 2, merged: 0, rejected: 2 });
  const errors = await t.admin<{ line: number; column: string | null; raw: string | null; code: string }[]>`
    select line, column_name as column, raw, code from public.contact_import_errors
    where import_id = ${imp.id} order by line`;
  expect(errors.map((e) => [e.line, e.column, e.raw, e.code])).toEqual([
    [2, "Celular", "1234", "extra_number_dropped"],
    [3, "Celular", "abc", "not_a_number"],
    [5, null, null, "unreadable_line"],
  ]);
  const [dropped] = await t.admin<{ reason: string }[]>`
    select reason from public.contact_import_errors where import_id = ${imp.id} and line = 2`;
  expect(dropped?.reason).toBe(
    "the phone number is too short (too few digits for a phone number) (ignored; the row's other numbers were imported)",
  );
});

it("a failed import keeps why as a code beside the English reason, for the dashboard to word", async () => {
  // Only a header: the upload's check saw rows in its sample, the job finds none (a file cut short).
  const imp = await stored(Buffer.from("Nome;Celular\r\n"), 64, "utf-8");
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 3 });
  const stream = `test-import-runner-${imp.id}`;
  try {
    const run = createImportContactsProcessor({
      db: t.db,
      redis,
      logger: createLogger({ service: "import-runner-test", level: "silent" }),
      realtime: { stream },
    });
    await expect(
      run({ importId: imp.id, orgId: org.orgId }, { jobId: imp.id, attemptsMade: 0, attempts: 3 }),
    ).rejects.toThrow("the file has a header line and no rows");
  } finally {
    await redis.del(stream);
    redis.disconnect();
  }
  const after = await t.db.asService((tx) => findImport(tx, org.orgId, imp.id));
  expect(after).toMatchObject({
    status: "failed",
    error: "the file has a header line and no rows",
    errorCode: "no_rows",
  });
});
