import type { TImportRejectionCode, TPhoneRejectionCode } from "@mirage/contracts/imports";
import type { ContactUpsert } from "@mirage/db/contacts";
import { type NormalizedPhone, parsePhone } from "@mirage/phone";
import type { ResolvedMapping } from "./mapping.ts";

/** One file row → one contact, or the reason it is refused. Pure, so the rules are tested without a database. */

/** `code` words the reason in the client's language (the phone parser's reasons are a subset of the contract's). */
export type RowRejection = { column: string | null; raw: string | null; reason: string; code: TImportRejectionCode };
/** A number of a row that is not valid; the row's other numbers are still stored. */
export type DroppedNumber = { column: string | null; raw: string; reason: string; code: TPhoneRejectionCode };
/**
 * A number of a row that is stored although libphonenumber does not hold it valid in its country (a possible number:
 * the right length for some number of the country, e.g. a missing area code or a digit short). `phone` is how it is
 * read and stored, `reason` completes "the phone number …" in English.
 */
export type UnlikelyNumber = {
  column: string | null;
  raw: string;
  phone: string;
  country: string | null;
  reason: string;
};
export type RowOutcome =
  | { kind: "blank" }
  | {
      kind: "contact";
      contact: ContactUpsert;
      allPhones: string[];
      dropped: DroppedNumber[];
      unlikely: UnlikelyNumber[];
    }
  | { kind: "rejected"; rejection: RowRejection };

/**
 * A row of a file read as UTF-8 that is not UTF-8 there (its text has U+FFFD where bytes did not decode): a file
 * mixing encodings, e.g. one Latin-1 line pasted into a UTF-8 file. Refused rather than stored mangled; null for any
 * other row, and for a file read in another encoding.
 */
export function invalidUtf8(record: readonly string[], encoding: string): RowRejection | null {
  if (encoding !== "utf-8") return null;
  const raw = record.find((c) => c.includes("\uFFFD"));
  if (raw === undefined) return null;
  return {
    column: null,
    raw,
    reason: "the line is not valid UTF-8 (save the file as UTF-8, or upload it with encoding=windows-1252)",
    code: "not_utf8",
  };
}

/** Separators of several numbers in one cell: Google's " ::: ", slashes, semicolons, commas, pipes, new lines. */
const MULTI = /\s*:::\s*|\s*[/;,|\n]\s*|\s+(?:ou|or|o|e)\s+/i;

const MOBILE_FIRST: Record<string, number> = {
  mobile: 0,
  fixed_line_or_mobile: 1,
  voip: 2,
  personal_number: 2,
  unknown: 3,
};

/** Google writes "* myContacts ::: Clientes"; system labels are not tags. */
function splitTags(cell: string): string[] {
  return cell
    .split(/\s*:::\s*|\s*[,;|]\s*/)
    .map((t) => t.replace(/^\*\s*/, "").trim())
    .filter((t) => t !== "" && !/^(mycontacts|starred|my contacts)$/i.test(t))
    .map((t) => t.slice(0, 64));
}

export function buildRow(
  record: readonly string[],
  header: readonly string[],
  m: ResolvedMapping,
  opts: { defaultCountry: string | null; tags: readonly string[] },
): RowOutcome {
  if (record.every((c) => c.trim() === "")) return { kind: "blank" };
  // More filled cells than the header names: most often a delimiter inside an unquoted value, which moves every
  // later value into the wrong column. Refused with the line rather than imported shifted; extra cells left empty
  // (a spreadsheet's trailing delimiters) are harmless.
  const extra = record.slice(header.length).filter((c) => c.trim() !== "");
  if (extra.length > 0) {
    return {
      kind: "rejected",
      rejection: {
        column: null,
        raw: extra.join(" | "),
        reason:
          `the line has ${record.length} cells and the header ${header.length}: a delimiter inside a value that ` +
          "is not in quotes? Its values would land in the wrong columns",
        code: "extra_cells",
      },
    };
  }
  const cell = (i: number | undefined) => (i === undefined ? "" : (record[i] ?? "").trim());

  const parsed: NormalizedPhone[] = [];
  const dropped: DroppedNumber[] = [];
  const unlikely: UnlikelyNumber[] = [];
  let sawAny = false;
  for (const col of m.phone) {
    const value = cell(col);
    if (value === "") continue;
    for (const part of value.split(MULTI)) {
      if (part.trim() === "") continue;
      sawAny = true;
      const r = parsePhone(part, { defaultCountry: opts.defaultCountry });
      if (r.ok) {
        if (parsed.some((p) => p.e164 === r.phone.e164)) continue;
        parsed.push(r.phone);
        if (isUnlikely(r.phone)) {
          unlikely.push({
            column: header[col] ?? null,
            raw: part.trim(),
            phone: r.phone.e164,
            country: r.phone.country,
            reason: unlikelyReason(r.phone),
          });
        }
      } else {
        dropped.push({
          column: header[col] ?? null,
          raw: part.trim(),
          reason: `the phone number ${r.message}`,
          code: r.reason,
        });
      }
    }
  }
  if (parsed.length === 0) {
    const first = dropped[0];
    if (first) return { kind: "rejected", rejection: first };
    const cols = m.phone.map((i) => header[i]).join(", ");
    return {
      kind: "rejected",
      rejection: {
        column: cols || null,
        raw: sawAny ? "" : null,
        reason: "no phone number in the row",
        code: "no_phone",
      },
    };
  }
  // The mobile is the number campaigns use; the others are kept alongside.
  const ranked = [...parsed].sort((a, b) => (MOBILE_FIRST[a.lineType] ?? 9) - (MOBILE_FIRST[b.lineType] ?? 9));
  const primary = ranked[0] as NormalizedPhone;

  let name = m.name.map(cell).filter(Boolean).join(" ");
  if (name === "") name = [cell(m.firstName), cell(m.lastName)].filter(Boolean).join(" ");
  const customFields: Record<string, string> = {};
  for (const [i, key] of m.fields) {
    const v = cell(i);
    if (v !== "") customFields[key] = v.slice(0, 2000);
  }
  const tags = [...new Set([...opts.tags, ...(m.tags !== undefined ? splitTags(cell(m.tags)) : [])])].sort();
  return {
    kind: "contact",
    contact: {
      phone: primary.e164,
      altPhones: ranked.slice(1).map((p) => p.e164),
      name: name === "" ? null : name.replace(/\s+/g, " ").slice(0, 500),
      customFields,
      tags,
      lineType: primary.lineType,
    },
    allPhones: ranked.map((p) => p.e164),
    dropped,
    unlikely,
  };
}

/**
 * A number kept (possible) but not valid in its country — reported, not refused. A Brazilian mobile written without
 * its ninth digit is not reported: @mirage/phone keeps it deliberately (`brLegacyMobile`, how WhatsApp still knows
 * accounts registered before 2016), and the send path resolves it.
 */
export function isUnlikely(p: NormalizedPhone): boolean {
  return !p.valid && !p.brLegacyMobile;
}

/** "not a valid BR number: check the area code and the digit count" (the country, else the calling code). */
export function unlikelyReason(p: Pick<NormalizedPhone, "country" | "callingCode">): string {
  return `not a valid ${p.country ?? `+${p.callingCode}`} number: check the area code and the digit count`;
}

/** Folds a later row of the same person into an earlier one: later non-empty values win, numbers and tags add up. */
export function mergeInto(target: ContactUpsert, later: ContactUpsert): void {
  if (later.name) target.name = later.name;
  Object.assign(target.customFields, later.customFields);
  target.tags = [...new Set([...target.tags, ...later.tags])].sort();
  const alts = new Set([...target.altPhones, later.phone, ...later.altPhones]);
  alts.delete(target.phone);
  target.altPhones = [...alts].slice(0, 20);
}

/**
 * The numbers (E.164) seen so far in a file → the row they first came with (its owner: whatever the caller keeps of
 * it), so a later row sharing any number is the same person and merges into that one. The import and its preview
 * both decide "same person" here. Keys are the E.164 digits as numbers (exact in a double): a million entries then
 * cost tens of MB instead of hundreds.
 */
export class SeenNumbers<Owner> {
  readonly #owners = new Map<number, Owner>();

  /** The owner of the first of `phones` (E.164, "+" first) seen before, or undefined when none was. */
  ownerOf(phones: readonly string[]): Owner | undefined {
    for (const p of phones) {
      const owner = this.#owners.get(SeenNumbers.#key(p));
      if (owner !== undefined) return owner;
    }
    return undefined;
  }

  /** Gives `owner` every one of `phones` not seen yet (a number keeps its first owner). */
  claim(phones: readonly string[], owner: Owner): void {
    for (const p of phones) {
      const key = SeenNumbers.#key(p);
      if (!this.#owners.has(key)) this.#owners.set(key, owner);
    }
  }

  static #key(e164: string): number {
    return Number(e164.slice(1));
  }
}
