"use client";

import { useFormatter, useNow } from "next-intl";

/**
 * The instant a relative time is measured from. The clock ticks, so it is up to one tick behind the wall clock:
 * what happened since the last tick (a reply just sent, a status just changed) lies after it and read "in 3 seconds".
 * A date that far ahead at most is measured from itself ("now"); anything further ahead is a real future.
 */
export function relativeTimeReference(date: Date, now: Date, tickMs: number): Date {
  const ahead = date.getTime() - now.getTime();
  return ahead > 0 && ahead <= tickMs ? date : now;
}

/**
 * "3 minutes ago" / "in 20 seconds", measured from a clock that ticks (every `updateIntervalMs`, default 10 s).
 * next-intl's `relativeTime(date)` without a `now` measures from the instant the page was rendered: a page left
 * open showed "in 11 seconds" for what had happened since, and never moved. Every relative time goes through this.
 */
export function useRelativeTime(updateIntervalMs = 10_000): (date: Date | string | number) => string {
  const format = useFormatter();
  const now = useNow({ updateInterval: updateIntervalMs });
  return (date) => {
    const at = new Date(date);
    return format.relativeTime(at, relativeTimeReference(at, now, updateIntervalMs));
  };
}
