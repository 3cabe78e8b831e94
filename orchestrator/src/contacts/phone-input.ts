import { type NormalizedPhone, parsePhone } from "@mirage/phone";
import { AppError } from "../http/app-error.ts";

/**
 * A number from an API request, in any written form, parsed with the organization's default country.
 * @throws AppError validation_failed naming the field and the reason.
 */
export function phoneFromRequest(raw: string, defaultCountry: string | null, path = "body.phone"): NormalizedPhone {
  const r = parsePhone(raw, { defaultCountry });
  if (r.ok) return r.phone;
  throw new AppError("validation_failed", `the phone number ${r.message}`, {
    errors: [{ path, message: `"${raw}" ${r.message}` }],
  });
}
