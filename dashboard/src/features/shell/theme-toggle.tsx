"use client";

import { MonitorIcon, MoonIcon, SunIcon } from "lucide-react";
import { useTranslations } from "next-intl";
import { useTheme } from "next-themes";
import { Button } from "@/components/ui/button";
import { LazyDropdownMenu } from "@/components/ui/lazy-dropdown-menu";

export function ThemeToggle() {
  const t = useTranslations("shell");
  const { theme, setTheme } = useTheme();
  return (
    <LazyDropdownMenu
      align="end"
      trigger={
        <Button variant="ghost" size="icon" aria-label={t("theme")}>
          <SunIcon className="dark:hidden" aria-hidden />
          <MoonIcon className="hidden dark:block" aria-hidden />
        </Button>
      }
    >
      {(ui) => (
        <ui.DropdownMenuRadioGroup value={theme ?? "system"} onValueChange={setTheme}>
          <ui.DropdownMenuRadioItem value="light">
            <SunIcon aria-hidden /> {t("themeLight")}
          </ui.DropdownMenuRadioItem>
          <ui.DropdownMenuRadioItem value="dark">
            <MoonIcon aria-hidden /> {t("themeDark")}
          </ui.DropdownMenuRadioItem>
          <ui.DropdownMenuRadioItem value="system">
            <MonitorIcon aria-hidden /> {t("themeSystem")}
          </ui.DropdownMenuRadioItem>
        </ui.DropdownMenuRadioGroup>
      )}
    </LazyDropdownMenu>
  );
}
