import type { TBlacklistRejectionCode } from "@mirage/contracts/blacklist";
import type { TFileRefusalCode } from "@mirage/contracts/imports";
import type { NewBlacklistEntry } from "@mirage/db/blacklist";
import { parsePhone } from "@mirage/phone";
import { parse } from "csv-parse/sync";
import iconv from "iconv-lite";
import { AppError } from "../http/app-error.ts";
import { guessMapping, normalizeHeader, refusalError, sniffCsv } from "../imports/index.ts";

/** The largest blacklist file read in one request (it is parsed in memory, unlike contact imports). */
export const BLACKLIST_FILE_MAX_BYTES = 10 * 1024 * 1024;

/** `code` words the reason in the client's language (`reason` is English). */
export type BlacklistFileRow = { line: number; raw: string | null; reason: string; code: TBlacklistRejectionCode };

/**
 * Reads a blacklist CSV (e.g. an export of this or another tool): phone columns as the contact import guesses
 * them, a `lid`/`wa_lid` column, an optional `reason`/`motivo` column. Several numbers per cell are all blocked.
 * Rows without a usable number or LID are reported with their line.
 * @throws AppError 400/415 for a file that is empty, binary, or has neither a phone nor a LID column.
 */
export function readBlacklistFile(
  bytes: Buffer,
  opts: { defaultCountry: string | null; source: NewBlacklistEntry["source"]; reason: string | null },
): { entries: NewBlacklistEntry[]; rejected: BlacklistFileRow[] } {
  const s = sniffCsv(bytes, true);
  if (!s.ok) throw refusalError(s);
  const records = parse(iconv.decode(bytes, s.encoding), {
    delimiter: s.delimiter,
    info: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_records_with_error: true,
  }) as unknown as { info: { lines: number }; record: string[] }[];
  const first = records.findIndex((r) => r.record.some((c) => c.trim() !== ""));
  const header = (records[first]?.record ?? []).map((h) => h.trim());
  const norm = header.map(normalizeHeader);
  const phoneCols = guessMapping(header).phone.map((h) => header.indexOf(h));
  const lidCol = norm.findIndex((h) => /^(wa )?lid$|whatsapp lid/.test(h));
  const reasonCol = norm.findIndex((h) => /^(reason|motivo|razon|observacao|obs)$/.test(h));
  if (phoneCols.length === 0 && lidCol === -1) {
    throw new AppError("bad_request", "no phone or LID column: name one phone, telefone, celular, whatsapp or lid", {
      reasonCode: "file_no_phone_or_lid_column" satisfies TFileRefusalCode,
    });
  }
  const entries: NewBlacklistEntry[] = [];
  const rejected: BlacklistFileRow[] = [];
  let prevEnd = records[first]?.info.lines ?? 0;
  for (const { info, record } of records.slice(first + 1)) {
    const line = prevEnd + 1;
    prevEnd = info.lines;
    if (record.every((c) => c.trim() === "")) continue;
    const reason = ((reasonCol !== -1 ? record[reasonCol]?.trim() : "") || opts.reason) ?? null;
    const lidRaw = lidCol !== -1 ? (record[lidCol] ?? "").trim() : "";
    const lid = /^\d{1,20}(@lid)?$/.test(lidRaw) ? (lidRaw.endsWith("@lid") ? lidRaw : `${lidRaw}@lid`) : null;
    if (lidRaw !== "" && !lid)
      rejected.push({ line, raw: lidRaw, reason: "not a WhatsApp LID (digits@lid)", code: "not_a_lid" });
    const phones: string[] = [];
    for (const col of phoneCols) {
      for (const part of (record[col] ?? "").split(/\s*:::\s*|\s*[/;,|]\s*/)) {
        if (part.trim() === "") continue;
        const r = parsePhone(part, { defaultCountry: opts.defaultCountry });
        if (r.ok) phones.push(r.phone.e164);
        else rejected.push({ line, raw: part.trim(), reason: `the phone number ${r.message}`, code: r.reason });
      }
    }
    if (phones.length === 0 && !lid) {
      if (!rejected.some((r) => r.line === line))
        rejected.push({ line, raw: null, reason: "no phone number or LID", code: "no_phone_or_lid" });
      continue;
    }
    if (phones.length === 0) entries.push({ phone: null, waLid: lid, source: opts.source, reason });
    for (const [i, phone] of phones.entries()) {
      entries.push({ phone, waLid: i === 0 ? lid : null, source: opts.source, reason });
    }
  }
  return { entries, rejected };
}
