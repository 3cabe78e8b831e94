"use client";

import type { TCampaign } from "@mirage/contracts/campaigns";
import { Trash2Icon } from "lucide-react";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { ConfirmDialog } from "@/components/confirm-dialog";
import { Button } from "@/components/ui/button";
import { toast } from "@/lib/toast";
import { useErrorMessage } from "@/lib/use-error-message";
import { useDeleteCampaign } from "./queries";

/**
 * Deletes a draft (an abandoned wizard) or an ended campaign, asking first with what goes with it, then returns to
 * the list. Only for campaigns the API lets go: not scheduled, running or paused (cancel those first).
 */
export function DeleteCampaign({ campaign: c }: { campaign: Pick<TCampaign, "id" | "name" | "status"> }) {
  const t = useTranslations("campaigns.delete");
  const router = useRouter();
  const { toastError } = useErrorMessage();
  const remove = useDeleteCampaign(c.id);
  return (
    <ConfirmDialog
      trigger={
        <Button type="button" variant="outline" disabled={remove.isPending} data-testid="delete-campaign">
          <Trash2Icon aria-hidden /> {t("action")}
        </Button>
      }
      title={t("title", { name: c.name })}
      body={t(c.status === "draft" ? "draft" : "ended")}
      cancelLabel={t("keep")}
      actionLabel={t("action")}
      destructive
      actionTestId="confirm-delete"
      onConfirm={() =>
        remove.mutate(undefined, {
          onSuccess: () => {
            toast.success(t("done"));
            router.push("/campaigns");
          },
          onError: toastError,
        })
      }
    />
  );
}

/** Whether a campaign in this state can be deleted (the API refuses running and paused ones). */
export const deletable = (status: TCampaign["status"]) =>
  status === "draft" || status === "completed" || status === "cancelled";
