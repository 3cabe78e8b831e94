"use client";

import type { TCampaign } from "@mirage/contracts/campaigns";
import { DownloadIcon, PauseIcon, PlayIcon, XIcon } from "lucide-react";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { ConfirmDialog } from "@/components/confirm-dialog";
import { Button } from "@/components/ui/button";
import { useSession } from "@/features/shell/session-context";
import { can } from "@/lib/permissions";
import { toast } from "@/lib/toast";
import { useErrorMessage } from "@/lib/use-error-message";
import { DeleteCampaign, deletable } from "../delete-campaign";
import { useCampaignAction } from "../queries";

type Action = "pause" | "resume" | "cancel";

/** Pause, resume, cancel (each confirmed, saying what happens) and the CSV report. */
export function LiveControls({ campaign: c }: { campaign: TCampaign }) {
  const t = useTranslations("campaignLive.controls");
  const { org } = useSession();
  const writer = can(org.role, "audience.write");
  const { toastError } = useErrorMessage();
  const act = useCampaignAction(c.id);
  const [asking, setAsking] = useState<Action | null>(null);
  const offered: Action[] = !writer
    ? []
    : c.status === "running"
      ? ["pause", "cancel"]
      : c.status === "paused"
        ? ["resume", "cancel"]
        : c.status === "scheduled"
          ? ["cancel"]
          : [];
  const icon = { pause: PauseIcon, resume: PlayIcon, cancel: XIcon };
  return (
    <div className="flex flex-wrap gap-2">
      {offered.map((a) => {
        const Icon = icon[a];
        return (
          <Button
            key={a}
            type="button"
            variant={a === "cancel" ? "outline" : "default"}
            data-testid={`${a}-campaign`}
            disabled={act.isPending}
            onClick={() => setAsking(a)}
          >
            <Icon aria-hidden /> {t(a)}
          </Button>
        );
      })}
      <Button asChild variant="outline">
        <a href={`/api/v1/orgs/${org.id}/campaigns/${c.id}/report.csv`} download data-testid="report-csv">
          <DownloadIcon aria-hidden /> {t("report")}
        </a>
      </Button>
      {writer && deletable(c.status) && <DeleteCampaign campaign={c} />}
      {asking && (
        <ConfirmDialog
          onClose={() => setAsking(null)}
          title={t(`confirm.${asking}.title`, { name: c.name })}
          body={t(`confirm.${asking}.body`)}
          cancelLabel={t("keep")}
          actionLabel={t(`confirm.${asking}.action`)}
          destructive={asking === "cancel"}
          actionTestId="confirm-action"
          onConfirm={() => {
            const a = asking;
            act.mutate({ action: a }, { onSuccess: () => toast.success(t(`done.${a}`)), onError: toastError });
          }}
        />
      )}
    </div>
  );
}
