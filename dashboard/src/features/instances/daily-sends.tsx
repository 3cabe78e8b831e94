"use client";

import type { TInstanceDailySends } from "@mirage/contracts/instances";
import { useFormatter, useTranslations } from "next-intl";
import { cn } from "@/lib/utils";

/**
 * Today's sends against the number's own daily cap: "37 of 45" with a bar that turns amber from 80 % and red at the
 * cap; while the number warms up, the warm-up day and the curve's cap, which only campaigns that warm up apply (a
 * campaign without warm-up may send past it, so it is not shown as the number's cap). The API counts the engine's
 * 24-hour window.
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
        {sends.cap !== null
          ? t("sentOfCap", { sent, cap: format.number(sends.cap) })
          : // Warming up: the curve's cap is said on its own line (it binds only campaigns that warm up).
            t(sends.warmupDay !== null ? "sentOnly" : "noCap", { sent })}
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
        <p className="text-muted-foreground text-xs">
          {t("warmup", { day: sends.warmupDay + 1, cap: format.number(sends.warmupCap ?? 0) })}
        </p>
      )}
    </div>
  );
}
