"use client";

import {
  ActivityIcon,
  Building2Icon,
  ContactIcon,
  FileTextIcon,
  InboxIcon,
  KeyRoundIcon,
  LayoutDashboardIcon,
  ListChecksIcon,
  LogOutIcon,
  MegaphoneIcon,
  MenuIcon,
  ScrollTextIcon,
  SmartphoneIcon,
  UsersIcon,
  WebhookIcon,
} from "lucide-react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useTranslations } from "next-intl";
import { type ReactNode, useState } from "react";
import { Button } from "@/components/ui/button";
import { can, type Permission } from "@/lib/permissions";
import { cn } from "@/lib/utils";
import { ConnectionIndicator } from "./connection-indicator";
import { LocaleSwitcher } from "./locale-switcher";
import { OrgSwitcher } from "./org-switcher";
import { useSession } from "./session-context";
import { ThemeToggle } from "./theme-toggle";

type NavItem = { href: string; label: string; icon: typeof ActivityIcon; needs?: Permission };

export function AppShell({ children }: { children: ReactNode }) {
  const t = useTranslations("nav");
  const ts = useTranslations("shell");
  const { org, me } = useSession();
  const pathname = usePathname();
  const [open, setOpen] = useState(false);
  const all: NavItem[] = [
    { href: "/overview", label: t("overview"), icon: LayoutDashboardIcon },
    { href: "/instances", label: t("instances"), icon: SmartphoneIcon },
    { href: "/contacts", label: t("contacts"), icon: ContactIcon },
    { href: "/templates", label: t("templates"), icon: FileTextIcon },
    { href: "/campaigns", label: t("campaigns"), icon: MegaphoneIcon },
    { href: "/inbox", label: t("inbox"), icon: InboxIcon },
    { href: "/health", label: t("health"), icon: ActivityIcon, needs: "org.manage" },
    // Every member reads the organization's settings; the page offers changes to the roles that may make them.
    { href: "/settings/organization", label: t("organization"), icon: Building2Icon },
    { href: "/settings/members", label: t("members"), icon: UsersIcon, needs: "org.manage" },
    { href: "/settings/api-keys", label: t("apiKeys"), icon: KeyRoundIcon, needs: "org.manage" },
    { href: "/settings/webhooks", label: t("webhooks"), icon: WebhookIcon, needs: "org.manage" },
    { href: "/settings/audit", label: t("audit"), icon: ScrollTextIcon, needs: "org.manage" },
  ];
  const items = all.filter((i) => !i.needs || can(org.role, i.needs));

  const signOut = async () => {
    await fetch("/api/session", { method: "DELETE" }).catch(() => undefined);
    window.location.assign("/sign-in");
  };

  const nav = (
    <nav aria-label={ts("mainNav")} className="flex flex-col gap-1">
      {items.map((item) => {
        const active = pathname === item.href || pathname.startsWith(`${item.href}/`);
        return (
          <Link
            key={item.href}
            href={item.href}
            onClick={() => setOpen(false)}
            aria-current={active ? "page" : undefined}
            className={cn(
              "flex items-center gap-2 rounded-md px-3 py-2 text-sm outline-none hover:bg-accent focus-visible:ring-[3px] focus-visible:ring-ring/50",
              active && "bg-accent font-medium text-accent-foreground",
            )}
          >
            <item.icon className="size-4" aria-hidden />
            {item.label}
          </Link>
        );
      })}
    </nav>
  );

  return (
    <div className="flex min-h-dvh">
      <aside className="hidden w-60 shrink-0 flex-col gap-4 border-r p-4 md:flex">
        <Link href="/instances" className="flex items-center gap-2 px-2 font-semibold text-lg">
          <ListChecksIcon className="size-5 text-primary" aria-hidden /> Mirage
        </Link>
        <OrgSwitcher />
        {nav}
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="flex h-14 items-center gap-2 border-b px-3 md:px-6">
          <Button
            variant="ghost"
            size="icon"
            className="md:hidden"
            aria-label={ts("openMenu")}
            aria-expanded={open}
            aria-controls="mobile-nav"
            onClick={() => setOpen((v) => !v)}
          >
            <MenuIcon aria-hidden />
          </Button>
          <span className="font-semibold md:hidden">Mirage</span>
          <div className="ml-auto flex items-center gap-1">
            <ConnectionIndicator />
            <LocaleSwitcher />
            <ThemeToggle />
            <span className="hidden max-w-48 truncate px-2 text-muted-foreground text-sm lg:inline">{me.email}</span>
            <Button variant="ghost" size="icon" aria-label={ts("signOut")} onClick={signOut}>
              <LogOutIcon aria-hidden />
            </Button>
          </div>
        </header>
        {open && (
          <div id="mobile-nav" className="space-y-3 border-b p-3 md:hidden">
            <OrgSwitcher />
            {nav}
          </div>
        )}
        <main className="min-w-0 flex-1 p-3 md:p-6">{children}</main>
      </div>
    </div>
  );
}
