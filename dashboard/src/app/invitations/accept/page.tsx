import { type TInvitationPreview, ZInvitationPreview } from "@mirage/contracts/invitations";
import type { Metadata } from "next";
import { cookies } from "next/headers";
import { getTranslations } from "next-intl/server";
import { AcceptInvitation } from "@/features/invitations/accept-invitation";
import { LocaleSwitcher } from "@/features/shell/locale-switcher";
import { ThemeToggle } from "@/features/shell/theme-toggle";
import { ClientMessages } from "@/i18n/client-messages";
import { serverEnv } from "@/lib/server/config";
import { ACCESS_COOKIE, REFRESH_COOKIE } from "@/lib/server/session";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("invitation"))("pageTitle") };
}

type Preview = { kind: "ok"; preview: TInvitationPreview } | { kind: "invalid" } | { kind: "unavailable" };

/** What the token is for, asked of the API by the server (the token is the only credential this page has). */
async function loadPreview(token: string): Promise<Preview> {
  if (token.length < 20) return { kind: "invalid" };
  try {
    const res = await fetch(`${serverEnv().MIRAGE_API_URL}/api/v1/invitations/preview`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token }),
      cache: "no-store",
      signal: AbortSignal.timeout(15_000),
    });
    if (res.status === 200) return { kind: "ok", preview: ZInvitationPreview.parse(await res.json()) };
    return res.status >= 500 ? { kind: "unavailable" } : { kind: "invalid" };
  } catch {
    return { kind: "unavailable" };
  }
}

/** `/invitations/accept?token=…`: open without a session (the proxy lets it through). */
export default async function AcceptInvitationPage({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
  const { token = "" } = await searchParams;
  const t = await getTranslations("invitation");
  const jar = await cookies();
  const signedIn = Boolean(jar.get(ACCESS_COOKIE)?.value || jar.get(REFRESH_COOKIE)?.value);
  const result = await loadPreview(token);
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center gap-6 p-4">
      <div className="absolute top-4 right-4 flex gap-2">
        <LocaleSwitcher />
        <ThemeToggle />
      </div>
      <div className="w-full max-w-md space-y-6">
        <p className="text-center font-semibold text-2xl tracking-tight">Mirage</p>
        {result.kind === "ok" ? (
          <ClientMessages namespaces={["invitation"]}>
            <AcceptInvitation token={token} preview={result.preview} signedIn={signedIn} />
          </ClientMessages>
        ) : (
          <div role="alert" className="space-y-2 rounded-xl border p-6" data-testid="invitation-invalid">
            <h1 className="font-semibold text-xl">
              {result.kind === "invalid" ? t("invalidTitle") : t("unavailableTitle")}
            </h1>
            <p className="text-muted-foreground text-sm">
              {result.kind === "invalid" ? t("invalidBody") : t("unavailableBody")}
            </p>
          </div>
        )}
      </div>
    </main>
  );
}
