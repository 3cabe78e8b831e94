import { cookies, headers } from "next/headers";
import { getRequestConfig } from "next-intl/server";
import { loadCatalogue } from "./catalogue";
import { isLocale, LOCALE_COOKIE, negotiateLocale } from "./locales";

// No locale in the URL: the choice saved in a cookie (the switcher), else the browser's Accept-Language.
export default getRequestConfig(async () => {
  const saved = (await cookies()).get(LOCALE_COOKIE)?.value;
  const locale = isLocale(saved) ? saved : negotiateLocale((await headers()).get("accept-language"));
  const messages = await loadCatalogue(locale);
  return { locale, messages, timeZone: "America/Sao_Paulo", now: new Date() };
});
