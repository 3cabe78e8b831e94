"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { knownTimeZone, TIME_ZONE_COOKIE } from "./time-zone";

/**
 * Tells the server the browser's time zone (a cookie) and, when it differs from the one this page was rendered in,
 * renders the page again with it: times then read as the clock on the wall of whoever looks at them.
 */
export function TimeZoneCookie({ rendered }: { rendered: string }) {
  const router = useRouter();
  useEffect(() => {
    const zone = knownTimeZone(Intl.DateTimeFormat().resolvedOptions().timeZone);
    if (!zone || zone === rendered) return;
    // biome-ignore lint/suspicious/noDocumentCookie: a plain preference cookie; the server reads it on each request.
    document.cookie = `${TIME_ZONE_COOKIE}=${encodeURIComponent(zone)}; path=/; max-age=31536000; samesite=lax`;
    router.refresh();
  }, [rendered, router]);
  return null;
}
