"use client";

import type { TImport } from "@mirage/contracts/imports";
import { useQueryClient } from "@tanstack/react-query";
import { CheckCircle2Icon } from "lucide-react";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { useEffect } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { useSession } from "@/features/shell/session-context";
import { useLiveImport } from "@/lib/realtime";
import { ImportErrorsDownload } from "./import-errors-download";
import { ImportFailure } from "./import-failure";
import { ImportReportedLines, ImportWarningLines } from "./import-reported-lines";
import { audienceKeys, useImport } from "./queries";

/**
 * Steps 4 and 5: the import's progress, live from `import:progress` events (the API re-read every 2 s as well, in
 * case the socket is down), then the summary: imported, merged and every rejected line with its number and reason,
 * and every number imported with a warning (e.g. not valid in its country).
 */
export function ImportProgress({ initial, estimatedRows }: { initial: TImport; estimatedRows: number }) {
  const t = useTranslations("importWizard");
  const { org } = useSession();
  const live = useLiveImport(initial.id);
  const polled = useImport(initial.id);
  const imp = polled.data ?? initial;
  const done = imp.status === "completed" || imp.status === "failed";
  // The larger of the two: an event may be newer than the last read, or the read newer than the last event.
  const counts = live && live.rowsRead > imp.counts.rowsRead && !done ? live : imp.counts;
  // Terminal only once the outcome is read, so the summary appears with its rejected lines at once.
  const status = done
    ? imp.status
    : !live
      ? imp.status
      : live.status === "completed" || live.status === "failed"
        ? "running"
        : live.status;
  const percent = done ? 100 : Math.min(99, Math.floor((counts.rowsRead / Math.max(1, estimatedRows)) * 100));
  const qc = useQueryClient();
  const liveDone = live?.status === "completed" || live?.status === "failed";
  const { refetch } = polled;
  // The event says it ended: read the outcome (the rejected lines) now rather than at the next poll.
  useEffect(() => {
    if (liveDone && !done) void refetch();
  }, [liveDone, done, refetch]);
  useEffect(() => {
    if (!done) return;
    void qc.invalidateQueries({ queryKey: audienceKeys.contacts(org.id) });
    void qc.invalidateQueries({ queryKey: audienceKeys.lists(org.id) });
  }, [done, qc, org.id]);

  return (
    <div className="space-y-4">
      <h1 className="font-semibold text-2xl">{t("title")}</h1>
      <Card>
        <CardHeader>
          <CardTitle>{done ? t("summary") : t("step4")}</CardTitle>
        </CardHeader>
        <CardContent className="space-y-4">
          <div className="space-y-1">
            <div className="flex justify-between text-sm">
              <span data-testid="import-status" data-status={status}>
                {t(`status.${status}`)}
              </span>
              <span className="tabular-nums">{percent}%</span>
            </div>
            <div
              role="progressbar"
              aria-label={t("progress")}
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={percent}
              className="h-2 overflow-hidden rounded-full bg-muted"
            >
              <div
                className={`h-full transition-[width] ${status === "failed" ? "bg-destructive" : "bg-primary"}`}
                style={{ width: `${percent}%` }}
              />
            </div>
          </div>
          <dl className="grid grid-cols-2 gap-3 sm:grid-cols-5" data-testid="import-counts" aria-live="polite">
            {(["rowsRead", "imported", "merged", "rejected"] as const).map((k) => (
              <div key={k} className="rounded-lg border p-3">
                <dt className="text-muted-foreground text-xs">{t(`counts.${k}`)}</dt>
                <dd className="font-semibold text-xl tabular-nums" data-count={k}>
                  {counts[k]}
                </dd>
              </div>
            ))}
            {/* Not in the progress events: the import's last read (written with each batch). */}
            <div className="rounded-lg border p-3">
              <dt className="text-muted-foreground text-xs">{t("counts.warnings")}</dt>
              <dd className="font-semibold text-xl tabular-nums" data-count="warnings">
                {imp.warningCount}
              </dd>
            </div>
          </dl>
          <ImportFailure imp={imp} />
          {imp.status === "completed" && (
            <p className="flex items-center gap-2 text-sm" data-testid="import-done">
              <CheckCircle2Icon className="size-4 text-success" aria-hidden />
              {t("done", { imported: imp.counts.imported, merged: imp.counts.merged })}
            </p>
          )}
          {done && (
            <div className="flex flex-wrap gap-2">
              <Button asChild>
                <Link href="/contacts">{t("seeContacts")}</Link>
              </Button>
              {imp.counts.rejected > 0 && <ImportErrorsDownload orgId={org.id} importId={imp.id} />}
              {imp.warningCount > 0 && <ImportErrorsDownload orgId={org.id} importId={imp.id} kind="warnings" />}
            </div>
          )}
        </CardContent>
      </Card>
      {done && imp.errors.length > 0 && <ImportReportedLines imp={imp} />}
      {done && imp.warnings.length > 0 && <ImportWarningLines imp={imp} />}
    </div>
  );
}
