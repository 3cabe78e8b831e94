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

/**
 * When the live view says the next send is (epoch ms), or null for none: the earliest active number's next slot, and
 * for a scheduled campaign never before its start (its plan is made then; until that, the numbers' slots are those of
 * their other sends and read "now").
 */
export function nextSendAt(
  stats: Pick<TCampaignStats, "status" | "senders">,
  startsAt: string | null | undefined,
): number | null {
  if (stats.status !== "running" && stats.status !== "scheduled") return null;
  const slots = stats.senders
    .filter((x) => x.active && x.nextSendAt)
    .map((x) => Date.parse(x.nextSendAt ?? ""))
    .sort((a, b) => a - b);
  const start = stats.status === "scheduled" && startsAt ? Date.parse(startsAt) : null;
  if (start !== null) return Math.max(start, slots[0] ?? start);
  return slots[0] ?? null;
}

/**
 * What a campaign's row in the list says under its name: a draft when it was edited, a scheduled campaign when it
 * starts (it has no plan yet, so its progress read "0 of 0 done"), any other its progress.
 */
export function campaignRowLine(c: { status: string; startsAt: string | null }): "draft" | "startsAt" | "progress" {
  if (c.status === "draft") return "draft";
  if (c.status === "scheduled" && c.startsAt) return "startsAt";
  return "progress";
}
