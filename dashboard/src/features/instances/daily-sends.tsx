"use client";

import type { TInstanceDailySends } from "@mirage/contracts/instances";
import { useFormatter, useTranslations } from "next-intl";
import { cn } from "@/lib/utils";

/**
 * Today's sends against the daily cap: "37 of 45" with a bar that turns amber from 80 % and red at the cap, and the
 * warm-up day while the warm-up curve sets the cap. The API counts the engine's 24-hour window.
 */
export function DailySends({ sends, className }: { sends: TInstanceDailySends; className?: string }) {
  const t = useTranslations("instances");
  const format = useFormatter();
  const sent = format.number(sends.sent);
  const ratio = sends.cap ? Math.min(1, sends.sent / sends.cap) : 0;
  return (
    <div
      className={cn("min-w-0", className)}
      data-testid="daily-sends"
      data-sent={sends.sent}
      data-cap={sends.cap ?? ""}
    >
      <span className="tabular-nums">
        {sends.cap === null ? t("noCap", { sent }) : t("sentOfCap", { sent, cap: format.number(sends.cap) })}
      </span>
      {/* The text says it; the bar repeats it for the eye. */}
      {sends.cap !== null && (
        <div className="mt-1 h-1.5 overflow-hidden rounded-full bg-muted" aria-hidden>
          <div
            className={cn(
              "h-full rounded-full bg-primary",
              ratio >= 1 ? "bg-destructive" : ratio >= 0.8 && "bg-warning",
            )}
            style={{ width: `${ratio * 100}%` }}
          />
        </div>
      )}
      {sends.warmupDay !== null && (
        <p className="truncate text-muted-foreground text-xs">{t("warmup", { day: sends.warmupDay + 1 })}</p>
      )}
    </div>
  );
}
