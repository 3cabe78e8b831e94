import type { TImportMapping, TImportPreview, TImportPreviewWarning } from "@mirage/contracts/imports";
import { parse } from "csv-parse/sync";
import iconv from "iconv-lite";
import { AppError } from "../http/app-error.ts";
import { guessMapping, resolveMapping } from "./mapping.ts";
import { buildRow, type DroppedNumber, invalidUtf8, SeenNumbers } from "./row.ts";
import { type Delimiter, type Encoding, refusalError, sniffCsv } from "./sniff.ts";

/** How many records after the header the preview shows. */
export const PREVIEW_ROWS = 20;

/**
 * A dry run of an import on the beginning of a file: the encoding, delimiter and mapping the upload would detect (or
 * the overrides), and the first rows exactly as they would be stored (numbers in E.164, name, tags, custom fields)
 * or the reason each would be rejected, with its physical line number, and what the import would do to a stored row
 * besides (an invalid extra number dropped; the same number as an earlier row, merged into it — only rows of the
 * preview are compared). Pure: nothing is written.
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
      rows: body.map(({ line, record }) => ({ line, cells: record, contact: null, rejection: null, warnings: [] })),
    };
  }
  const fields: Record<string, string> = {};
  for (const [i, key] of resolved.fields) fields[head[i] ?? key] = key;
  // Each number of the preview's rows → the line of the row it first came with, as the import merges them.
  const seen = new SeenNumbers<number>();
  return {
    encoding: s.encoding,
    delimiter: s.delimiter,
    header: head,
    mapping,
    fields,
    problem: null,
    problemCode: null,
    missingColumns: [],
    rows: body.map(({ line, record }) => {
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
          warnings: [...dropWarnings(out.dropped), ...mergeWarning(seen, out.allPhones, line)],
        };
      }
      const rejection =
        out.kind === "rejected"
          ? out.rejection
          : { column: null, raw: null, reason: "blank row", code: "blank_row" as const };
      return { line, cells: record, contact: null, rejection, warnings: [] };
    }),
  };
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
