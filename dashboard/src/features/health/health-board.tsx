"use client";

import type { TInstanceStatus } from "@mirage/contracts/enums";
import type { TWorkerStatus } from "@mirage/contracts/workers";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useFormatter, useTranslations } from "next-intl";
import { useMemo } from "react";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useInstances } from "@/features/instances/queries";
import { HealthScore, StatusBadge, useReasonText } from "@/features/instances/status";
import { useSession } from "@/features/shell/session-context";
import { api } from "@/lib/api";
import { useRelativeTime } from "@/lib/use-relative-time";
import { problemsOf } from "./problems";

export function HealthBoard() {
  const t = useTranslations("health");
  const ts = useTranslations("status");
  const ta = useTranslations("advice");
  const format = useFormatter();
  const ago = useRelativeTime();
  const reasonText = useReasonText();
  const { org } = useSession();
  const { data } = useInstances();
  const workers = useQuery({
    queryKey: ["workers", org.id],
    queryFn: () => api<{ items: TWorkerStatus[] }>(`/orgs/${org.id}/workers`),
    refetchInterval: 5_000,
  });
  const items = data?.items ?? [];
  const counts = useMemo(() => {
    const c = new Map<TInstanceStatus, number>();
    for (const i of items) c.set(i.status, (c.get(i.status) ?? 0) + 1);
    return [...c.entries()].sort((a, b) => b[1] - a[1]);
  }, [items]);
  const problems = useMemo(() => problemsOf(items), [items]);
  const perWorker = useMemo(() => {
    const m = new Map<string, number>();
    for (const i of items) if (i.workerId) m.set(i.workerId, (m.get(i.workerId) ?? 0) + 1);
    return m;
  }, [items]);

  return (
    <div className="space-y-4">
      <h1 className="font-semibold text-2xl">{t("title")}</h1>
      <section aria-labelledby="counts-title" className="space-y-2">
        <h2 id="counts-title" className="sr-only">
          {t("counts")}
        </h2>
        {!data ? (
          <Skeleton className="h-20" />
        ) : (
          <ul className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-5">
            <li className="rounded-xl border p-3">
              <p className="text-muted-foreground text-xs">{t("total")}</p>
              <p className="font-semibold text-2xl tabular-nums">{format.number(items.length)}</p>
            </li>
            {counts.map(([status, n]) => (
              <li key={status} className="rounded-xl border p-3" data-testid={`count-${status}`}>
                <p className="text-muted-foreground text-xs">{ts(status)}</p>
                <p className="font-semibold text-2xl tabular-nums">{format.number(n)}</p>
              </li>
            ))}
          </ul>
        )}
      </section>
      <Card>
        <CardHeader>
          <CardTitle>{t("attention")}</CardTitle>
          <CardDescription>{t("attentionHelp")}</CardDescription>
        </CardHeader>
        <CardContent>
          {problems.length === 0 ? (
            <p className="text-muted-foreground text-sm">{t("allGood")}</p>
          ) : (
            <ul className="divide-y" data-testid="attention-list">
              {problems.map(({ instance, kind }) => (
                <li
                  key={instance.id}
                  className="flex flex-wrap items-start gap-3 py-3"
                  data-testid="attention-item"
                  data-instance={instance.name}
                  data-kind={kind}
                >
                  <div className="min-w-40 flex-1">
                    <Link href={`/instances/${instance.id}`} className="font-medium hover:underline">
                      {instance.name}
                    </Link>
                    <p className="text-muted-foreground text-sm tabular-nums">{instance.phone ?? "—"}</p>
                  </div>
                  <div className="min-w-56 flex-[2] space-y-1 text-sm">
                    <p className="flex items-center gap-2">
                      {kind === "mismatched_number" ? (
                        <span className="font-medium text-warning">{t("mismatched")}</span>
                      ) : (
                        <StatusBadge status={kind} />
                      )}
                      {kind === "restricted" && instance.restrictedUntil && (
                        <span>
                          {t("until", {
                            when: format.dateTime(new Date(instance.restrictedUntil), {
                              dateStyle: "short",
                              timeStyle: "short",
                            }),
                          })}
                        </span>
                      )}
                      {instance.statusReason && instance.statusReason !== kind && (
                        <span className="text-muted-foreground">{reasonText(instance.statusReason)}</span>
                      )}
                    </p>
                    <p className="text-muted-foreground">{ta(kind)}</p>
                  </div>
                  <HealthScore score={instance.healthScore} status={instance.status} />
                </li>
              ))}
            </ul>
          )}
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>{t("workers")}</CardTitle>
          <CardDescription>{t("workersHelp")}</CardDescription>
        </CardHeader>
        <CardContent>
          {workers.error ? (
            <p className="text-muted-foreground text-sm">{t("workersUnavailable")}</p>
          ) : !workers.data ? (
            <Skeleton className="h-16" />
          ) : workers.data.items.length === 0 ? (
            <p role="alert" className="text-destructive text-sm">
              {t("noWorkers")}
            </p>
          ) : (
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>{t("worker")}</TableHead>
                  <TableHead>{t("liveness")}</TableHead>
                  <TableHead>{t("load")}</TableHead>
                  <TableHead>{t("yours")}</TableHead>
                  <TableHead>{t("heartbeat")}</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {workers.data.items.map((w) => (
                  <TableRow key={w.id}>
                    <TableCell className="font-medium">{w.id}</TableCell>
                    <TableCell>
                      <span className={w.live ? "text-success" : "text-destructive"}>
                        {w.live ? t("alive") : t("dead")}
                      </span>
                    </TableCell>
                    <TableCell className="tabular-nums">
                      {t("loadValue", { hosted: w.hosted, capacity: w.capacity })}
                    </TableCell>
                    <TableCell className="tabular-nums">{format.number(perWorker.get(w.id) ?? 0)}</TableCell>
                    <TableCell>{ago(w.heartbeatAt)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </CardContent>
      </Card>
    </div>
  );
}
