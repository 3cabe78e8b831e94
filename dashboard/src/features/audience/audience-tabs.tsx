"use client";

import { UploadIcon } from "lucide-react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useTranslations } from "next-intl";
import { Button } from "@/components/ui/button";
import { cn } from "@/lib/utils";
import { useAudienceWriter } from "./ui-bits";

const TABS = [
  { href: "/contacts", key: "contacts" },
  { href: "/contacts/lists", key: "lists" },
  { href: "/contacts/segments", key: "segments" },
  { href: "/contacts/blacklist", key: "blacklist" },
] as const;

/** The audience area's tabs (links, so each tab has its own URL) and the Import action for writers. */
export function AudienceTabs() {
  const t = useTranslations("audience");
  const pathname = usePathname();
  const writer = useAudienceWriter();
  const importing = pathname.startsWith("/contacts/import");
  // "Contacts" also holds a contact's own page (/contacts/{id}); the import wizard is the Import action's, no tab's.
  const active = (href: string) =>
    href === "/contacts"
      ? pathname === "/contacts" ||
        (!importing && !TABS.some((x) => x.href !== "/contacts" && pathname.startsWith(x.href)))
      : pathname.startsWith(href);
  return (
    <div className="mb-4 flex flex-wrap items-center gap-2 border-b pb-2">
      <nav aria-label={t("tabsLabel")} className="-mb-px flex flex-wrap gap-1">
        {TABS.map((tab) => (
          <Link
            key={tab.href}
            href={tab.href}
            aria-current={active(tab.href) ? "page" : undefined}
            className={cn(
              "rounded-md px-3 py-1.5 text-sm outline-none hover:bg-accent focus-visible:ring-[3px] focus-visible:ring-ring/50",
              active(tab.href) && "bg-accent font-medium text-accent-foreground",
            )}
          >
            {t(tab.key)}
          </Link>
        ))}
      </nav>
      {writer && (
        <Button asChild size="sm" className="ml-auto" data-testid="import-action">
          <Link href="/contacts/import" aria-current={importing ? "page" : undefined}>
            <UploadIcon aria-hidden />
            {t("import")}
          </Link>
        </Button>
      )}
    </div>
  );
}
