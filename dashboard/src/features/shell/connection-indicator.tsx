"use client";

import { useTranslations } from "next-intl";
import { useConnectionState } from "@/lib/realtime";
import { cn } from "@/lib/utils";

/** Says whether what is on screen is live: "Live", "Connecting…", or "Reconnecting…" after a drop (announced). */
export function ConnectionIndicator() {
  const t = useTranslations("shell");
  const state = useConnectionState();
  return (
    <output
      aria-live="polite"
      data-connection={state}
      className="flex items-center gap-2 rounded-full border px-2.5 py-1 text-xs"
    >
      <span
        aria-hidden
        className={cn(
          "size-2 rounded-full",
          state === "live"
            ? "bg-success"
            : state === "reconnecting"
              ? "animate-pulse bg-warning"
              : "bg-muted-foreground",
        )}
      />
      {state === "live" ? t("live") : state === "reconnecting" ? t("reconnecting") : t("connecting")}
    </output>
  );
}
