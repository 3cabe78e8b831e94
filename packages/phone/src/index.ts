import {
  type CountryCode,
  isSupportedCountry,
  type NumberType,
  type PhoneNumber,
  parsePhoneNumberFromString,
  validatePhoneNumberLength,
} from "libphonenumber-js/max";

/**
 * The one place a phone number enters Mirage (instances, pairing codes, contacts, blacklist, the API). Built on
 * libphonenumber-js with its full metadata, so line types (mobile, fixed line) are known per country.
 *
 * Brazil's mobile numbers gained a ninth digit (a leading 9 on the 8-digit subscriber number) between 2012 and 2016,
 * and WhatsApp accounts registered before that are still known by the 8-digit form. A number is therefore kept as
 * written: `+55 11 9999-0001` stays `+551199990001`, flagged `brLegacyMobile`, and {@link whatsAppCandidates} lists
 * both forms for the on-WhatsApp check at send time, which learns the id WhatsApp actually has.
 */

/** Every line type a number can have (stored on contacts; the dashboard words each one). */
export const PHONE_LINE_TYPES = [
  "mobile",
  "fixed_line",
  "fixed_line_or_mobile",
  "voip",
  "toll_free",
  "premium_rate",
  "shared_cost",
  "personal_number",
  "pager",
  "uan",
  "voicemail",
  "unknown",
] as const;
export type PhoneLineType = (typeof PHONE_LINE_TYPES)[number];

export type NormalizedPhone = {
  /** `+` and digits, e.g. `+5511999990001`. */
  e164: string;
  /** ISO 3166-1 alpha-2 region, or null when the calling code is shared and the region cannot be told. */
  country: string | null;
  /** Calling code without `+`, e.g. `55`. */
  callingCode: string;
  /** National significant number (no trunk prefix), e.g. `11999990001`. */
  nationalNumber: string;
  lineType: PhoneLineType;
  /** False for fixed lines, toll-free, premium-rate and the like: WhatsApp accounts live on mobiles (and VoIP). */
  canBeMobile: boolean;
  /** libphonenumber's full validation; a possible-but-invalid number is still accepted (e.g. Brazil's 8-digit mobiles). */
  valid: boolean;
  /** A Brazilian mobile written without its ninth digit (see the module comment). */
  brLegacyMobile: boolean;
};

export type PhoneRejectionReason =
  | "empty"
  | "not_a_number"
  | "invalid_country"
  | "too_short"
  | "too_long"
  | "invalid_length"
  | "not_possible";

export type PhoneRejection = { ok: false; reason: PhoneRejectionReason; message: string };

export type PhoneParseResult = { ok: true; phone: NormalizedPhone } | PhoneRejection;

export type ParsePhoneOptions = {
  /** ISO 3166-1 alpha-2 country for numbers written without a country code (the organization's default). */
  defaultCountry?: string | null;
};

const MESSAGES: Record<PhoneRejectionReason, string> = {
  empty: "is empty",
  not_a_number: "is not written as a number",
  invalid_country: "has no country code and no default country applies (write it with +country code)",
  too_short: "is too short (too few digits for a phone number)",
  too_long: "is too long (too many digits for a phone number)",
  invalid_length: "has a length no number of that country has",
  not_possible: "is not a possible number in its country",
};

const MOBILE_CAPABLE = new Set<PhoneLineType>(["mobile", "fixed_line_or_mobile", "voip", "personal_number", "unknown"]);

/**
 * Parses a phone number in any common written form: spaces, dots, dashes, parentheses, a missing `+`, national
 * format with or without the trunk prefix (`011 99999-0001`), the `00` international prefix, a stray trunk zero after
 * the country code (`+55 011…`), an extension (dropped).
 *
 * @param input what the user typed; at most 64 characters are looked at.
 * @param options.defaultCountry the organization's default country for national-format numbers.
 * @returns `{ ok: true, phone }` for a possible number, else `{ ok: false, reason, message }` where message completes
 *   the sentence "The phone number … ".
 */
export function parsePhone(input: string, options: ParsePhoneOptions = {}): PhoneParseResult {
  const chosen = readPhone(input, options);
  return "ok" in chosen ? chosen : { ok: true, phone: describe(chosen) };
}

/**
 * {@link parsePhone}'s E.164 form alone, for the same input accepted or refused for the same reason, without
 * describing the number (its line type is the costly part): for hot paths that only address a message.
 */
export function parsePhoneE164(
  input: string,
  options: ParsePhoneOptions = {},
): { ok: true; e164: string } | PhoneRejection {
  const chosen = readPhone(input, options);
  return "ok" in chosen ? chosen : { ok: true, e164: chosen.number };
}

/** The reading of the input parsePhone keeps, else why none is possible. */
function readPhone(input: string, options: ParsePhoneOptions): PhoneNumber | PhoneRejection {
  const raw = (input ?? "").slice(0, 64).trim();
  if (raw === "") return reject("empty");
  if (!/\d/.test(raw)) return reject("not_a_number");
  const country = countryOrUndefined(options.defaultCountry);

  // Candidate readings in order of preference, tried lazily: the first valid one wins (most input is valid on the
  // first reading, and a failed reading costs as much as a parse), else the first merely possible one.
  const compact = raw.replace(/[\s().\-/]/g, "");
  const readings: (() => PhoneNumber | undefined)[] = [];
  if (compact.startsWith("00") && /^\d+$/.test(compact.slice(2)))
    readings.push(() => parsePhoneNumberFromString(`+${compact.slice(2)}`));
  readings.push(() => parsePhoneNumberFromString(raw, country ? { defaultCountry: country } : undefined));
  // Digits without + read as international (`5511999990001`, how integrations write numbers) is a guess: only a
  // valid number (or a Brazilian mobile without its ninth digit) is taken from it. A merely possible one is most
  // often a national number read wrong — `(11) 90000-0004` as +1 190… — and a message to it reaches a stranger.
  const guessed =
    !raw.startsWith("+") && /^\d+$/.test(compact) ? parsePhoneNumberFromString.bind(null, `+${compact}`) : undefined;
  if (guessed) readings.push(guessed);

  const attempts: PhoneNumber[] = [];
  let chosen: PhoneNumber | undefined;
  let guessRefused = false;
  for (const read of readings) {
    const p = read();
    if (!p) continue;
    if (p.isValid()) {
      chosen = p;
      break;
    }
    if (read === guessed && !isBrLegacyMobile(p)) guessRefused = true;
    else attempts.push(p);
  }
  chosen ??= attempts.find((p) => p.isPossible());
  if (!chosen && guessRefused && !country && attempts.length === 0) {
    const length = validatePhoneNumberLength(`+${compact}`);
    return reject(length === "TOO_SHORT" ? "too_short" : length === "TOO_LONG" ? "too_long" : "invalid_country");
  }
  if (!chosen) {
    let lengthCheck = validatePhoneNumberLength(raw, country ? { defaultCountry: country } : undefined);
    // Digits without + and without a default country were also read as international (`+12345`, a US number): judge
    // the length of that reading, so "12345" is too short rather than "not a possible number in its country".
    if (lengthCheck === "INVALID_COUNTRY" && attempts.length > 0 && !raw.startsWith("+") && !country)
      lengthCheck = validatePhoneNumberLength(`+${compact}`);
    switch (lengthCheck) {
      case "INVALID_COUNTRY":
        return reject(attempts.length === 0 && !raw.startsWith("+") && !country ? "invalid_country" : "not_possible");
      case "TOO_SHORT":
        return reject("too_short");
      case "TOO_LONG":
        return reject("too_long");
      case "INVALID_LENGTH":
        return reject("invalid_length");
      case "NOT_A_NUMBER":
        return reject("not_a_number");
      default:
        return reject("not_possible");
    }
  }
  return chosen;
}

/**
 * Like {@link parsePhone} but throws.
 * @throws {PhoneNumberError} with `reason` and a message naming the input.
 */
export function normalizePhone(input: string, options: ParsePhoneOptions = {}): NormalizedPhone {
  const r = parsePhone(input, options);
  if (!r.ok) throw new PhoneNumberError(input, r.reason, r.message);
  return r.phone;
}

export class PhoneNumberError extends Error {
  constructor(
    readonly input: string,
    readonly reason: PhoneRejectionReason,
    detail: string,
  ) {
    super(`The phone number ${detail}`);
    this.name = "PhoneNumberError";
  }
}

/**
 * The E.164 forms under which WhatsApp may know this number, most likely first. For a Brazilian mobile that is the
 * number with and without the ninth digit; everywhere else just the number itself.
 * @param e164 a number as {@link NormalizedPhone.e164}.
 */
export function whatsAppCandidates(e164: string): string[] {
  const m = /^\+55(\d{2})(\d{8,9})$/.exec(e164);
  if (!m) return [e164];
  const [, area, subscriber] = m as unknown as [string, string, string];
  if (subscriber.length === 9 && subscriber.startsWith("9") && /^[6-9]/.test(subscriber.slice(1))) {
    return [e164, `+55${area}${subscriber.slice(1)}`];
  }
  if (subscriber.length === 8 && /^[6-9]/.test(subscriber)) return [e164, `+55${area}9${subscriber}`];
  return [e164];
}

/** WhatsApp's user part of a phone JID: the E.164 digits without `+` (`5511999990001`). */
export function toWhatsAppUser(e164: string): string {
  return e164.replace(/^\+/, "");
}

/** True when `code` is an ISO 3166-1 alpha-2 region libphonenumber knows (for validating an organization setting). */
export function isKnownCountry(code: string): boolean {
  return isSupportedCountry(code.toUpperCase());
}

function describe(p: PhoneNumber): NormalizedPhone {
  const country = p.country ?? null;
  let lineType = toLineType(p.getType());
  const valid = p.isValid();
  const brLegacyMobile = !valid && isBrLegacyMobile(p);
  if (brLegacyMobile) lineType = "mobile";
  return {
    e164: p.number,
    country,
    callingCode: p.countryCallingCode,
    nationalNumber: p.nationalNumber,
    lineType,
    canBeMobile: MOBILE_CAPABLE.has(lineType),
    valid,
    brLegacyMobile,
  };
}

/** A possible Brazilian mobile written without its ninth digit (see the module comment); callers check validity. */
function isBrLegacyMobile(p: PhoneNumber): boolean {
  return p.countryCallingCode === "55" && /^\d{2}[6-9]\d{7}$/.test(p.nationalNumber) && p.isPossible();
}

function toLineType(t: NumberType): PhoneLineType {
  if (!t) return "unknown";
  return t.toLowerCase() as PhoneLineType;
}

function countryOrUndefined(code: string | null | undefined): CountryCode | undefined {
  if (!code) return undefined;
  const upper = code.toUpperCase();
  return isSupportedCountry(upper) ? (upper as CountryCode) : undefined;
}

function reject(reason: PhoneRejectionReason): PhoneRejection {
  return { ok: false, reason, message: MESSAGES[reason] };
}
