const S = 1_000;
const M = 60 * S;
const H = 60 * M;
const STEPS = [
  S,
  2 * S,
  5 * S,
  10 * S,
  15 * S,
  30 * S,
  M,
  2 * M,
  5 * M,
  10 * M,
  15 * M,
  30 * M,
  H,
  2 * H,
  3 * H,
  4 * H,
  6 * H,
  12 * H,
  24 * H,
];

export type TickUnit = "second" | "minute" | "hour" | "day";

/**
 * The x-axis ticks of a time chart spanning `min`–`max` (ms): at most `maxTicks`, on round steps (15 s, 5 min,
 * 1 h, …), with the unit their labels need so no two read the same: seconds under a minute, minutes under an hour,
 * hours beyond, the day too beyond a day. A single instant is one tick.
 */
export function timeTicks(min: number, max: number, maxTicks = 6): { ticks: number[]; unit: TickUnit } {
  const span = Math.max(0, max - min);
  const unit: TickUnit = span < M ? "second" : span < H ? "minute" : span <= 24 * H ? "hour" : "day";
  if (span === 0) return { ticks: [min], unit };
  const floor: number = unit === "second" ? S : unit === "minute" ? M : H;
  const count = (s: number) => Math.floor(max / s) - Math.ceil(min / s) + 1;
  const step =
    STEPS.find((s) => s >= floor && count(s) <= maxTicks && count(s) >= 2) ??
    STEPS.find((s) => s >= floor && count(s) <= maxTicks) ??
    Math.ceil(span / maxTicks / (24 * H)) * 24 * H;
  const ticks: number[] = [];
  for (let t = Math.ceil(min / step) * step; t <= max; t += step) ticks.push(t);
  // A span shorter than one step of its unit (e.g. 70 s: minute labels, one whole minute inside) keeps its ends.
  if (ticks.length < 2)
    return { ticks: [min, max], unit: unit === "minute" || unit === "second" ? "second" : "minute" };
  return { ticks, unit };
}

/** Intl options for ticks of `unit` (24-hour style is left to the locale). */
export function tickFormat(unit: TickUnit) {
  switch (unit) {
    case "second":
      return { hour: "2-digit", minute: "2-digit", second: "2-digit" } as const;
    case "minute":
    case "hour":
      return { hour: "2-digit", minute: "2-digit" } as const;
    case "day":
      return { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" } as const;
  }
}
