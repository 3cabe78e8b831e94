"use client";

import type { TWebhookEndpoint } from "@mirage/contracts/webhooks";
import { useMutation } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { ConfirmDialog } from "@/components/confirm-dialog";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { useSession } from "@/features/shell/session-context";
import { api } from "@/lib/api";
import { useErrorMessage } from "@/lib/use-error-message";
import { ShownOnce } from "./confirm-button";

/**
 * A row's "Rotate secret": asks first, then shows the new signing secret once, like at creation. The API replaces
 * the secret in place (no grace period: every delivery from then on, retries included, is signed with the new one),
 * so the question says the old secret stops working at once. Evolution-format endpoints rotate too: it is how their
 * secret is obtained at all (the Evolution route that makes them shows none).
 */
export function RotateSecret({ endpoint }: { endpoint: Pick<TWebhookEndpoint, "id" | "url"> }) {
  const t = useTranslations("webhooks");
  const tc = useTranslations("common");
  const { org } = useSession();
  const { toastError } = useErrorMessage();
  const rotate = useMutation({
    mutationFn: () =>
      api<TWebhookEndpoint & { secret: string }>(`/orgs/${org.id}/webhooks/${endpoint.id}/rotate-secret`, {
        method: "POST",
      }),
    onError: toastError,
  });
  return (
    <>
      <ConfirmDialog
        trigger={
          <Button variant="ghost" size="sm" data-testid="rotate-secret" disabled={rotate.isPending}>
            {t("rotate")}
          </Button>
        }
        title={t("rotateTitle")}
        body={t("rotateBody", { url: endpoint.url })}
        cancelLabel={tc("cancel")}
        actionLabel={t("rotate")}
        actionTestId="rotate-secret-confirm"
        destructive
        onConfirm={() => rotate.mutate()}
      />
      {/* Closing forgets the secret (reset), so it is never shown a second time. */}
      <Dialog open={rotate.data !== undefined} onOpenChange={(o) => !o && rotate.reset()}>
        {rotate.data && (
          <DialogContent closeLabel={tc("close")}>
            <DialogHeader>
              <DialogTitle>{t("rotatedTitle")}</DialogTitle>
              <DialogDescription>{t("rotatedHelp", { url: endpoint.url })}</DialogDescription>
            </DialogHeader>
            <ShownOnce value={rotate.data.secret} warning={t("secretOnce")} copyLabel={tc("copy")} />
          </DialogContent>
        )}
      </Dialog>
    </>
  );
}
