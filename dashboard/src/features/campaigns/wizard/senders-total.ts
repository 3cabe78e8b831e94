/**
 * The line under the chosen numbers: how much they can still send today. "1 number can send about 0 messages today"
 * read like a glitch when the numbers were at their daily limit; that case says the messages wait instead.
 */
export function sendersTotalMessage(
  chosen: number,
  remainingToday: number,
): { key: "total" | "totalNone"; values: { count: number; left: number } } {
  return {
    key: chosen > 0 && remainingToday === 0 ? "totalNone" : "total",
    values: { count: chosen, left: remainingToday },
  };
}

/**
 * Why a number offered as a sender takes no messages now, or null when it does. Restricted and degraded numbers are
 * connected (they step aside for their health, as the campaign's failover does): "not connected" misread them.
 */
export function senderWarningKey(status: string): "notConnected" | "restricted" | "degraded" | null {
  if (status === "connected") return null;
  if (status === "restricted" || status === "degraded") return status;
  return "notConnected";
}
