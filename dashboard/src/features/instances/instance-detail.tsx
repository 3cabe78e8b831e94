"use client";

import type { TInstance } from "@mirage/contracts/instances";
import { useQuery } from "@tanstack/react-query";
import { ArrowLeftIcon } from "lucide-react";
import dynamic from "next/dynamic";
import Link from "next/link";
import { useFormatter, useTranslations } from "next-intl";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useSession } from "@/features/shell/session-context";
import { api } from "@/lib/api";
import { useErrorMessage } from "@/lib/use-error-message";
import { useRelativeTime } from "@/lib/use-relative-time";
import { DailySends } from "./daily-sends";
import { DetailField as Field } from "./detail-field";
import type { HealthPoint } from "./health-chart";
import { InstanceActions } from "./instance-actions";
import { PairButton } from "./pair-button";
import { lastActivity, useInstance } from "./queries";
import { HealthScore, StatusBadge, useReasonText } from "./status";

const HealthChart = dynamic(() => import("./health-chart"), {
  ssr: false,
  loading: () => <Skeleton className="h-56 w-full" />,
});

type InstanceEvent = { id: number; from: string | null; to: TInstance["status"]; reason: string | null; at: string };
const PAGE = 25;

export function InstanceDetail({ id }: { id: string }) {
  const t = useTranslations("instance");
  const ti = useTranslations("instances");
  const format = useFormatter();
  const ago = useRelativeTime();
  const { org } = useSession();
  const { message } = useErrorMessage();
  const instance = useInstance(id);
  const reasonText = useReasonText();
  const [limit, setLimit] = useState(PAGE);
  const events = useQuery({
    queryKey: ["instance-events", org.id, id, limit],
    queryFn: () => api<{ items: InstanceEvent[] }>(`/orgs/${org.id}/instances/${id}/events?limit=${limit}`),
    placeholderData: (prev) => prev,
  });
  const health = useQuery({
    queryKey: ["instance-health", org.id, id],
    queryFn: () => api<{ items: HealthPoint[] }>(`/orgs/${org.id}/instances/${id}/health?hours=24`),
  });

  if (instance.error) {
    return (
      <div role="alert" className="space-y-2">
        <h1 className="font-semibold text-xl">{message(instance.error)}</h1>
        <Button asChild variant="outline">
          <Link href="/instances">{t("back")}</Link>
        </Button>
      </div>
    );
  }
  const inst = instance.data;
  const activity = inst ? lastActivity(inst) : null;
  return (
    <div className="space-y-4">
      <Link href="/instances" className="inline-flex items-center gap-1 text-muted-foreground text-sm hover:underline">
        <ArrowLeftIcon className="size-4" aria-hidden /> {t("back")}
      </Link>
      {!inst ? (
        <Skeleton className="h-24" />
      ) : (
        <div className="flex flex-wrap items-center gap-3">
          <h1 className="font-semibold text-2xl">{inst.name}</h1>
          <StatusBadge status={inst.status} />
          <div className="ml-auto flex items-center gap-2">
            <PairButton instance={inst} />
            <InstanceActions instance={inst} afterDelete="/instances" />
          </div>
        </div>
      )}
      {inst && (
        <dl className="grid grid-cols-2 gap-4 rounded-xl border p-4 text-sm md:grid-cols-4">
          <Field label={ti("phone")} value={inst.phone ?? ti("noPhone")} />
          <Field label={ti("health")} value={<HealthScore score={inst.healthScore} status={inst.status} />} />
          <Field label={ti("worker")} value={inst.workerId ?? "—"} />
          <Field label={ti("lastActivity")} value={activity ? ago(activity) : "—"} />
          <Field
            label={t("connectedSince")}
            value={
              inst.lastConnectedAt
                ? format.dateTime(new Date(inst.lastConnectedAt), { dateStyle: "medium", timeStyle: "short" })
                : "—"
            }
          />
          <Field
            label={t("restrictedUntil")}
            value={
              inst.restrictedUntil
                ? format.dateTime(new Date(inst.restrictedUntil), { dateStyle: "medium", timeStyle: "short" })
                : "—"
            }
          />
          <Field label={t("created")} value={format.dateTime(new Date(inst.createdAt), { dateStyle: "medium" })} />
          <Field label={t("reason")} value={inst.statusReason ? reasonText(inst.statusReason) : "—"} />
          <Field label={ti("sentToday")} value={<DailySends sends={inst.dailySends} className="max-w-48" />} />
        </dl>
      )}
      <Card>
        <CardHeader>
          <CardTitle>{t("healthTitle")}</CardTitle>
        </CardHeader>
        <CardContent>
          {health.data && health.data.items.length > 0 ? (
            <HealthChart points={health.data.items} label={t("healthTitle")} />
          ) : health.isPending ? (
            <Skeleton className="h-56" />
          ) : (
            <p className="text-muted-foreground text-sm">{t("noHealth")}</p>
          )}
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>{t("historyTitle")}</CardTitle>
        </CardHeader>
        <CardContent className="space-y-3">
          {events.data && events.data.items.length === 0 ? (
            <p className="text-muted-foreground text-sm">{t("noHistory")}</p>
          ) : (
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>{t("when")}</TableHead>
                  <TableHead>{t("change")}</TableHead>
                  <TableHead>{t("reason")}</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {(events.data?.items ?? []).map((e) => (
                  <TableRow key={e.id}>
                    <TableCell className="whitespace-nowrap tabular-nums">
                      {format.dateTime(new Date(e.at), { dateStyle: "short", timeStyle: "medium" })}
                    </TableCell>
                    <TableCell>
                      <span className="flex flex-wrap items-center gap-1">
                        {e.from && <StatusBadge status={e.from as TInstance["status"]} />}
                        {e.from && <span aria-hidden>→</span>}
                        <StatusBadge status={e.to} />
                      </span>
                    </TableCell>
                    <TableCell className="text-muted-foreground">{e.reason ? reasonText(e.reason) : ""}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
          {events.data && events.data.items.length >= limit && limit < 500 && (
            <Button
              variant="outline"
              onClick={() => setLimit((l) => Math.min(500, l + PAGE))}
              disabled={events.isFetching}
            >
              {t("more")}
            </Button>
          )}
        </CardContent>
      </Card>
    </div>
  );
}
