import type { Metadata, Viewport } from "next";
import { NextIntlClientProvider } from "next-intl";
import { getLocale, getMessages, getTimeZone, getTranslations } from "next-intl/server";
import { ThemeProvider } from "next-themes";
import type { ReactNode } from "react";
import { LazyToaster } from "@/components/ui/lazy-toaster";
import { rootMessages } from "@/i18n/client-messages";
import { TimeZoneCookie } from "@/i18n/time-zone-cookie";
import "./globals.css";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("app");
  return { title: { default: "Mirage", template: "%s · Mirage" }, description: t("tagline") };
}

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default async function RootLayout({ children }: { children: ReactNode }) {
  const locale = await getLocale();
  // Page-specific namespaces are added by each page (see i18n/client-messages.tsx).
  const messages = rootMessages(await getMessages());
  return (
    <html lang={locale} suppressHydrationWarning>
      <body className="min-h-dvh">
        <ThemeProvider attribute="class" defaultTheme="system" enableSystem disableTransitionOnChange>
          <NextIntlClientProvider messages={messages}>
            {children}
            <LazyToaster position="top-right" />
            <TimeZoneCookie rendered={await getTimeZone()} />
          </NextIntlClientProvider>
        </ThemeProvider>
      </body>
    </html>
  );
}
