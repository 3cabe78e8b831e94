import type { TOrganization } from "@mirage/contracts/organizations";

/** The organization card's fields as edited: `defaultCountry` "" for none. */
export type OrgForm = { name: string; timezone: string; defaultCountry: string };

export const formOf = (o: Pick<TOrganization, "name" | "timezone" | "defaultCountry">): OrgForm => ({
  name: o.name,
  timezone: o.timezone,
  defaultCountry: o.defaultCountry ?? "",
});

export type OrgPatch = { name?: string; timezone?: string; defaultCountry?: string | null };

/**
 * The PATCH body for what changed between `saved` and `form` (the API takes any subset), or null when nothing did:
 * the name trimmed, the country upper case and null for none.
 */
export function orgPatch(saved: OrgForm, form: OrgForm): OrgPatch | null {
  const out: OrgPatch = {};
  const name = form.name.trim();
  if (name !== saved.name) out.name = name;
  if (form.timezone !== saved.timezone) out.timezone = form.timezone;
  const country = form.defaultCountry.toUpperCase();
  if (country !== saved.defaultCountry.toUpperCase()) out.defaultCountry = country || null;
  return Object.keys(out).length > 0 ? out : null;
}

export type CountryOption = { code: string; name: string };

const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/**
 * The countries to choose from, named in `locale` and sorted by that name: every two-letter code `isKnown` accepts
 * (the API's own check, @mirage/phone's isKnownCountry, so no choice is refused).
 */
export function countryOptions(locale: string, isKnown: (code: string) => boolean): CountryOption[] {
  const codes: string[] = [];
  for (const a of LETTERS) for (const b of LETTERS) if (isKnown(a + b)) codes.push(a + b);
  const collator = new Intl.Collator(locale);
  const names = regionNames(locale);
  return codes.map((code) => ({ code, name: nameOf(names, code) })).sort((x, y) => collator.compare(x.name, y.name));
}

/** A country's name in `locale` ("BR" → "Brasil" in pt-BR), or its code when the runtime has none. */
export function countryName(locale: string, code: string): string {
  return nameOf(regionNames(locale), code);
}

function regionNames(locale: string): Intl.DisplayNames | null {
  try {
    return new Intl.DisplayNames([locale], { type: "region", fallback: "code" });
  } catch {
    return null;
  }
}

function nameOf(names: Intl.DisplayNames | null, code: string): string {
  try {
    return names?.of(code) ?? code;
  } catch {
    return code; // not a well-formed region code
  }
}
