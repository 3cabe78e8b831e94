"use client";

import { LanguagesIcon } from "lucide-react";
import { useRouter } from "next/navigation";
import { useLocale, useTranslations } from "next-intl";
import { Button } from "@/components/ui/button";
import { LazyDropdownMenu } from "@/components/ui/lazy-dropdown-menu";
import { LOCALE_COOKIE } from "@/i18n/locales";

/** Saves the choice in a cookie (read by the server on every request) and re-renders in the new language. */
export function LocaleSwitcher() {
  const t = useTranslations("shell");
  const locale = useLocale();
  const router = useRouter();
  const choose = (value: string) => {
    // biome-ignore lint/suspicious/noDocumentCookie: a plain preference cookie; the server reads it on each request.
    document.cookie = `${LOCALE_COOKIE}=${value}; path=/; max-age=31536000; samesite=lax`;
    router.refresh();
  };
  return (
    <LazyDropdownMenu
      align="end"
      trigger={
        <Button variant="ghost" size="icon" aria-label={t("language")}>
          <LanguagesIcon aria-hidden />
        </Button>
      }
    >
      {(ui) => (
        <ui.DropdownMenuRadioGroup value={locale} onValueChange={choose}>
          <ui.DropdownMenuRadioItem value="en" lang="en">
            English
          </ui.DropdownMenuRadioItem>
          <ui.DropdownMenuRadioItem value="pt-BR" lang="pt-BR">
            Português (Brasil)
          </ui.DropdownMenuRadioItem>
        </ui.DropdownMenuRadioGroup>
      )}
    </LazyDropdownMenu>
  );
}
