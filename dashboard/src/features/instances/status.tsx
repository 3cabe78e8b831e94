"use client";

import type { TInstanceStatus } from "@mirage/contracts/enums";
import { useTranslations } from "next-intl";
import { Badge } from "@/components/ui/badge";
import { reasonKey } from "./reason-key";

type Tone = "success" | "warning" | "destructive" | "secondary";
const TONE: Record<TInstanceStatus, Tone> = {
  connected: "success",
  connecting: "secondary",
  pending_pairing: "secondary",
  pairing_expired: "warning",
  degraded: "warning",
  restricted: "warning",
  stopped: "secondary",
  logged_out: "destructive",
  banned: "destructive",
  failed: "destructive",
};

/** Statuses an admin must act on, worst first (the health board's order). */
export const ATTENTION_ORDER: TInstanceStatus[] = [
  "banned",
  "restricted",
  "logged_out",
  "failed",
  "degraded",
  "pairing_expired",
];

export function StatusBadge({ status }: { status: TInstanceStatus }) {
  const t = useTranslations("status");
  return (
    <Badge variant={TONE[status]} data-status={status}>
      {t(status)}
    </Badge>
  );
}

/** Statuses in which a health score describes the live connection; otherwise the last score would mislead. */
const SCORED = new Set<TInstanceStatus>(["connected", "degraded", "restricted"]);

export function HealthScore({ score, status }: { score: number | null; status: TInstanceStatus }) {
  const t = useTranslations("instances");
  if (score === null || !SCORED.has(status)) return <span className="text-muted-foreground">—</span>;
  const tone = score >= 80 ? "text-success" : score >= 50 ? "text-warning" : "text-destructive";
  return (
    <span className={`font-medium tabular-nums ${tone}`} title={t("healthTitle")}>
      {score}
    </span>
  );
}

/** A machine-readable reason (health or status) in words when the catalogue knows it, else as the API gave it. */
export function useReasonText(): (reason: string) => string {
  const t = useTranslations("reasons");
  return (reason) => {
    const { key, values } = reasonKey(reason);
    return t.has(key as "banned") ? t(key as "banned", values) : reason;
  };
}
