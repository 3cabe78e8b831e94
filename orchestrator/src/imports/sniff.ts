import type { TFileRefusalCode } from "@mirage/contracts/imports";
import chardet from "chardet";
import { parse } from "csv-parse/sync";
import iconv from "iconv-lite";
import { AppError } from "../http/app-error.ts";

/**
 * What the first bytes of an upload say about it: refused outright (binary, a workbook, empty) or its encoding,
 * delimiter and first records. Decided on a sample so the rest streams without being held in memory.
 */

export const SNIFF_BYTES = 64 * 1024;

export type Encoding = "utf-8" | "windows-1252" | "iso-8859-1" | "utf-16le" | "utf-16be";
export type Delimiter = "," | ";" | "\t" | "|";

export type Sniffed =
  | { ok: true; encoding: Encoding; delimiter: Delimiter; records: string[][]; complete: boolean }
  | { ok: false; status: 400 | 415; reason: string; code: TFileRefusalCode };

const MAGIC: [number[], string, TFileRefusalCode][] = [
  [
    [0x50, 0x4b, 0x03, 0x04],
    "a ZIP archive (an .xlsx or .ods workbook?): save the sheet as CSV first",
    "file_workbook",
  ],
  [[0xd0, 0xcf, 0x11, 0xe0], "an old Excel workbook (.xls): save the sheet as CSV first", "file_workbook"],
  [[0x25, 0x50, 0x44, 0x46], "a PDF document, not a CSV file", "file_pdf"],
  [[0x89, 0x50, 0x4e, 0x47], "a PNG image, not a CSV file", "file_image"],
  [[0xff, 0xd8, 0xff], "a JPEG image, not a CSV file", "file_image"],
  [[0x1f, 0x8b], "a gzip archive: upload the CSV file itself", "file_archive"],
];

/** The refusal as the API answers it: 415 or 400, the English reason, and its code for clients to word. */
export function refusalError(s: Extract<Sniffed, { ok: false }>): AppError {
  return new AppError(s.status === 415 ? "unsupported_media_type" : "bad_request", s.reason, { reasonCode: s.code });
}

/**
 * @param sample the first bytes (up to SNIFF_BYTES) of the upload.
 * @param complete whether the sample is the whole file (then a header without rows is refused here).
 * @param override the caller's encoding/delimiter, when given.
 */
export function sniffCsv(
  sample: Buffer,
  complete: boolean,
  override: { encoding?: Encoding; delimiter?: Delimiter } = {},
): Sniffed {
  if (sample.length === 0) return { ok: false, status: 400, reason: "the file is empty", code: "file_empty" };
  for (const [magic, what, code] of MAGIC) {
    if (magic.every((b, i) => sample[i] === b)) return { ok: false, status: 415, reason: `the file is ${what}`, code };
  }
  const encoding = override.encoding ?? detectEncoding(sample);
  if (!encoding.startsWith("utf-16") && looksBinary(sample)) {
    return { ok: false, status: 415, reason: "the file is binary, not text: upload a CSV file", code: "file_binary" };
  }
  // Drop a possibly cut last line (and a cut multibyte character) unless the sample is the whole file.
  let text = iconv.decode(sample, encoding);
  if (!complete) text = text.slice(0, Math.max(0, text.lastIndexOf("\n")));
  if (text.trim() === "") return { ok: false, status: 400, reason: "the file is empty", code: "file_empty" };
  const delimiter = override.delimiter ?? detectDelimiter(text);
  let records: string[][];
  try {
    records = parse(text, {
      delimiter,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      to: 50,
    }) as string[][];
  } catch (error) {
    const reason = `the file is not readable as CSV: ${(error as Error).message}`;
    return { ok: false, status: 400, reason, code: "file_not_csv" };
  }
  records = records.filter((r) => r.some((c) => c.trim() !== ""));
  if (records.length === 0) return { ok: false, status: 400, reason: "the file is empty", code: "file_empty" };
  if (complete && records.length === 1) {
    return { ok: false, status: 400, reason: "the file has a header line and no rows", code: "file_no_rows" };
  }
  return { ok: true, encoding, delimiter, records, complete };
}

function detectEncoding(sample: Buffer): Encoding {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return "utf-8";
  if (sample[0] === 0xff && sample[1] === 0xfe) return "utf-16le";
  if (sample[0] === 0xfe && sample[1] === 0xff) return "utf-16be";
  if (isUtf8(sample)) return "utf-8";
  // Mostly UTF-8 with a few lines that are not (a Latin-1 line pasted into a UTF-8 file): read as UTF-8, so those
  // lines are refused by number and the rest imports as written. Read as Windows-1252 instead, every UTF-8 accent
  // of the file would be stored mangled ("SÃ£o Paulo"), silently. In a real single-byte file next to no line reads
  // as well-formed UTF-8.
  const lines = utf8Lines(sample);
  if (lines.utf8 > lines.other) return "utf-8";
  const guess = (chardet.detect(sample) ?? "").toLowerCase();
  if (guess === "utf-16le") return "utf-16le";
  if (guess === "utf-16be") return "utf-16be";
  // Excel in Brazil (and most of the Americas and Western Europe) writes Windows-1252, a superset of Latin-1's
  // printable range; chardet often names a sibling single-byte code page for short samples.
  return "windows-1252";
}

/** Strict UTF-8 check; a multibyte character cut by the end of the sample is allowed. */
function isUtf8(buf: Buffer): boolean {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i] as number;
    const need =
      b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need < 0) return false;
    for (let k = 1; k <= need; k++) {
      if (i + k >= buf.length) return true;
      if (((buf[i + k] as number) & 0xc0) !== 0x80) return false;
    }
    i += need + 1;
  }
  return true;
}

/**
 * Lines of `buf` by how they read as UTF-8: `utf8`, those with multibyte characters all well formed; `other`, those
 * with a byte ≥ 0x80 that starts none (a single-byte encoding's accent). ASCII-only lines count in neither.
 */
function utf8Lines(buf: Buffer): { utf8: number; other: number } {
  let utf8 = 0;
  let other = 0;
  let multibyte = false;
  let bad = false;
  const endLine = () => {
    if (bad) other++;
    else if (multibyte) utf8++;
    multibyte = false;
    bad = false;
  };
  let i = 0;
  while (i < buf.length) {
    const b = buf[i] as number;
    if (b < 0x80) {
      if (b === 0x0a) endLine();
      i++;
      continue;
    }
    const need = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    let ok = need > 0 && i + need < buf.length;
    for (let k = 1; ok && k <= need; k++) ok = ((buf[i + k] as number) & 0xc0) === 0x80;
    if (ok) {
      multibyte = true;
      i += need + 1;
    } else {
      bad = true;
      i++;
    }
  }
  endLine();
  return { utf8, other };
}

function looksBinary(sample: Buffer): boolean {
  let control = 0;
  const n = Math.min(sample.length, 8192);
  for (let i = 0; i < n; i++) {
    const b = sample[i] as number;
    if (b === 0) return true;
    if (b < 0x09 || (b > 0x0d && b < 0x20)) control++;
  }
  return control > n * 0.02;
}

/** The candidate that splits the first lines into the same number (> 0) of fields most often, outside quotes. */
function detectDelimiter(text: string): Delimiter {
  const lines = splitLogicalLines(text).slice(0, 30);
  let best: Delimiter = ",";
  let bestScore = 0;
  for (const d of [",", ";", "\t", "|"] as const) {
    const counts = lines.map((l) => countOutsideQuotes(l, d));
    const first = counts[0] ?? 0;
    if (first === 0) continue;
    const consistent = counts.filter((c) => c === first).length;
    const score = consistent * 1000 + first;
    if (score > bestScore) {
      best = d;
      bestScore = score;
    }
  }
  return best;
}

function splitLogicalLines(text: string): string[] {
  const out: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') quoted = !quoted;
    else if (ch === "\n" && !quoted) {
      const line = text.slice(start, i).replace(/\r$/, "");
      if (line.trim() !== "") out.push(line);
      start = i + 1;
    }
  }
  const last = text.slice(start).replace(/\r$/, "");
  if (last.trim() !== "") out.push(last);
  return out;
}

function countOutsideQuotes(line: string, d: string): number {
  let n = 0;
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (ch === d && !quoted) n++;
  }
  return n;
}
