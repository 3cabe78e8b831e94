/**
 * A next send as a person reads it in the terminal: in the campaign's time zone, named, since the machine's own zone
 * may be another (a server in UTC printed "11:00:00 AM" for São Paulo's 08:00); the time of day when it is within
 * 12 hours, else with its date (a campaign in quiet hours or waiting for another weekday would read as today).
 * `iso`: an ISO 8601 instant, or nothing ("—"); `timeZone`: an IANA zone, or undefined for the machine's.
 */
export function nextSendTime(iso: unknown, timeZone?: string, now = Date.now()): string {
  if (!iso) return "—";
  const at = new Date(String(iso));
  if (Number.isNaN(at.getTime())) return "—";
  const soon = at.getTime() - now < 12 * 3_600_000;
  const format = (zone: string | undefined) =>
    new Intl.DateTimeFormat("en-US", {
      ...(zone ? { timeZone: zone } : {}),
      ...(soon ? { timeStyle: "medium" } : { dateStyle: "medium", timeStyle: "medium" }),
    }).format(at);
  try {
    return timeZone ? `${format(timeZone)} (${timeZone.replace(/_/g, " ")})` : format(undefined);
  } catch {
    // A zone this Node does not know: the machine's, as before.
    return format(undefined);
  }
}
