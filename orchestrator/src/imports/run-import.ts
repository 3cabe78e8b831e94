import { Readable } from "node:stream";
import type { TJwtClaims } from "@mirage/contracts/auth";
import type { TImportFailureCode, TImportRejectionCode, TImportWarningCode } from "@mirage/contracts/imports";
import type { Database } from "@mirage/db";
import { addToList, type ContactUpsert, upsertContacts } from "@mirage/db/contacts";
import {
  deleteImportChunks,
  finishImport,
  type ImportErrorRow,
  type ImportRow,
  readImportChunk,
  recordImportProgress,
  resetImportProgress,
} from "@mirage/db/imports";
import { parse } from "csv-parse";
import iconv from "iconv-lite";
import { resolveMapping } from "./mapping.ts";
import { buildRow, invalidUtf8, mergeInto, SeenNumbers } from "./row.ts";

/**
 * The import itself: streams the stored upload out of Postgres chunk by chunk, decodes it, parses it, and upserts
 * contacts in batches as the user who uploaded (RLS applies to the job as it did to the request). Memory is bounded
 * by one chunk, one batch, and the set of numbers seen in the file (for merging duplicates across batches).
 */

export type ImportCounts = { rowsRead: number; imported: number; merged: number; rejected: number };

export type RunImportDeps = {
  db: Database;
  /** Called after each batch (and at the end) with the running counts. */
  onProgress?: (counts: ImportCounts) => Promise<void> | void;
  batchSize?: number;
};

/** The import cannot go on, whatever a retry does; `code` words `message` for clients (ZImportFailureCode). */
export class ImportRefused extends Error {
  constructor(
    readonly code: TImportFailureCode,
    message: string,
  ) {
    super(message);
  }
}

type Options = { tags?: string[]; listId?: string; defaultCountry?: string | null };

export async function runImport(deps: RunImportDeps, imp: ImportRow): Promise<ImportCounts> {
  const { db } = deps;
  const batchSize = deps.batchSize ?? 5000;
  const options = imp.options as Options;
  const claims: TJwtClaims = { sub: imp.createdBy ?? "", role: "authenticated", aud: "authenticated" };
  if (!imp.createdBy) throw new ImportRefused("no_uploader", "the import has no uploader to act as");
  await db.asService((tx) => resetImportProgress(tx, imp.id));

  async function* chunks() {
    for (let seq = 0; ; seq++) {
      const data = await db.asService((tx) => readImportChunk(tx, imp.id, seq));
      if (!data) return;
      yield data;
    }
  }
  // One stored chunk in flight at a time: the stream never reads ahead more than the parser consumes.
  const parser = Readable.from(chunks(), { highWaterMark: 1 })
    .pipe(iconv.decodeStream(imp.encoding ?? "utf-8"))
    .pipe(
      parse({
        delimiter: imp.delimiter ?? ",",
        info: true,
        relax_column_count: true,
        relax_quotes: true,
        skip_records_with_error: true,
        max_record_size: 1_000_000,
      }),
    );

  const counts: ImportCounts = { rowsRead: 0, imported: 0, merged: 0, rejected: 0 };
  const errors: (ImportErrorRow & { orgId: string })[] = [];
  // Every number seen in the file → the primary number of the contact it went to, kept as a number too (E.164
  // without "+" fits a double exactly) so that a million contacts do not each hold a string.
  const seen = new SeenNumbers<number>();
  const num = (e164: string) => Number(e164.slice(1));
  let batch = new Map<string, ContactUpsert>();
  let header: string[] | undefined;
  let resolved: Exclude<ReturnType<typeof resolveMapping>, { reason: string }> | undefined;
  let prevEnd = 0;
  const utf8 = (imp.encoding ?? "utf-8") === "utf-8";
  // Primaries whose contact was already written by an earlier batch of this file (so not "merged with existing").
  let firstSeenEarlier = new Set<string>();

  // Rejections and warnings (a number imported anyway) are stored alike; the code tells them apart when listed.
  const reject = (
    line: number,
    column: string | null,
    raw: string | null,
    reason: string,
    code: TImportRejectionCode | TImportWarningCode,
  ) => errors.push({ orgId: imp.orgId, line, column, raw: raw === null ? null : raw.slice(0, 500), reason, code });

  parser.on("skip", (err: Error & { lines?: number }) => {
    counts.rowsRead++;
    counts.rejected++;
    reject(err.lines ?? prevEnd + 1, null, null, `unreadable CSV: ${err.message}`, "unreadable_line");
  });

  // Parsing (this process) and upserting (Postgres) overlap: one batch is written while the next is parsed.
  let inFlight: Promise<void> = Promise.resolve();
  const write = async (rows: ContactUpsert[], earlier: Set<string>, pending: typeof errors) => {
    if (rows.length > 0) {
      const result = await db.asUser(claims, async (tx) => {
        const out = await upsertContacts(tx, imp.orgId, rows);
        if (options.listId)
          await addToList(
            tx,
            imp.orgId,
            options.listId,
            out.map((r) => r.id),
          );
        return out;
      });
      for (const r of result) {
        // A contact merged within this file was counted when its later rows were folded in.
        if (r.inserted) counts.imported++;
        else if (!earlier.has(r.phone)) counts.merged++;
      }
    }
    await db.asService((tx) => recordImportProgress(tx, imp.id, counts, pending));
    await deps.onProgress?.({ ...counts });
  };
  const flush = async () => {
    const rows = [...batch.values()];
    const earlier = firstSeenEarlier;
    batch = new Map();
    firstSeenEarlier = new Set();
    const pending = errors.splice(0);
    await inFlight;
    inFlight = write(rows, earlier, pending);
    // Surface a failed write now rather than after the whole file is parsed.
    inFlight.catch(() => undefined);
  };

  for await (const { info, record } of parser as AsyncIterable<{ info: { lines: number }; record: string[] }>) {
    const line = prevEnd + 1;
    prevEnd = info.lines;
    if (!header) {
      if (record.every((c) => c.trim() === "")) continue;
      header = record.map((h) => h.trim());
      const r = resolveMapping(header, imp.mapping as never);
      if ("reason" in r) throw new ImportRefused(r.code, r.reason);
      resolved = r;
      continue;
    }
    const mixed = invalidUtf8(record, utf8 ? "utf-8" : "other");
    if (mixed) {
      counts.rowsRead++;
      counts.rejected++;
      reject(line, mixed.column, mixed.raw, mixed.reason, mixed.code);
      continue;
    }
    const out = buildRow(record, header, resolved as NonNullable<typeof resolved>, {
      defaultCountry: options.defaultCountry ?? null,
      tags: options.tags ?? [],
    });
    if (out.kind === "blank") continue;
    counts.rowsRead++;
    if (out.kind === "rejected") {
      counts.rejected++;
      reject(line, out.rejection.column, out.rejection.raw, out.rejection.reason, out.rejection.code);
      continue;
    }
    for (const d of out.dropped)
      reject(
        line,
        d.column,
        d.raw,
        `${d.reason} (ignored; the row's other numbers were imported)`,
        "extra_number_dropped",
      );
    for (const u of out.unlikely)
      reject(
        line,
        u.column,
        u.raw,
        `the phone number was read as ${u.phone}, ${u.reason} (imported anyway)`,
        "number_unlikely",
      );
    const ownerKey = seen.ownerOf(out.allPhones);
    if (ownerKey !== undefined) {
      const owner = `+${ownerKey}`;
      // The same person again in this file: fold into the first occurrence, never a second contact.
      counts.merged++;
      const inBatch = batch.get(owner);
      if (inBatch) mergeInto(inBatch, out.contact);
      else {
        const again = { ...out.contact, phone: owner, altPhones: out.allPhones.filter((p) => p !== owner) };
        batch.set(owner, again);
        // Not in this batch, so an earlier batch wrote it: its merge is not "merged with an existing contact".
        firstSeenEarlier.add(owner);
      }
      seen.claim(out.allPhones, ownerKey);
    } else {
      batch.set(out.contact.phone, out.contact);
      seen.claim(out.allPhones, num(out.contact.phone));
    }
    if (batch.size >= batchSize) await flush();
  }
  if (!header) throw new ImportRefused("empty", "the file is empty");
  await flush();
  await inFlight;
  if (counts.rowsRead === 0) throw new ImportRefused("no_rows", "the file has a header line and no rows");
  return counts;
}

/** Marks the import finished and drops its stored bytes. */
export async function closeImport(
  db: Database,
  importId: string,
  outcome: { status: "completed" | "failed"; error?: string; errorCode?: TImportFailureCode },
): Promise<void> {
  await db.asService(async (tx) => {
    await finishImport(tx, importId, outcome);
    await deleteImportChunks(tx, importId);
  });
}
