"use client";

import { useQueries } from "@tanstack/react-query";
import Link from "next/link";
import { useFormatter, useTranslations } from "next-intl";
import { ErrorBox } from "@/components/page-parts";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Skeleton } from "@/components/ui/skeleton";
import { useSession } from "@/features/shell/session-context";
import { api } from "@/lib/api";
import { type TContactList, type TSegment, useLists, useSegmentCount, useSegments } from "../queries";
import { audienceCountPlan } from "./audience-count";
import type { StepProps } from "./campaign-wizard";

const toggle = (ids: string[], id: string, on: boolean) =>
  on ? [...new Set([...ids, id])] : ids.filter((x) => x !== id);

/** Name, and the lists and segments to send to (each with how many people it holds). */
export function StepAudience({ draft, set }: StepProps) {
  const t = useTranslations("campaignWizard.audience");
  const format = useFormatter();
  const lists = useLists();
  const segments = useSegments();
  const none = lists.data?.items.length === 0 && segments.data?.items.length === 0;
  return (
    <div className="space-y-5">
      <div className="max-w-md space-y-1">
        <Label htmlFor="campaign-name">{t("name")}</Label>
        <Input
          id="campaign-name"
          required
          maxLength={200}
          value={draft.name}
          onChange={(e) => set({ name: e.target.value })}
          placeholder={t("namePlaceholder")}
        />
      </div>
      {lists.error || segments.error ? (
        <ErrorBox error={lists.error ?? segments.error} />
      ) : lists.isPending || segments.isPending ? (
        <Skeleton className="h-24" />
      ) : none ? (
        <div className="rounded-lg border border-dashed p-4 text-sm">
          <p className="font-medium">{t("emptyTitle")}</p>
          <p className="text-muted-foreground">{t("emptyBody")}</p>
          <Link href="/contacts" className="text-primary underline-offset-4 hover:underline">
            {t("toContacts")}
          </Link>
        </div>
      ) : (
        <div className="grid gap-4 md:grid-cols-2">
          <fieldset className="space-y-2">
            <legend className="mb-1 font-medium">{t("lists")}</legend>
            {lists.data.items.length === 0 && <p className="text-muted-foreground text-sm">{t("noLists")}</p>}
            {lists.data.items.map((l) => (
              <label key={l.id} className="flex items-center gap-2 rounded-md border px-3 py-2 text-sm">
                <input
                  type="checkbox"
                  className="size-4 accent-[var(--primary)]"
                  data-testid="audience-list"
                  data-name={l.name}
                  checked={draft.listIds.includes(l.id)}
                  onChange={(e) => set({ listIds: toggle(draft.listIds, l.id, e.target.checked) })}
                />
                <span className="mr-auto">{l.name}</span>
                <span className="text-muted-foreground tabular-nums">
                  {t("people", { count: l.memberCount, n: format.number(l.memberCount) })}
                </span>
              </label>
            ))}
          </fieldset>
          <fieldset className="space-y-2">
            <legend className="mb-1 font-medium">{t("segments")}</legend>
            {segments.data.items.length === 0 && <p className="text-muted-foreground text-sm">{t("noSegments")}</p>}
            {segments.data.items.map((s) => (
              <SegmentOption
                key={s.id}
                segment={s}
                checked={draft.segmentIds.includes(s.id)}
                onChange={(on) => set({ segmentIds: toggle(draft.segmentIds, s.id, on) })}
              />
            ))}
          </fieldset>
        </div>
      )}
      {draft.listIds.length + draft.segmentIds.length > 0 && lists.data && segments.data && (
        <AudienceSummary
          lists={lists.data.items.filter((l) => draft.listIds.includes(l.id))}
          segments={segments.data.items.filter((s) => draft.segmentIds.includes(s.id))}
        />
      )}
    </div>
  );
}

function SegmentOption(props: { segment: TSegment; checked: boolean; onChange: (on: boolean) => void }) {
  const t = useTranslations("campaignWizard.audience");
  const format = useFormatter();
  const count = useSegmentCount(props.segment.id);
  return (
    <label className="flex items-center gap-2 rounded-md border px-3 py-2 text-sm">
      <input
        type="checkbox"
        className="size-4 accent-[var(--primary)]"
        checked={props.checked}
        onChange={(e) => props.onChange(e.target.checked)}
      />
      <span className="mr-auto">{props.segment.name}</span>
      <span className="text-muted-foreground tabular-nums">
        {count.data ? t("people", { count: count.data.count, n: format.number(count.data.count) }) : "…"}
      </span>
    </label>
  );
}

/**
 * What is selected and how many people it reaches: exact when the API's filter count can express the union (see
 * audienceCountPlan), else "up to" the sum of the lists' and segments' sizes.
 */
function AudienceSummary({ lists, segments }: { lists: TContactList[]; segments: TSegment[] }) {
  const t = useTranslations("campaignWizard.audience");
  const format = useFormatter();
  const { org } = useSession();
  const plan = audienceCountPlan(
    lists.map((l) => l.id),
    segments,
  );
  const terms = useQueries({
    queries: (plan.exact ? plan.terms : []).map((filter) => ({
      queryKey: ["audience-count", org.id, filter],
      queryFn: () => api<{ count: number }>(`/orgs/${org.id}/segments/count`, { method: "POST", body: { filter } }),
    })),
  });
  const segmentCounts = useQueries({
    queries: (plan.exact ? [] : segments).map((s) => ({
      queryKey: ["segment-count", org.id, s.id],
      queryFn: () => api<{ count: number }>(`/orgs/${org.id}/segments/${s.id}/count`),
    })),
  });
  const parts = plan.exact ? terms : segmentCounts;
  const ready = parts.every((q) => q.data !== undefined);
  const sum = parts.reduce((a, q) => a + (q.data?.count ?? 0), 0);
  const count = plan.exact ? sum : sum + lists.reduce((a, l) => a + l.memberCount, 0);
  return (
    <p className="text-muted-foreground text-sm" aria-live="polite" data-testid="audience-summary">
      {t("selected", { lists: lists.length, segments: segments.length })}{" "}
      {parts.some((q) => q.error)
        ? t("reachUnknown")
        : !ready
          ? t("counting")
          : t(plan.exact ? "reachExact" : "reachUpTo", { count, n: format.number(count) })}
    </p>
  );
}
