import { cookies, headers } from "next/headers";
import { getRequestConfig } from "next-intl/server";
import { loadCatalogue } from "./catalogue";
import { isLocale, LOCALE_COOKIE, negotiateLocale } from "./locales";
import { displayTimeZone, TIME_ZONE_COOKIE } from "./time-zone";

// No locale in the URL: the choice saved in a cookie (the switcher), else the browser's Accept-Language. Times in the
// browser's zone, which it reports in a cookie (time-zone-cookie.tsx).
export default getRequestConfig(async () => {
  const jar = await cookies();
  const saved = jar.get(LOCALE_COOKIE)?.value;
  const locale = isLocale(saved) ? saved : negotiateLocale((await headers()).get("accept-language"));
  const messages = await loadCatalogue(locale);
  const zone = jar.get(TIME_ZONE_COOKIE)?.value;
  return { locale, messages, timeZone: displayTimeZone(zone ? decodeURIComponent(zone) : undefined), now: new Date() };
});
