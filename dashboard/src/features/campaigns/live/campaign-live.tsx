"use client";

import type { TCampaign } from "@mirage/contracts/campaigns";
import { useQueryClient } from "@tanstack/react-query";
import dynamic from "next/dynamic";
import { useFormatter, useNow, useTranslations } from "next-intl";
import { useRef, useState } from "react";
import { ErrorBox, PageHeader } from "@/components/page-parts";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { useInstances } from "@/features/instances/queries";
import { useSession } from "@/features/shell/session-context";
import { useRealtimeEvents } from "@/lib/realtime";
import { zoneLabel } from "@/lib/time-zone";
import { COUNTED, nextSendAt, reachedCount, tileCounts } from "../counts";
import { campaignKey, campaignsKey, useCampaignStats } from "../queries";
import { CampaignStatusBadge, doneCount, ProgressBar, useStatusReason } from "../status";
import { ActivityFeed, type ActivityItem } from "./activity-feed";
import { LiveControls } from "./live-controls";
import { RecentSends } from "./recent-sends";
import { SenderTable } from "./sender-table";

const SendsChart = dynamic(() => import("./sends-chart"), { ssr: false, loading: () => <Skeleton className="h-56" /> });

/**
 * A started campaign, live: progress, counts by state, per-number share and health, next send, sends over time,
 * recent sends with receipts, and replies. Socket events re-read what changed (batched); a reconnect re-reads all.
 */
export function CampaignLive({ campaign: c }: { campaign: TCampaign }) {
  const t = useTranslations("campaignLive");
  const ts = useTranslations("campaignLive.state");
  const format = useFormatter();
  const now = useNow({ updateInterval: 1_000 });
  const { org } = useSession();
  const qc = useQueryClient();
  // Receipts keep arriving for a while after the last send, and a finished campaign raises no more events.
  const settling = c.finishedAt !== null && Date.now() - Date.parse(c.finishedAt) < 15 * 60_000;
  const stats = useCampaignStats(c.id, true, settling ? 10_000 : false);
  const instances = useInstances();
  const describeReason = useStatusReason();
  const [activity, setActivity] = useState<ActivityItem[]>([]);
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);

  // Many events arrive per second on a fast campaign: re-read at most every 400 ms, always after the last one.
  const reread = () => {
    if (pending.current) return;
    pending.current = setTimeout(() => {
      pending.current = null;
      void qc.invalidateQueries({ queryKey: campaignKey(org.id, c.id) });
      void qc.invalidateQueries({ queryKey: campaignsKey(org.id) });
    }, 400);
  };
  // A resync replays what the page may have noted already.
  const note = (item: ActivityItem) =>
    setActivity((a) =>
      a.some((x) => x.messageId === item.messageId && x.kind === item.kind) ? a : [item, ...a].slice(0, 30),
    );
  useRealtimeEvents((e) => {
    if (e.type === "resync") return reread();
    if (e.type !== "campaign:progress" && e.type !== "message:status" && e.type !== "message:inbound") return;
    if (e.data.campaignId !== c.id) return;
    // A receipt is noted, not re-read: one arrives per message, and campaign:progress brings the counts (throttled).
    if (e.type !== "message:status") reread();
    if (e.type === "message:status") {
      const kind = e.data.state;
      if (kind === "delivered" || kind === "read" || kind === "failed")
        note({ key: e.cursor, at: e.at, kind, messageId: e.data.messageId });
    } else if (e.type === "message:inbound") {
      note({ key: e.cursor, at: e.at, kind: "reply", messageId: e.data.messageId });
    }
  });

  // A reason this version does not know is shown as its code.
  const skipReason = (r: string) =>
    t.has(`skipReasons.${r}`) ? t(`skipReasons.${r}` as "skipReasons.replied") : r.replaceAll("_", " ");
  const nameOf = (id: string | null) => instances.data?.items.find((i) => i.id === id)?.name ?? "—";
  const s = stats.data;
  // The stats are re-read live; the campaign itself may lag a step behind.
  const reason = describeReason(s?.statusReason ?? c.statusReason, s?.status ?? c.status, s?.counts);
  const total = s?.total ?? 0;
  const done = s ? doneCount(s.counts) : 0;
  const reached = s ? reachedCount(s.counts) : 0;
  const tiles = s ? tileCounts(s.counts) : null;
  const next = s ? nextSendAt(s, c.startsAt) : null;

  return (
    <div className="space-y-4">
      <PageHeader title={c.name} back={{ href: "/campaigns", label: t("back") }}>
        <CampaignStatusBadge status={s?.status ?? c.status} />
      </PageHeader>
      {reason && <p className="text-muted-foreground text-sm">{reason}</p>}
      <LiveControls campaign={{ ...c, status: s?.status ?? c.status }} />
      {stats.error ? (
        <ErrorBox error={stats.error} />
      ) : !s ? (
        <Skeleton className="h-40" />
      ) : (
        <>
          <Card className="gap-3 py-4">
            <CardContent className="space-y-2">
              <ProgressBar value={total ? (done / total) * 100 : 0} label={t("progressLabel")} />
              <p className="flex flex-wrap gap-x-4 text-sm tabular-nums">
                <span data-testid="progress-text" data-done={done} data-total={total}>
                  {t("progress", { done: format.number(done), total: format.number(total) })}
                </span>
                <span data-testid="reached" data-value={reached}>
                  {t("reached", { count: reached, n: format.number(reached) })}
                </span>
                <span data-testid="next-send">
                  {next !== null
                    ? t("nextSend", { when: format.relativeTime(new Date(Math.max(next, now.getTime())), now) })
                    : t("noNextSend")}
                </span>
              </p>
            </CardContent>
          </Card>
          <h2 className="sr-only">{t("countsLabel")}</h2>
          <dl className="grid grid-cols-2 gap-2 sm:grid-cols-5" aria-describedby="counts-help">
            {COUNTED.map((k) => (
              <div key={k} className="rounded-lg border p-3" data-testid={`count-${k}`} data-value={tiles?.[k]}>
                <dt className="text-muted-foreground text-xs">{ts(k)}</dt>
                <dd className="font-semibold text-xl tabular-nums">{format.number(tiles?.[k] ?? 0)}</dd>
              </div>
            ))}
          </dl>
          <p id="counts-help" className="text-muted-foreground text-xs">
            {t("countsHelp")}
          </p>
          <p className="text-muted-foreground text-xs" data-testid="campaign-clock">
            {t("clock", { zone: zoneLabel(c.timezone) })}
          </p>
          {Object.keys(s.skippedByReason).length > 0 && (
            <p className="text-muted-foreground text-sm">
              {t("skippedBy")}{" "}
              {Object.entries(s.skippedByReason)
                .map(([r, n]) => `${skipReason(r)}: ${n}`)
                .join(" · ")}
            </p>
          )}
          <div className="grid min-w-0 gap-4 lg:grid-cols-2">
            <Card className="min-w-0">
              <CardHeader>
                <CardTitle>{t("senders")}</CardTitle>
              </CardHeader>
              <CardContent>
                <SenderTable stats={s} instances={instances.data?.items ?? []} timeZone={c.timezone} />
              </CardContent>
            </Card>
            <Card className="min-w-0">
              <CardHeader>
                <CardTitle>{t("chartTitle")}</CardTitle>
              </CardHeader>
              <CardContent>
                {s.sentPerHour.length === 0 ? (
                  <p className="text-muted-foreground text-sm">{t("noSendsYet")}</p>
                ) : (
                  <SendsChart points={s.sentPerHour} label={t("chartTitle")} timeZone={c.timezone} />
                )}
              </CardContent>
            </Card>
            <Card className="min-w-0">
              <CardHeader>
                <CardTitle>{t("recentTitle")}</CardTitle>
              </CardHeader>
              <CardContent>
                <RecentSends campaignId={c.id} nameOf={nameOf} timeZone={c.timezone} />
              </CardContent>
            </Card>
            <Card className="min-w-0">
              <CardHeader>
                <CardTitle>{t("activityTitle")}</CardTitle>
              </CardHeader>
              <CardContent>
                <ActivityFeed items={activity} replied={s.counts.replied} campaignId={c.id} timeZone={c.timezone} />
              </CardContent>
            </Card>
          </div>
        </>
      )}
    </div>
  );
}
