import type { Locale } from "./locales";

/**
 * The message catalogue of a locale is split per feature (`messages/<locale>/<file>.json`) so that features add their
 * strings without touching each other's files. Top-level keys (namespaces) must be unique across files; the
 * catalogue test checks it.
 */
export const CATALOGUE_FILES = ["core", "audience", "templates", "campaigns", "inbox", "overview", "settings"] as const;

export type Messages = Record<string, unknown>;

/** Every file of `locale`, merged into one object of namespaces. Throws when two files define the same namespace. */
export async function loadCatalogue(locale: Locale): Promise<Messages> {
  const out: Messages = {};
  for (const file of CATALOGUE_FILES) {
    const part = (await import(`../../messages/${locale}/${file}.json`)).default as Messages;
    for (const [ns, value] of Object.entries(part)) {
      if (ns in out) throw new Error(`namespace "${ns}" is defined twice in the ${locale} catalogue (${file}.json)`);
      out[ns] = value;
    }
  }
  return out;
}
