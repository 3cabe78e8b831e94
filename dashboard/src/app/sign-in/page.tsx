import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { SignInForm } from "@/features/auth/sign-in-form";
import { LocaleSwitcher } from "@/features/shell/locale-switcher";
import { ThemeToggle } from "@/features/shell/theme-toggle";
import { ClientMessages } from "@/i18n/client-messages";
import { safeNext } from "@/lib/safe-next";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("signIn"))("title") };
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const { next } = await searchParams;
  const t = await getTranslations("signIn");
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center gap-6 p-4">
      <div className="absolute top-4 right-4 flex gap-2">
        <LocaleSwitcher />
        <ThemeToggle />
      </div>
      <div className="w-full max-w-sm space-y-6">
        <div className="space-y-2 text-center">
          <p className="font-semibold text-2xl tracking-tight">Mirage</p>
          <h1 className="text-muted-foreground text-sm">{t("subtitle")}</h1>
        </div>
        <ClientMessages namespaces={["signIn"]}>
          <SignInForm next={safeNext(next ?? null)} />
        </ClientMessages>
      </div>
    </main>
  );
}
