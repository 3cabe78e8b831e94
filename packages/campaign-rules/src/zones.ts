import Holidays from "date-holidays";
import { timezones } from "libphonenumber-geo-carrier";

/**
 * How many leading characters of an E.164 number ("+" included) decide its zones here (and its country): numbers
 * that share them share their zones, so a campaign's waiting recipients can be grouped by them in SQL.
 */
export const ZONE_PREFIX_CHARS = 8;

/**
 * Candidate IANA zones of a phone number (E.164), from libphonenumber's prefix → zone data: one zone for most
 * numbers, several when the prefix does not pin it down. Empty when unknown (the caller then falls back). Cached
 * per prefix: numbers sharing their first digits share their zones.
 */
const zoneCache = new Map<string, Promise<string[]>>();
export function recipientZones(e164: string): Promise<string[]> {
  const key = e164.slice(0, ZONE_PREFIX_CHARS);
  let hit = zoneCache.get(key);
  if (!hit) {
    hit = timezones({ number: e164 } as never)
      .then((z) => (z ?? []).filter((zone) => zone !== "Etc/Unknown"))
      .catch(() => []);
    if (zoneCache.size > 50_000) zoneCache.clear();
    zoneCache.set(key, hit);
  }
  return hit;
}

/** A national holiday as date-holidays knows it. */
export type NationalHoliday = { day: string; name: string; country: string };

/**
 * National public holidays of `country` (ISO 3166-1 alpha-2) for the given years, by date-holidays (maintained,
 * per-country rules). Unknown countries answer an empty list.
 */
export function nationalHolidays(country: string, years: readonly number[]): NationalHoliday[] {
  const hd = new Holidays();
  if (!hd.getCountries()[country]) return [];
  hd.init(country);
  const out: NationalHoliday[] = [];
  for (const year of years) {
    for (const h of hd.getHolidays(year)) {
      if (h.type !== "public") continue;
      out.push({ day: h.date.slice(0, 10), name: h.name, country });
    }
  }
  return out;
}
