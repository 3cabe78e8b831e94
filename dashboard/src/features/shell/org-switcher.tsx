"use client";

import { Building2Icon, ChevronsUpDownIcon } from "lucide-react";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { Button } from "@/components/ui/button";
import { LazyDropdownMenu } from "@/components/ui/lazy-dropdown-menu";
import { useSession } from "./session-context";

export function OrgSwitcher() {
  const t = useTranslations("shell");
  const tr = useTranslations("roles");
  const { me, org } = useSession();
  const router = useRouter();
  const choose = (id: string) => {
    // biome-ignore lint/suspicious/noDocumentCookie: which organization is shown is a plain preference cookie.
    document.cookie = `mirage_org=${id}; path=/; max-age=31536000; samesite=lax`;
    router.push("/instances");
    router.refresh();
  };
  return (
    <LazyDropdownMenu
      align="start"
      className="w-64"
      trigger={
        <Button variant="outline" className="w-full justify-between" aria-label={t("switchOrg", { name: org.name })}>
          <span className="flex min-w-0 items-center gap-2">
            <Building2Icon aria-hidden />
            <span className="truncate">{org.name}</span>
          </span>
          <ChevronsUpDownIcon className="opacity-60" aria-hidden />
        </Button>
      }
    >
      {(ui) => (
        <>
          <ui.DropdownMenuLabel>{t("organizations")}</ui.DropdownMenuLabel>
          <ui.DropdownMenuRadioGroup value={org.id} onValueChange={choose}>
            {me.organizations.map((o) => (
              <ui.DropdownMenuRadioItem key={o.id} value={o.id}>
                <span className="truncate">{o.name}</span>
                <span className="ml-auto text-muted-foreground text-xs">{tr(o.role)}</span>
              </ui.DropdownMenuRadioItem>
            ))}
          </ui.DropdownMenuRadioGroup>
        </>
      )}
    </LazyDropdownMenu>
  );
}
