"use client";

import Link from "next/link";
import { useFormatter, useTranslations } from "next-intl";
import { ErrorBox } from "@/components/page-parts";
import { Skeleton } from "@/components/ui/skeleton";
import { useInstances } from "@/features/instances/queries";
import { HealthScore, StatusBadge } from "@/features/instances/status";
import { useSenderBudgets } from "../queries";
import type { StepProps } from "./campaign-wizard";
import { sendersTotalMessage, senderWarningKey } from "./senders-total";

/** Which numbers send: each with its state, health and what it may still send today under the campaign's caps. */
export function StepSenders({ draft, set }: StepProps) {
  const t = useTranslations("campaignWizard.senders");
  const format = useFormatter();
  const instances = useInstances();
  const budgets = useSenderBudgets({ perHour: draft.perHour, perDay: draft.perDay, warmup: draft.warmup });
  if (instances.isPending) return <Skeleton className="h-40" />;
  if (instances.error) return <ErrorBox error={instances.error} />;
  if (instances.data.items.length === 0)
    return (
      <div className="rounded-lg border border-dashed p-4 text-sm">
        <p className="font-medium">{t("emptyTitle")}</p>
        <p className="text-muted-foreground">{t("emptyBody")}</p>
        <Link href="/instances" className="text-primary underline-offset-4 hover:underline">
          {t("toNumbers")}
        </Link>
      </div>
    );
  const items = [...instances.data.items].sort((a, b) => a.name.localeCompare(b.name));
  const total = draft.senderIds.reduce(
    (a, id) => a + (budgets.data?.items.find((b) => b.instanceId === id)?.remainingToday ?? 0),
    0,
  );
  const totalLine = sendersTotalMessage(draft.senderIds.length, total);
  return (
    <div className="space-y-3">
      <p className="text-muted-foreground text-sm">{t("help")}</p>
      <fieldset>
        <legend className="sr-only">{t("legend")}</legend>
        <ul className="grid gap-2 md:grid-cols-2">
          {items.map((i) => {
            const b = budgets.data?.items.find((x) => x.instanceId === i.id);
            const checked = draft.senderIds.includes(i.id);
            return (
              <li key={i.id}>
                <label className="flex items-start gap-2 rounded-md border px-3 py-2 text-sm">
                  <input
                    type="checkbox"
                    className="mt-1 size-4 accent-[var(--primary)]"
                    data-testid="sender-option"
                    data-name={i.name}
                    checked={checked}
                    onChange={(e) =>
                      set({
                        senderIds: e.target.checked
                          ? [...new Set([...draft.senderIds, i.id])]
                          : draft.senderIds.filter((x) => x !== i.id),
                      })
                    }
                  />
                  <span className="min-w-0 flex-1 space-y-1">
                    <span className="flex flex-wrap items-center gap-2">
                      <span className="mr-auto truncate font-medium">{i.name}</span>
                      <StatusBadge status={i.status} />
                    </span>
                    <span className="block text-muted-foreground tabular-nums">{i.phone ?? "—"}</span>
                    <span className="flex flex-wrap gap-x-4 gap-y-1 text-xs">
                      <span>
                        {t("health")} <HealthScore score={i.healthScore} status={i.status} />
                      </span>
                      <span data-testid="sender-budget">
                        {b
                          ? t("budget", {
                              left: format.number(b.remainingToday),
                              cap: format.number(b.perDay),
                              hour: format.number(b.remainingThisHour),
                            })
                          : "…"}
                      </span>
                      {b?.warmupDay !== null && b?.warmupDay !== undefined && (
                        <span>{t("warmup", { day: b.warmupDay + 1 })}</span>
                      )}
                    </span>
                    {senderWarningKey(i.status) && (
                      <span className="block text-warning text-xs">
                        {t(senderWarningKey(i.status) ?? "notConnected")}
                      </span>
                    )}
                  </span>
                </label>
              </li>
            );
          })}
        </ul>
      </fieldset>
      {draft.senderIds.length > 0 && budgets.data && (
        <p className="text-muted-foreground text-sm" aria-live="polite">
          {t(totalLine.key, { count: totalLine.values.count, n: format.number(totalLine.values.left) })}
        </p>
      )}
    </div>
  );
}
