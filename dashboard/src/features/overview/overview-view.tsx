"use client";

import type { TCampaign } from "@mirage/contracts/campaigns";
import type { TDailyStats } from "@mirage/contracts/stats";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { InboxIcon, MegaphoneIcon, SmartphoneIcon } from "lucide-react";
import dynamic from "next/dynamic";
import Link from "next/link";
import { useFormatter, useTranslations } from "next-intl";
import { useMemo } from "react";
import { ErrorBox } from "@/components/page-parts";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { problemsOf } from "@/features/health/problems";
import { useInstances } from "@/features/instances/queries";
import { StatusBadge } from "@/features/instances/status";
import { useSession } from "@/features/shell/session-context";
import { api } from "@/lib/api";
import { can } from "@/lib/permissions";
import { useRealtimeEvent } from "@/lib/realtime";
import { zoneLabel } from "@/lib/time-zone";
import type { Series } from "./daily-chart";

const DailyChart = dynamic(() => import("./daily-chart"), {
  ssr: false,
  loading: () => <Skeleton className="h-72" />,
});

const ACTIVE = new Set(["running", "scheduled", "paused"]);
const FIGURES = ["sent", "delivered", "read", "replied"] as const;

/** The organization at a glance: today's figures, messages per day, active campaigns, numbers needing attention. */
export function OverviewView() {
  const t = useTranslations("overview");
  const format = useFormatter();
  const { org } = useSession();
  const qc = useQueryClient();
  const stats = useQuery({
    queryKey: ["stats-daily", org.id],
    queryFn: () => api<TDailyStats>(`/orgs/${org.id}/stats/daily?days=14`),
  });
  // Figures move with every receipt and reply: re-read (at most every few seconds) while the page is open.
  useRealtimeEvent(["message:status", "message:inbound"], () => {
    const state = qc.getQueryState(["stats-daily", org.id]);
    if (!state || Date.now() - state.dataUpdatedAt > 3_000)
      void qc.invalidateQueries({ queryKey: ["stats-daily", org.id] });
  });
  const today = stats.data?.days.at(-1);
  const series: Series[] = [
    { key: "sent", label: t("figure.sent"), color: "#2563eb" },
    { key: "delivered", label: t("figure.delivered"), color: "#16a34a" },
    { key: "read", label: t("figure.read"), color: "#0891b2" },
    { key: "replied", label: t("figure.replied"), color: "#d97706" },
  ];
  const empty = stats.data?.days.every((d) => d.sent === 0 && d.received === 0 && d.failed === 0);

  return (
    <div className="space-y-4">
      <h1 className="font-semibold text-2xl">{t("title")}</h1>
      <section aria-labelledby="today-title" className="space-y-2">
        <h2 id="today-title" className="font-medium text-muted-foreground text-sm">
          {t("today")}
          {stats.data && <span className="font-normal"> · {zoneLabel(stats.data.timezone)}</span>}
        </h2>
        {stats.error ? (
          <ErrorBox error={stats.error} className="p-3 text-sm" />
        ) : !today ? (
          <Skeleton className="h-20" />
        ) : (
          <ul className="grid grid-cols-2 gap-3 sm:grid-cols-4" data-testid="today">
            {FIGURES.map((key) => (
              <li key={key} className="rounded-xl border p-3" data-testid={`today-${key}`} data-value={today[key]}>
                <p className="text-muted-foreground text-xs">{t(`figure.${key}`)}</p>
                <p className="font-semibold text-2xl tabular-nums">{format.number(today[key])}</p>
              </li>
            ))}
          </ul>
        )}
      </section>
      <Card>
        <CardHeader>
          <CardTitle>{t("perDay")}</CardTitle>
          <CardDescription>{t("perDayHelp")}</CardDescription>
        </CardHeader>
        <CardContent>
          {!stats.data ? (
            <Skeleton className="h-72" />
          ) : empty ? (
            <p className="text-muted-foreground text-sm">{t("noActivity")}</p>
          ) : (
            <DailyChart days={stats.data.days} series={series} label={t("perDay")} />
          )}
        </CardContent>
      </Card>
      <div className="grid gap-4 lg:grid-cols-2">
        <ActiveCampaigns />
        <NeedsAttention />
      </div>
      <p className="text-sm">
        <Link href="/inbox" className="inline-flex items-center gap-1.5 underline-offset-2 hover:underline">
          <InboxIcon className="size-4" aria-hidden /> {t("openInbox")}
        </Link>
      </p>
    </div>
  );
}

function ActiveCampaigns() {
  const t = useTranslations("overview");
  const tc = useTranslations("overview.campaignStatus");
  const { org } = useSession();
  const campaigns = useQuery({
    queryKey: ["campaigns", org.id],
    queryFn: () => api<{ items: TCampaign[] }>(`/orgs/${org.id}/campaigns`),
  });
  const active = useMemo(() => (campaigns.data?.items ?? []).filter((c) => ACTIVE.has(c.status)), [campaigns.data]);
  return (
    <Card>
      <CardHeader>
        <CardTitle>{t("activeCampaigns")}</CardTitle>
      </CardHeader>
      <CardContent>
        {campaigns.error ? (
          <p className="text-muted-foreground text-sm">{t("campaignsUnavailable")}</p>
        ) : !campaigns.data ? (
          <Skeleton className="h-16" />
        ) : active.length === 0 ? (
          <div className="space-y-2 text-sm">
            <p className="text-muted-foreground">{t("noCampaigns")}</p>
            {can(org.role, "audience.write") && (
              <Button asChild size="sm" variant="outline">
                <Link href="/campaigns">
                  <MegaphoneIcon aria-hidden /> {t("planCampaign")}
                </Link>
              </Button>
            )}
          </div>
        ) : (
          <ul className="divide-y" data-testid="active-campaigns">
            {active.map((c) => (
              <li key={c.id} className="flex items-center gap-2 py-2">
                <Link href={`/campaigns/${c.id}`} className="min-w-0 flex-1 truncate font-medium hover:underline">
                  {c.name}
                </Link>
                <Badge variant={c.status === "running" ? "success" : "secondary"}>{tc(c.status as "running")}</Badge>
              </li>
            ))}
          </ul>
        )}
      </CardContent>
    </Card>
  );
}

function NeedsAttention() {
  const t = useTranslations("overview");
  const ta = useTranslations("advice");
  const { org } = useSession();
  const { data, error } = useInstances();
  const problems = useMemo(() => problemsOf(data?.items ?? []), [data]);
  return (
    <Card>
      <CardHeader>
        <CardTitle>{t("attention")}</CardTitle>
      </CardHeader>
      <CardContent>
        {error ? (
          <p className="text-muted-foreground text-sm">{t("instancesUnavailable")}</p>
        ) : !data ? (
          <Skeleton className="h-16" />
        ) : data.items.length === 0 ? (
          <div className="space-y-2 text-sm">
            <p className="text-muted-foreground">{t("noNumbers")}</p>
            {can(org.role, "instances.write") && (
              <Button asChild size="sm" variant="outline">
                <Link href="/instances">
                  <SmartphoneIcon aria-hidden /> {t("connectNumber")}
                </Link>
              </Button>
            )}
          </div>
        ) : problems.length === 0 ? (
          <p className="text-muted-foreground text-sm" data-testid="all-good">
            {t("allGood", { count: data.items.length })}
          </p>
        ) : (
          <ul className="divide-y" data-testid="attention">
            {problems.slice(0, 6).map(({ instance, kind }) => (
              <li key={instance.id} className="space-y-1 py-2 text-sm">
                <p className="flex items-center gap-2">
                  <Link
                    href={`/instances/${instance.id}`}
                    className="min-w-0 flex-1 truncate font-medium hover:underline"
                  >
                    {instance.name}
                  </Link>
                  {kind === "mismatched_number" ? (
                    <Badge variant="warning">{t("mismatched")}</Badge>
                  ) : (
                    <StatusBadge status={kind} />
                  )}
                </p>
                <p className="text-muted-foreground">{ta(kind)}</p>
              </li>
            ))}
          </ul>
        )}
      </CardContent>
    </Card>
  );
}
