"use client";

import type { TInstance } from "@mirage/contracts/instances";
import { useFormatter, useTranslations } from "next-intl";
import { HealthScore, StatusBadge } from "@/features/instances/status";
import { zoneLabel } from "@/lib/time-zone";
import { ColumnTable } from "../column-table";
import { reachedCount } from "../counts";
import type { TCampaignStats } from "../queries";

/**
 * Per number: its share of what was sent, health, counts and next slot with what holds it (caps, windows, quiet
 * hours, a holiday), or why it stopped taking work.
 */
/** `timeZone`: the campaign's (IANA): next sends are shown on its clock, as its windows and the wizard are, and say so. */
export function SenderTable({
  stats,
  instances,
  timeZone,
}: {
  stats: TCampaignStats;
  instances: TInstance[];
  timeZone: string;
}) {
  const t = useTranslations("campaignLive.sender");
  const format = useFormatter();
  const all = stats.senders.reduce((a, s) => a + reachedCount(s.counts), 0);
  const next = `${t("next")} (${zoneLabel(timeZone)})`;
  // A reason this version does not know reads as its code rather than nothing.
  const inactiveWhy = (reason: string | null) =>
    reason === null ? "—" : t.has(`why.${reason}`) ? t(`why.${reason as "removed"}`) : reason;
  return (
    <ColumnTable look="plain" heads={[t("number"), t("health"), t("share"), t("sent"), t("queued"), next]}>
      {stats.senders.map((s) => {
        const i = instances.find((x) => x.id === s.instanceId);
        const reached = reachedCount(s.counts);
        const share = all > 0 ? reached / all : 0;
        return (
          <tr key={s.instanceId} className="border-t align-top" data-testid="sender-row" data-name={i?.name}>
            <td className="py-2 pr-2">
              <span className="block font-medium">{i?.name ?? "—"}</span>
              {i && <StatusBadge status={i.status} />}
              {!s.active && (
                <span className="block text-warning text-xs" data-testid="sender-inactive">
                  {t("inactive", { reason: inactiveWhy(s.reason) })}
                </span>
              )}
            </td>
            <td className="py-2 pr-2">{i ? <HealthScore score={i.healthScore} status={i.status} /> : "—"}</td>
            <td className="py-2 pr-2 tabular-nums">
              {format.number(share, { style: "percent", maximumFractionDigits: 0 })}
              <div className="mt-1 h-1.5 w-16 overflow-hidden rounded-full bg-muted" aria-hidden>
                <div className="h-full bg-primary" style={{ width: `${share * 100}%` }} />
              </div>
            </td>
            <td className="py-2 pr-2 tabular-nums" data-testid="sender-sent" data-value={reached}>
              {format.number(reached)}
            </td>
            <td className="py-2 pr-2 tabular-nums">{format.number(s.counts.queued)}</td>
            <td className="py-2 text-xs">
              {s.nextSendAt && s.active && stats.status === "running"
                ? // A number held by the campaign's caps or a closed window waits for another day: say which.
                  format.dateTime(
                    new Date(s.nextSendAt),
                    Date.parse(s.nextSendAt) - Date.now() < 12 * 3_600_000
                      ? { timeStyle: "medium", timeZone }
                      : { dateStyle: "short", timeStyle: "short", timeZone },
                  )
                : "—"}
              {s.nextSendAt && s.active && stats.status === "running" && s.nextSendHeldBy && (
                <span className="block text-muted-foreground" data-testid="sender-held-by">
                  {t(`heldBy.${s.nextSendHeldBy}`)}
                </span>
              )}
            </td>
          </tr>
        );
      })}
    </ColumnTable>
  );
}
