import type { Tx } from "@mirage/db";
import { findDefaultCountry } from "@mirage/db/organizations";
import { type NormalizedPhone, parsePhone } from "@mirage/phone";
import { AppError } from "../http/app-error.ts";

/**
 * Every phone number the API receives goes through here: @mirage/phone with the organization's default country, so
 * `(11) 99999-0001` works in a Brazilian organization and `+55 11 99999-0001` everywhere.
 *
 * @param tx a transaction that can read the organization (asUser after withOrg, or asService).
 * @param input the number as written.
 * @param field where it came from, for the problem's `errors[].path` (e.g. `body.phone`).
 * @throws AppError 422 invalid_phone naming the reason ("is too short (too few digits for a phone number)", …).
 */
export async function normalizeOrgPhone(tx: Tx, orgId: string, input: string, field: string): Promise<NormalizedPhone> {
  const defaultCountry = await findDefaultCountry(tx, orgId);
  const parsed = parsePhone(input, { defaultCountry });
  if (parsed.ok) {
    // Possible but not valid (e.g. "(11) 99999-0001" without a default country reads as +1 199…): refused, except
    // Brazil's 8-digit legacy mobiles, which WhatsApp still knows.
    if (parsed.phone.valid || parsed.phone.brLegacyMobile) return parsed.phone;
    throw new AppError(
      "invalid_phone",
      `the phone number is not a valid number of ${parsed.phone.country ?? `+${parsed.phone.callingCode}`}` +
        (defaultCountry ? "" : " (write it with its +country code, or set the organization's defaultCountry)"),
      { errors: [{ path: field, message: "not_valid: no such number in its country's numbering plan" }] },
    );
  }
  const hint = parsed.reason === "invalid_country" ? " (or set the organization's defaultCountry)" : "";
  throw new AppError("invalid_phone", `the phone number ${parsed.message}${hint}`, {
    errors: [{ path: field, message: `${parsed.reason}: ${parsed.message}` }],
  });
}
