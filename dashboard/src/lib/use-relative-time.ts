"use client";

import { useFormatter, useNow } from "next-intl";

/**
 * "3 minutes ago" / "in 20 seconds", measured from a clock that ticks (every `updateIntervalMs`, default 10 s).
 * next-intl's `relativeTime(date)` without a `now` measures from the instant the page was rendered: a page left
 * open showed "in 11 seconds" for what had happened since, and never moved. Every relative time goes through this.
 */
export function useRelativeTime(updateIntervalMs = 10_000): (date: Date | string | number) => string {
  const format = useFormatter();
  const now = useNow({ updateInterval: updateIntervalMs });
  return (date) => format.relativeTime(new Date(date), now);
}
