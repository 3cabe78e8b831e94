"use client";

import type { TInstance } from "@mirage/contracts/instances";
import { SmartphoneIcon } from "lucide-react";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { memo, startTransition, useDeferredValue, useEffect, useMemo, useState } from "react";
import { EmptyState, ErrorBox, PageHeader } from "@/components/page-parts";
import { SearchInput } from "@/components/search-input";
import { Card } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { useSession } from "@/features/shell/session-context";
import { can } from "@/lib/permissions";
import { useLiveHealth } from "@/lib/realtime";
import { useRelativeTime } from "@/lib/use-relative-time";
import { AddNumberButton } from "./add-number-button";
import { DailySends } from "./daily-sends";
import { InstanceActions } from "./instance-actions";
import { PairButton } from "./pair-button";
import { lastActivity, useInstances } from "./queries";
import { HealthScore, StatusBadge, useReasonText } from "./status";

export function InstancesView() {
  const t = useTranslations("instances");
  const { org } = useSession();
  const { data, error, isPending } = useInstances();
  const [filter, setFilter] = useState("");
  const query = useDeferredValue(filter.trim().toLowerCase());
  const items = useMemo(() => {
    const all = [...(data?.items ?? [])].sort((a, b) => a.name.localeCompare(b.name));
    return query ? all.filter((i) => i.name.toLowerCase().includes(query) || (i.phone ?? "").includes(query)) : all;
  }, [data, query]);
  const writer = can(org.role, "instances.write");
  // A large fleet renders in slices, each a transition: the first cards and the controls answer at once while the
  // rest fill in, instead of one long blocking render.
  const [shown, setShown] = useState(FIRST_SLICE);
  useEffect(() => {
    if (shown >= items.length) return;
    const timer = setTimeout(() => startTransition(() => setShown((n) => n + NEXT_SLICE)), 0);
    return () => clearTimeout(timer);
  }, [shown, items.length]);

  return (
    <div className="space-y-4">
      <PageHeader title={t("title")}>
        {(data?.items.length ?? 0) > 0 && (
          // Wide enough for the whole placeholder in both languages: between sm and md the input's text is 16 px,
          // and w-64 cut pt-BR's "Buscar por nome ou número" at "…númerc".
          <SearchInput
            label={t("search")}
            className="w-full sm:w-80"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
          />
        )}
        {writer && <AddNumberButton />}
      </PageHeader>
      {isPending ? (
        <div className="grid gap-3 sm:grid-cols-2 xl:grid-cols-3">
          {[0, 1, 2].map((k) => (
            <Skeleton key={k} className="h-36" />
          ))}
        </div>
      ) : error ? (
        <ErrorBox error={error} />
      ) : data.items.length === 0 ? (
        <EmptyState
          icon={SmartphoneIcon}
          title={t("emptyTitle")}
          body={writer ? t("emptyBody") : t("emptyBodyReader")}
          action={writer && <AddNumberButton size="lg" />}
        />
      ) : (
        <ul className="grid gap-3 sm:grid-cols-2 xl:grid-cols-3" aria-label={t("title")}>
          {items.slice(0, shown).map((i) => (
            <InstanceCard key={i.id} instance={i} />
          ))}
        </ul>
      )}
    </div>
  );
}

const FIRST_SLICE = 48;
const NEXT_SLICE = 96;

// Memoized: a live event patches one instance, and the cache keeps the other objects as they were.
const InstanceCard = memo(function InstanceCard({ instance }: { instance: TInstance }) {
  const t = useTranslations("instances");
  const reasonText = useReasonText();
  const ago = useRelativeTime();
  const live = useLiveHealth(instance.id);
  const activity = lastActivity(instance);
  const reason = live?.reasons[0] ?? instance.statusReason;
  return (
    <li>
      <Card
        className="gap-3 py-4"
        data-testid="instance-card"
        data-instance={instance.name}
        data-status={instance.status}
      >
        <div className="flex items-start gap-2 px-4">
          <div className="min-w-0 flex-1">
            <Link
              href={`/instances/${instance.id}`}
              className="block truncate font-medium outline-none hover:underline focus-visible:ring-[3px] focus-visible:ring-ring/50"
            >
              {instance.name}
            </Link>
            <p className="truncate text-muted-foreground text-sm tabular-nums">{instance.phone ?? t("noPhone")}</p>
          </div>
          <StatusBadge status={instance.status} />
          <InstanceActions instance={instance} />
        </div>
        <dl className="grid grid-cols-2 gap-2 px-4 text-sm">
          <div>
            <dt className="text-muted-foreground text-xs">{t("health")}</dt>
            <dd>
              <HealthScore score={instance.healthScore} status={instance.status} />
            </dd>
          </div>
          <div className="min-w-0">
            <dt className="text-muted-foreground text-xs">{t("worker")}</dt>
            <dd className="truncate">{instance.workerId ?? "—"}</dd>
          </div>
          <div className="min-w-0">
            <dt className="text-muted-foreground text-xs">{t("lastActivity")}</dt>
            <dd className="truncate">{activity ? ago(activity) : "—"}</dd>
          </div>
          <div className="min-w-0">
            <dt className="text-muted-foreground text-xs" title={t("sentTodayTitle")}>
              {t("sentToday")}
            </dt>
            <dd>
              <DailySends sends={instance.dailySends} />
            </dd>
          </div>
        </dl>
        {/* empty:hidden: no gap when there is neither a reason nor a pairing to do. */}
        <div className="flex flex-wrap items-center gap-2 px-4 empty:hidden">
          {reason && <p className="min-w-0 flex-1 text-muted-foreground text-xs">{reasonText(reason)}</p>}
          <PairButton instance={instance} className="ml-auto" />
        </div>
      </Card>
    </li>
  );
});
