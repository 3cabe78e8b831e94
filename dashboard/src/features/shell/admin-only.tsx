"use client";

import { useTranslations } from "next-intl";
import type { ReactNode } from "react";
import { can } from "@/lib/permissions";
import { useSession } from "./session-context";

/** Admin pages: other roles get a sentence instead of controls whose calls would be refused. */
export function AdminOnly({ children }: { children: ReactNode }) {
  const t = useTranslations("shell");
  const { org } = useSession();
  if (!can(org.role, "org.manage")) {
    return (
      <div role="alert" className="rounded-md border p-6">
        <p className="font-medium">{t("adminOnlyTitle")}</p>
        <p className="text-muted-foreground text-sm">{t("adminOnlyBody")}</p>
      </div>
    );
  }
  return <>{children}</>;
}
