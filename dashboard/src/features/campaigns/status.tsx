"use client";

import type { TCampaignStatus } from "@mirage/contracts/enums";
import { useTranslations } from "next-intl";
import { Badge } from "@/components/ui/badge";

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

/** "paused: no number healthy" and friends, in words; unknown reasons as the API gave them. */
export function useStatusReason() {
  const t = useTranslations("campaigns.reason");
  return (reason: string | null): string | null => {
    if (!reason) return null;
    if (reason.startsWith("user: ")) return t("userWithNote", { note: reason.slice(6) });
    const known = ["user", "no_healthy_sender", "error_threshold", "ended", "done", "waiting_for_sender"];
    return known.includes(reason) ? t(reason as "user") : reason;
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
