import type { TImportPreview, TImportPreviewWarning } from "@mirage/contracts/import-preview";
import type { TImportMapping } from "@mirage/contracts/imports";
import { parse } from "csv-parse/sync";
import iconv from "iconv-lite";
import { AppError } from "../http/app-error.ts";
import { guessMapping, resolveMapping } from "./mapping.ts";
import { buildRow, type DroppedNumber, invalidUtf8, SeenNumbers, type UnlikelyNumber } from "./row.ts";
import { type Delimiter, type Encoding, refusalError, sniffCsv } from "./sniff.ts";

/** How many records after the header the preview shows. */
export const PREVIEW_ROWS = 20;

/**
 * A dry run of an import on the beginning of a file: the encoding, delimiter and mapping the upload would detect (or
 * the overrides), and the first rows exactly as they would be stored (numbers in E.164, name, tags, custom fields)
 * or the reason each would be rejected, with its physical line number, and what the import would do to a stored row
 * besides (an invalid extra number dropped; the same number as an earlier row, merged into it — only rows of the
 * preview are compared; a number stored although not valid in its country). Pure: nothing is written, nothing is
 * read; {@link withRenames} then adds what the rows would do to the organization's stored contacts.
 *
 * @param sample the first bytes of the file (up to SNIFF_BYTES are looked at).
 * @param complete whether `sample` is the whole file.
 * @throws AppError bad_request / unsupported_media_type when the upload itself would be refused (empty, binary…).
 */
export function previewImport(
  sample: Buffer,
  complete: boolean,
  opts: {
    mapping?: TImportMapping;
    encoding?: Encoding;
    delimiter?: Delimiter;
    defaultCountry: string | null;
    tags: readonly string[];
  },
): TImportPreview {
  const s = sniffCsv(sample, complete, { encoding: opts.encoding, delimiter: opts.delimiter });
  if (!s.ok) throw refusalError(s);
  // Decoded and parsed again with line information (the sniffer keeps only records), as the import job does.
  let text = iconv.decode(sample, s.encoding);
  if (!complete) text = text.slice(0, Math.max(0, text.lastIndexOf("\n")));
  let parsed: { info: { lines: number }; record: string[] }[];
  try {
    parsed = parse(text, {
      delimiter: s.delimiter,
      info: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_records_with_error: true,
      to: PREVIEW_ROWS + 50,
    }) as unknown as typeof parsed;
  } catch (error) {
    throw new AppError("bad_request", `the file is not readable as CSV: ${(error as Error).message}`);
  }

  let header: string[] | undefined;
  let prevEnd = 0;
  const body: { line: number; record: string[] }[] = [];
  for (const { info, record } of parsed) {
    const line = prevEnd + 1;
    prevEnd = info.lines;
    if (record.every((c) => c.trim() === "")) continue;
    if (!header) header = record.map((h) => h.trim());
    else if (body.length < PREVIEW_ROWS) body.push({ line, record });
  }
  const head = header ?? [];
  const mapping = opts.mapping ?? guessMapping(head);
  const resolved = resolveMapping(head, mapping);
  if ("reason" in resolved) {
    return {
      encoding: s.encoding,
      delimiter: s.delimiter,
      header: head,
      mapping,
      fields: {},
      problem: resolved.reason,
      problemCode: resolved.code,
      missingColumns: resolved.columns,
      unlikelyNumbers: 0,
      renamedContacts: 0,
      rows: body.map(({ line, record }) => ({ line, cells: record, contact: null, rejection: null, warnings: [] })),
    };
  }
  const fields: Record<string, string> = {};
  for (const [i, key] of resolved.fields) fields[head[i] ?? key] = key;
  // Each number of the preview's rows → the line of the row it first came with, as the import merges them.
  const seen = new SeenNumbers<number>();
  const rows: TImportPreview["rows"] = body.map(({ line, record }) => {
    // As the import will: a line that is not UTF-8 in a UTF-8 file is refused, not previewed mangled.
    const mixed = invalidUtf8(record, s.encoding);
    if (mixed) return { line, cells: record, contact: null, rejection: mixed, warnings: [] };
    const out = buildRow(record, head, resolved, { defaultCountry: opts.defaultCountry, tags: opts.tags });
    if (out.kind === "contact") {
      const c = out.contact;
      return {
        line,
        cells: record,
        contact: {
          phone: c.phone,
          altPhones: c.altPhones,
          name: c.name,
          tags: c.tags,
          customFields: c.customFields,
          lineType: c.lineType,
        },
        rejection: null,
        warnings: [
          ...dropWarnings(out.dropped),
          ...unlikelyWarnings(out.unlikely),
          ...mergeWarning(seen, out.allPhones, line),
        ],
      };
    }
    const rejection =
      out.kind === "rejected"
        ? out.rejection
        : { column: null, raw: null, reason: "blank row", code: "blank_row" as const };
    return { line, cells: record, contact: null, rejection, warnings: [] };
  });
  return {
    encoding: s.encoding,
    delimiter: s.delimiter,
    header: head,
    mapping,
    fields,
    problem: null,
    problemCode: null,
    missingColumns: [],
    unlikelyNumbers: rows.reduce((n, r) => n + r.warnings.filter((w) => w.code === "number_unlikely").length, 0),
    renamedContacts: 0,
    rows,
  };
}

/**
 * The number (E.164) under which each previewed row would be upserted, by line: its own first number, or that of the
 * earlier row it merges into (the import upserts a merged row under its first occurrence's number, and matches
 * stored contacts by that number alone).
 */
export function upsertNumbers(preview: Pick<TImportPreview, "rows">): Map<number, string> {
  const byLine = new Map<number, string>();
  for (const r of preview.rows) {
    if (!r.contact) continue;
    const merged = r.warnings.find((w) => w.code === "duplicate_number");
    const into = merged?.code === "duplicate_number" ? byLine.get(merged.firstLine) : undefined;
    byLine.set(r.line, into ?? r.contact.phone);
  }
  return byLine;
}

/**
 * The preview with a `renames_contact` warning on each row whose number is that of a stored contact of the
 * organization (`current`: its number → its name, read by the caller as the user) and whose non-empty name differs
 * from the contact's — the import would rename it, since later non-empty values win — and their count. A contact
 * without a name that gains one is not renamed.
 */
export function withRenames(preview: TImportPreview, current: ReadonlyMap<string, string | null>): TImportPreview {
  const keys = upsertNumbers(preview);
  let renamed = 0;
  const rows = preview.rows.map((r) => {
    const key = keys.get(r.line);
    const name = r.contact?.name ?? null;
    const was = key === undefined ? null : (current.get(key) ?? null);
    if (key === undefined || name === null || was === null || was === name) return r;
    renamed++;
    const warning: TImportPreviewWarning = { code: "renames_contact", raw: key, currentName: was, newName: name };
    return { ...r, warnings: [...r.warnings, warning] };
  });
  return { ...preview, rows, renamedContacts: renamed };
}

function unlikelyWarnings(unlikely: readonly UnlikelyNumber[]): TImportPreviewWarning[] {
  return unlikely.map((u) => ({
    code: "number_unlikely",
    column: u.column,
    raw: u.raw,
    phone: u.phone,
    country: u.country,
    reason: u.reason,
  }));
}

function dropWarnings(dropped: readonly DroppedNumber[]): TImportPreviewWarning[] {
  return dropped.map((d) => ({ code: "extra_number_dropped", column: d.column, raw: d.raw, cause: d.code }));
}

/**
 * The row's merge into an earlier one when any of its numbers came first with that row, naming the shared number as
 * the import decides it (the first of the row's numbers already seen); records the row's numbers either way.
 */
function mergeWarning(seen: SeenNumbers<number>, phones: readonly string[], line: number): TImportPreviewWarning[] {
  const shared = phones.find((p) => seen.ownerOf([p]) !== undefined);
  const firstLine = shared === undefined ? undefined : seen.ownerOf([shared]);
  seen.claim(phones, firstLine ?? line);
  if (shared === undefined || firstLine === undefined) return [];
  return [{ code: "duplicate_number", raw: shared, firstLine }];
}
