"use client";

import { useTranslations } from "next-intl";
import { type FormEvent, useState } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { dashboardPost } from "@/lib/api";
import { useErrorMessage } from "@/lib/use-error-message";

export function SignInForm({ next }: { next: string }) {
  const t = useTranslations("signIn");
  const { describe } = useErrorMessage();
  const [error, setError] = useState<{ title: string; detail: string | undefined } | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setPending(true);
    setError(null);
    try {
      await dashboardPost("/api/session", { email: form.get("email"), password: form.get("password") });
      // A full navigation: the server renders the next page with the new session cookies.
      window.location.assign(next);
    } catch (err) {
      setError(describe(err));
      setPending(false);
    }
  }

  return (
    <Card>
      <CardContent>
        <form onSubmit={onSubmit} className="space-y-4" noValidate={false}>
          <div className="space-y-2">
            <Label htmlFor="email">{t("email")}</Label>
            <Input id="email" name="email" type="email" autoComplete="username" required autoFocus />
          </div>
          <div className="space-y-2">
            <Label htmlFor="password">{t("password")}</Label>
            <Input id="password" name="password" type="password" autoComplete="current-password" required />
          </div>
          {error && (
            <div role="alert" className="rounded-md border border-destructive/40 bg-destructive/10 p-3 text-sm">
              <p className="font-medium text-destructive">{error.title}</p>
              {error.detail && <p className="text-muted-foreground">{error.detail}</p>}
            </div>
          )}
          <Button type="submit" className="w-full" disabled={pending}>
            {pending ? t("signingIn") : t("submit")}
          </Button>
        </form>
      </CardContent>
    </Card>
  );
}
