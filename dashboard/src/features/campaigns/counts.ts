import type { TCampaignStats } from "./queries";

type Counts = TCampaignStats["counts"];

/**
 * The live view's tiles, in order. The API counts each message once, in its current state; the tiles read as a
 * funnel instead, as everywhere else in the dashboard (the overview's figures, the numbers' "Sent" column, the
 * header's "n sent"): Sent is every message that reached WhatsApp, delivered and read ones included; Delivered
 * includes read ones. The others are the current state (replied: messages someone answered).
 */
export const COUNTED = [
  "queued",
  "sending",
  "sent",
  "delivered",
  "read",
  "replied",
  "failed",
  "skipped",
  "cancelled",
  "unknown",
] as const;

/** Messages that reached WhatsApp: sent, delivered or read now. */
export const reachedCount = (c: Counts): number => c.sent + c.delivered + c.read;

/** The tiles' figures (see COUNTED). */
export function tileCounts(c: Counts): Record<(typeof COUNTED)[number], number> {
  return { ...c, sent: reachedCount(c), delivered: c.delivered + c.read, read: c.read };
}
