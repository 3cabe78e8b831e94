/** The calendar day (yyyy-MM-dd) it is at `now` in `zone` (IANA), UTC's when the zone is unknown. */
export function todayIn(zone: string, now: Date = new Date()): string {
  const format = (timeZone: string) =>
    new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
  try {
    return format(zone);
  } catch {
    return format("UTC");
  }
}

/** The holidays the card lists: from `today` to the end of next year (the seeding's years). */
export function upcomingRange(today: string): { from: string; to: string } {
  return { from: today, to: `${Number(today.slice(0, 4)) + 1}-12-31` };
}

/** The years national holidays can be added for: this one and the next. */
export function seedYears(today: string): number[] {
  const year = Number(today.slice(0, 4));
  return [year, year + 1];
}

/** A calendar day as a Date at noon UTC, to format with `timeZone: "UTC"` (the day never shifts). */
export const dayDate = (day: string): Date => new Date(`${day}T12:00:00Z`);
