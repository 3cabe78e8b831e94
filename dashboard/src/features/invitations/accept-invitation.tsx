"use client";

import type { TAcceptedInvitation, TInvitationPreview } from "@mirage/contracts/invitations";
import { useFormatter, useTranslations } from "next-intl";
import { type FormEvent, useState } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { api, dashboardPost } from "@/lib/api";
import { useErrorMessage } from "@/lib/use-error-message";

/** Shows the organization the new member joins: the cookie the dashboard reads to pick the organization. */
function openOrganization(orgId: string) {
  // biome-ignore lint/suspicious/noDocumentCookie: which organization is shown is a plain preference cookie.
  document.cookie = `mirage_org=${orgId}; path=/; max-age=31536000; samesite=lax`;
  window.location.assign("/instances");
}

/**
 * Accepting an invitation. A new email chooses its password here (the account is created, then signed in); an
 * existing account accepts signed in as itself — signed out, it signs in first and comes back to this page.
 */
export function AcceptInvitation(props: { token: string; preview: TInvitationPreview; signedIn: boolean }) {
  const t = useTranslations("invitation");
  const tr = useTranslations("roles");
  const format = useFormatter();
  const { describe } = useErrorMessage();
  const { preview, token } = props;
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);
  const here = `/invitations/accept?token=${encodeURIComponent(token)}`;

  const accept = async (password?: string) => {
    setPending(true);
    setError(null);
    try {
      // A new account is created by this very request: another account's session would make it look like that
      // account accepting (refused), so it ends first.
      if (password && props.signedIn) await fetch("/api/session", { method: "DELETE" });
      const done = await api<TAcceptedInvitation>("/invitations/accept", {
        method: "POST",
        body: password ? { token, password } : { token },
      });
      if (password) await dashboardPost("/api/session", { email: preview.email, password });
      openOrganization(done.orgId);
    } catch (err) {
      setError(err);
      setPending(false);
    }
  };
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    void accept(String(new FormData(e.currentTarget).get("password")));
  };
  const signInAsInvited = async () => {
    await fetch("/api/session", { method: "DELETE" }).catch(() => undefined);
    window.location.assign(`/sign-in?next=${encodeURIComponent(here)}`);
  };
  const err = error ? describe(error) : null;

  return (
    <Card data-testid="accept-invitation">
      <CardHeader>
        <CardTitle>
          <h1>{t("title", { org: preview.organization.name })}</h1>
        </CardTitle>
        <CardDescription>
          {t("body", {
            email: preview.email,
            role: tr(preview.role),
            expires: format.dateTime(new Date(preview.expiresAt), { dateStyle: "medium" }),
          })}
        </CardDescription>
      </CardHeader>
      <CardContent className="space-y-4">
        {!preview.accountExists ? (
          <form onSubmit={onSubmit} className="space-y-4">
            <p className="text-sm">{t("newAccount", { email: preview.email })}</p>
            <div className="space-y-2">
              <Label htmlFor="new-password">{t("password")}</Label>
              <Input
                id="new-password"
                name="password"
                type="password"
                autoComplete="new-password"
                minLength={10}
                required
              />
              <p className="text-muted-foreground text-xs">{t("passwordHelp")}</p>
            </div>
            <Button type="submit" className="w-full" disabled={pending}>
              {t("accept")}
            </Button>
          </form>
        ) : props.signedIn ? (
          <div className="space-y-3">
            <p className="text-sm">{t("existingSignedIn", { email: preview.email })}</p>
            <Button className="w-full" disabled={pending} onClick={() => void accept()}>
              {t("accept")}
            </Button>
            <Button variant="outline" className="w-full" onClick={() => void signInAsInvited()}>
              {t("signInAs", { email: preview.email })}
            </Button>
          </div>
        ) : (
          <div className="space-y-3">
            <p className="text-sm">{t("existingSignedOut", { email: preview.email })}</p>
            <Button asChild className="w-full">
              <a href={`/sign-in?next=${encodeURIComponent(here)}`}>{t("signInToAccept")}</a>
            </Button>
          </div>
        )}
        {err && (
          <div role="alert" className="rounded-md border border-destructive/40 bg-destructive/10 p-3 text-sm">
            <p className="font-medium text-destructive">{err.title}</p>
            {err.detail && <p className="text-muted-foreground">{err.detail}</p>}
          </div>
        )}
      </CardContent>
    </Card>
  );
}
