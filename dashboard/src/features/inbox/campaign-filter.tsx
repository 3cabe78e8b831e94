"use client";

import { MegaphoneIcon, XIcon } from "lucide-react";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { Button } from "@/components/ui/button";
import { useCampaign } from "./queries";

/** The list shows only the replies to one campaign: says which (linking to it), and clears with ✕. */
export function CampaignFilter({ id, onClear }: { id: string; onClear: () => void }) {
  const t = useTranslations("inbox");
  const campaign = useCampaign(id);
  return (
    <div
      className="flex items-center gap-1.5 rounded-md border bg-muted/50 py-0.5 pr-0.5 pl-2 text-sm"
      data-testid="campaign-filter"
    >
      <MegaphoneIcon className="size-3.5 shrink-0 text-muted-foreground" aria-hidden />
      <span className="min-w-0 flex-1 truncate">
        {t.rich("repliesToCampaign", {
          name: campaign.data?.name ?? (campaign.isPending ? "…" : t("aCampaign")),
          link: (chunks) => (
            <Link href={`/campaigns/${id}`} className="font-medium underline-offset-2 hover:underline">
              {chunks}
            </Link>
          ),
        })}
      </span>
      <Button
        variant="ghost"
        size="icon"
        className="size-6"
        aria-label={t("clearCampaignFilter")}
        data-testid="clear-campaign-filter"
        onClick={onClear}
      >
        <XIcon aria-hidden />
      </Button>
    </div>
  );
}
