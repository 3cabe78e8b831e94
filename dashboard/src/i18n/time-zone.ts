/**
 * The zone dates and times are shown in: the browser's own, which it reports in a cookie (the server renders with
 * it, so a page never shows one zone and then another), else UTC until it has.
 */
export const TIME_ZONE_COOKIE = "mirage-tz";
export const FALLBACK_TIME_ZONE = "UTC";

/** `value` when it is an IANA zone this runtime knows (e.g. `America/Manaus`), else undefined. */
export function knownTimeZone(value: string | undefined | null): string | undefined {
  if (!value || value.length > 64) return undefined;
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** The zone to render with, from the cookie's value. */
export function displayTimeZone(cookie: string | undefined): string {
  return knownTimeZone(cookie) ?? FALLBACK_TIME_ZONE;
}
