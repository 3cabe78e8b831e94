import { getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { AppProviders } from "@/features/shell/app-providers";
import { AppShell } from "@/features/shell/app-shell";
import { publicApiUrl, serverEnv } from "@/lib/server/config";
import { loadMe, selectedOrgId } from "@/lib/server/me";

export const dynamic = "force-dynamic";

export default async function AppLayout({ children }: { children: ReactNode }) {
  const t = await getTranslations("shell");
  const result = await loadMe();
  if (result.kind === "unavailable") {
    return (
      <main className="mx-auto max-w-lg space-y-2 p-8" role="alert">
        <h1 className="font-semibold text-xl">{t("apiDownTitle")}</h1>
        <p className="text-muted-foreground">{t("apiDownBody")}</p>
        <p className="text-muted-foreground text-xs">{result.detail}</p>
      </main>
    );
  }
  const { me } = result;
  const wanted = await selectedOrgId();
  const org = me.organizations.find((o) => o.id === wanted) ?? me.organizations[0];
  if (!org) {
    return (
      <main className="mx-auto max-w-lg space-y-2 p-8">
        <h1 className="font-semibold text-xl">{t("noOrgTitle")}</h1>
        <p className="text-muted-foreground">{t("noOrgBody")}</p>
      </main>
    );
  }
  return (
    <AppProviders
      session={{ me, org, realtimeUrl: publicApiUrl(), simulator: Boolean(serverEnv().DASHBOARD_WA_SIM_CONTROL_URL) }}
    >
      <AppShell>{children}</AppShell>
    </AppProviders>
  );
}
