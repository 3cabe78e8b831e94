"use client";

import type { TCampaign } from "@mirage/contracts/campaigns";
import { useQueryClient } from "@tanstack/react-query";
import { MegaphoneIcon, PlusIcon } from "lucide-react";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { EmptyState, ErrorBox, PageHeader } from "@/components/page-parts";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { useSession } from "@/features/shell/session-context";
import { can } from "@/lib/permissions";
import { useRealtimeEvents } from "@/lib/realtime";
import { useRelativeTime } from "@/lib/use-relative-time";
import { campaignRowLine } from "./counts";
import { campaignKey, campaignsKey, useCampaignStats, useCampaigns } from "./queries";
import { CampaignStatusBadge, doneCount, ProgressBar, useStatusReason } from "./status";

/** Every campaign with its state and progress, live. */
export function CampaignsView() {
  const t = useTranslations("campaigns");
  const { org } = useSession();
  const writer = can(org.role, "audience.write");
  const { data, error, isPending } = useCampaigns();
  const qc = useQueryClient();
  useRealtimeEvents((e) => {
    if (e.type === "resync") void qc.invalidateQueries({ queryKey: campaignsKey(org.id) });
    if (e.type === "campaign:progress") {
      void qc.invalidateQueries({ queryKey: campaignsKey(org.id) });
      void qc.invalidateQueries({ queryKey: campaignKey(org.id, e.data.campaignId) });
    }
  });
  return (
    <div className="space-y-4">
      <PageHeader title={t("title")}>
        {writer && (
          <Button asChild>
            <Link href="/campaigns/new" data-testid="new-campaign">
              <PlusIcon aria-hidden /> {t("new")}
            </Link>
          </Button>
        )}
      </PageHeader>
      {isPending ? (
        <Skeleton className="h-40" />
      ) : error ? (
        <ErrorBox error={error} />
      ) : data.items.length === 0 ? (
        <EmptyState
          icon={MegaphoneIcon}
          title={t("emptyTitle")}
          body={writer ? t("emptyBody") : t("emptyBodyReader")}
          action={
            writer && (
              <Button asChild size="lg">
                <Link href="/campaigns/new">{t("new")}</Link>
              </Button>
            )
          }
        />
      ) : (
        <ul className="space-y-2" aria-label={t("title")}>
          {data.items.map((c) => (
            <CampaignRow key={c.id} campaign={c} />
          ))}
        </ul>
      )}
    </div>
  );
}

function CampaignRow({ campaign: c }: { campaign: TCampaign }) {
  const t = useTranslations("campaigns");
  const ago = useRelativeTime();
  const line = campaignRowLine(c);
  const started = line === "progress";
  const stats = useCampaignStats(c.id, started);
  const reason = useStatusReason()(c.statusReason, c.status, stats.data?.counts);
  const total = stats.data?.total ?? 0;
  const done = stats.data ? doneCount(stats.data.counts) : 0;
  const pct = total > 0 ? (done / total) * 100 : 0;
  return (
    <li>
      <Card className="gap-2 px-4 py-3" data-testid="campaign-row" data-campaign={c.name}>
        <div className="flex flex-wrap items-center gap-2">
          <Link
            href={`/campaigns/${c.id}`}
            className="mr-auto truncate font-medium outline-none hover:underline focus-visible:ring-[3px] focus-visible:ring-ring/50"
          >
            {c.name}
          </Link>
          <CampaignStatusBadge status={c.status} />
        </div>
        {line === "startsAt" ? (
          <p className="text-muted-foreground text-xs">{t("startsAt", { when: ago(c.startsAt ?? c.updatedAt) })}</p>
        ) : line === "progress" ? (
          <div className="space-y-1">
            <ProgressBar value={pct} label={t("progressOf", { name: c.name })} />
            <p className="text-muted-foreground text-xs tabular-nums">
              {t("progress", { done, total, pct: Math.floor(pct) })}
              {reason && ` · ${reason}`}
            </p>
          </div>
        ) : (
          <p className="text-muted-foreground text-xs">{t("draftSince", { when: ago(c.updatedAt) })}</p>
        )}
      </Card>
    </li>
  );
}
