import type { TImportWarningCode } from "@mirage/contracts/imports";
import type { Db } from "./client.ts";

/**
 * Contact import records, their rejected lines, and the uploaded bytes (1 MiB chunks in Postgres until the job has
 * read them). The API creates the record as the user; the job writes progress, errors and the outcome as the
 * service, so progress cannot be forged.
 */

export type ImportStatus = "uploading" | "queued" | "running" | "completed" | "failed";

export type ImportRow = {
  id: string;
  orgId: string;
  status: ImportStatus;
  filename: string | null;
  sizeBytes: number;
  encoding: string | null;
  delimiter: string | null;
  options: Record<string, unknown>;
  mapping: unknown;
  rowsRead: number;
  imported: number;
  merged: number;
  rejected: number;
  /** The numbers imported with a warning (the lines of `contact_import_errors` with a warning code). */
  warningCount: number;
  error: string | null;
  /** Why a failed import stopped, for a client to word it (ZImportFailureCode); null otherwise. */
  errorCode: string | null;
  createdBy: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
};

/** `code`: why, for a client to word it (ZImportRejectionCode); null only on lines recorded before codes. */
export type ImportErrorRow = {
  line: number;
  column: string | null;
  raw: string | null;
  reason: string;
  code: string | null;
};

/**
 * The lines of `contact_import_errors` that report a number imported anyway (ZImportWarningCode `number_unlikely`)
 * rather than a rejected row: kept in the same table, so the erasure of a person and the retention rules reach them
 * alike, and listed apart (`kind`). The conditions are written out, not bound, so the partial index of each kind
 * serves them.
 */
export const IMPORT_WARNING_CODE = "number_unlikely" satisfies TImportWarningCode;

/** Which lines of an import's `contact_import_errors` a listing reads: the rejections or the warnings. */
export type ImportLineKind = "rejections" | "warnings";

const ofKind = (db: Db, kind: ImportLineKind) =>
  kind === "warnings" ? db`code = 'number_unlikely'` : db`code is distinct from 'number_unlikely'`;

const columns = (db: Db) => db`
  id, org_id as "orgId", status, filename, size_bytes as "sizeBytes", encoding, delimiter, options, mapping,
  rows_read as "rowsRead", imported, merged, rejected, error, error_code as "errorCode", created_by as "createdBy",
  created_at as "createdAt",
  started_at as "startedAt", finished_at as "finishedAt", warnings as "warningCount"`;

/** As the user: the record that the upload then fills. */
export async function createImport(
  db: Db,
  input: { orgId: string; filename: string | null; options: Record<string, unknown>; createdBy: string | null },
): Promise<string> {
  const [row] = await db<{ id: string }[]>`
    insert into public.contact_imports (org_id, filename, options, created_by)
    values (${input.orgId}, ${input.filename}, ${db.json(input.options as never)}, ${input.createdBy})
    returning id`;
  if (!row) throw new Error("import insert returned no row");
  return row.id;
}

export async function findImport(db: Db, orgId: string, id: string): Promise<ImportRow | undefined> {
  const [row] = await db<ImportRow[]>`
    select ${columns(db)} from public.contact_imports where org_id = ${orgId} and id = ${id}`;
  return row;
}

export async function listImports(db: Db, orgId: string, limit: number): Promise<ImportRow[]> {
  return db<ImportRow[]>`
    select ${columns(db)} from public.contact_imports where org_id = ${orgId} order by created_at desc limit ${limit}`;
}

export async function deleteImport(db: Db, orgId: string, id: string): Promise<boolean> {
  const r = await db`delete from public.contact_imports where org_id = ${orgId} and id = ${id}`;
  return r.count > 0;
}

/** Service: one chunk of the upload. */
export async function writeImportChunk(
  db: Db,
  input: { importId: string; orgId: string; seq: number; data: Uint8Array },
): Promise<void> {
  await db`
    insert into public.contact_import_chunks (import_id, seq, org_id, data)
    values (${input.importId}, ${input.seq}, ${input.orgId}, ${Buffer.isBuffer(input.data) ? input.data : Buffer.from(input.data)})`;
}

/** Service: chunk `seq` of the upload, or undefined past the last. */
export async function readImportChunk(db: Db, importId: string, seq: number): Promise<Buffer | undefined> {
  const [row] = await db<{ data: Buffer }[]>`
    select data from public.contact_import_chunks where import_id = ${importId} and seq = ${seq}`;
  return row?.data;
}

export async function deleteImportChunks(db: Db, importId: string): Promise<void> {
  await db`delete from public.contact_import_chunks where import_id = ${importId}`;
}

/** Service: the upload is complete (or refused before any row was imported). */
export async function finishUpload(
  db: Db,
  id: string,
  input: {
    sizeBytes: number;
    encoding: string;
    delimiter: string;
    mapping: unknown;
    status: "queued" | "failed";
    error?: string;
  },
): Promise<void> {
  await db`
    update public.contact_imports set size_bytes = ${input.sizeBytes}, encoding = ${input.encoding},
      delimiter = ${input.delimiter}, mapping = ${db.json(input.mapping as never)}, status = ${input.status},
      error = ${input.error ?? null}, finished_at = case when ${input.status} = 'failed' then now() end
    where id = ${id}`;
}

/** Service: claim a queued import for processing (false when another attempt already finished it). */
export async function startImport(db: Db, id: string): Promise<ImportRow | undefined> {
  const [row] = await db<ImportRow[]>`
    update public.contact_imports set status = 'running', started_at = coalesce(started_at, now())
    where id = ${id} and status in ('queued', 'running')
    returning ${columns(db)}`;
  return row;
}

export async function recordImportProgress(
  db: Db,
  id: string,
  counts: { rowsRead: number; imported: number; merged: number; rejected: number },
  errors: readonly (ImportErrorRow & { orgId: string })[],
): Promise<void> {
  if (errors.length > 0) {
    await db`
      insert into public.contact_import_errors (org_id, import_id, line, column_name, raw, reason, code)
      select t."orgId", ${id}, t.line, t.column, t.raw, t.reason, t.code
      from jsonb_to_recordset(${db.json(errors as never)}::jsonb)
        as t("orgId" uuid, line int, "column" text, raw text, reason text, code text)`;
  }
  const warnings = errors.filter((e) => e.code === IMPORT_WARNING_CODE).length;
  await db`
    update public.contact_imports set rows_read = ${counts.rowsRead}, imported = ${counts.imported},
      merged = ${counts.merged}, rejected = ${counts.rejected}, warnings = warnings + ${warnings}
    where id = ${id}`;
}

/** Service: restart from scratch (a retried job re-reads the file; merging makes that harmless). */
export async function resetImportProgress(db: Db, id: string): Promise<void> {
  await db`delete from public.contact_import_errors where import_id = ${id}`;
  await db`
    update public.contact_imports set rows_read = 0, imported = 0, merged = 0, rejected = 0, warnings = 0
    where id = ${id}`;
}

export async function finishImport(
  db: Db,
  id: string,
  outcome: { status: "completed" | "failed"; error?: string; errorCode?: string },
) {
  await db`
    update public.contact_imports set status = ${outcome.status}, error = ${outcome.error ?? null},
      error_code = ${outcome.errorCode ?? null}, finished_at = now()
    where id = ${id}`;
}

/** The first `limit` reported lines of an import of one kind (the rejections by default), in file order. */
export async function listImportErrors(
  db: Db,
  orgId: string,
  importId: string,
  limit: number,
  kind: ImportLineKind = "rejections",
): Promise<ImportErrorRow[]> {
  return db<ImportErrorRow[]>`
    select line, column_name as column, raw, reason, code from public.contact_import_errors
    where org_id = ${orgId} and import_id = ${importId} and ${ofKind(db, kind)} order by line, id limit ${limit}`;
}

export function cursorImportErrors(
  db: Db,
  orgId: string,
  importId: string,
  kind: ImportLineKind = "rejections",
): AsyncIterable<ImportErrorRow[]> {
  return db<ImportErrorRow[]>`
    select line, column_name as column, raw, reason, code from public.contact_import_errors
    where org_id = ${orgId} and import_id = ${importId} and ${ofKind(db, kind)} order by line, id`.cursor(1000);
}

/**
 * As the user (RLS): the name of each contact of the organization whose number is one of `phones` (E.164), for the
 * preview to say which rows would rename one. Matches `phone_e164` alone, as the import's upsert does.
 */
export async function findContactNames(
  db: Db,
  orgId: string,
  phones: readonly string[],
): Promise<Map<string, string | null>> {
  if (phones.length === 0) return new Map();
  const rows = await db<{ phone: string; name: string | null }[]>`
    select phone_e164 as phone, name from public.contacts
    where org_id = ${orgId} and phone_e164 = any(${[...new Set(phones)]}::text[])`;
  return new Map(rows.map((r) => [r.phone, r.name]));
}
