"use client";

import type { TCampaignStatus } from "@mirage/contracts/enums";
import { useTranslations } from "next-intl";
import { Badge } from "@/components/ui/badge";
import { type ReasonCounts, statusReasonMessage } from "./status-reason";

const VARIANT = {
  draft: "outline",
  scheduled: "secondary",
  running: "success",
  paused: "warning",
  completed: "secondary",
  cancelled: "destructive",
} as const;

export function CampaignStatusBadge({ status }: { status: TCampaignStatus }) {
  const t = useTranslations("campaigns.status");
  return (
    <Badge variant={VARIANT[status]} data-testid="campaign-status" data-status={status}>
      {t(status)}
    </Badge>
  );
}

/** A campaign's statusReason in words (see statusReasonMessage); give the counts to say how a finished one ended. */
export function useStatusReason() {
  const t = useTranslations("campaigns.reason");
  return (reason: string | null, status: TCampaignStatus, counts?: ReasonCounts): string | null => {
    const m = statusReasonMessage(reason, status, counts);
    if (!m) return null;
    return "raw" in m ? m.raw : t(m.key as "done", m.values as never);
  };
}

/** An accessible progress bar (value 0–100). */
export function ProgressBar({ value, label }: { value: number; label: string }) {
  const v = Math.max(0, Math.min(100, value));
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(v)}
      className="h-2 w-full overflow-hidden rounded-full bg-muted"
    >
      <div className="h-full rounded-full bg-primary transition-[width]" style={{ width: `${v}%` }} />
    </div>
  );
}

/** Messages no longer waiting (everything but queued and sending), for progress. */
export function doneCount(counts: Record<string, number>): number {
  const open = (counts.queued ?? 0) + (counts.sending ?? 0);
  const all = ["queued", "sending", "sent", "delivered", "read", "failed", "skipped", "unknown", "cancelled"].reduce(
    (a, k) => a + (counts[k] ?? 0),
    0,
  );
  return all - open;
}
