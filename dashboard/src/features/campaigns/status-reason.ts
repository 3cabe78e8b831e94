import type { TCampaignStatus } from "@mirage/contracts/enums";
import type { TCampaignStats } from "./queries";

export type ReasonCounts = Pick<
  TCampaignStats["counts"],
  "sent" | "delivered" | "read" | "skipped" | "failed" | "cancelled"
>;

/**
 * What a campaign's statusReason means, as a message key and its values (unknown reasons as the API gave them):
 * `user` / `user: <note>` (a member paused or cancelled it: said with the campaign's status), `no_healthy_sender`,
 * `error_threshold`, `ended`, `waiting_for_sender`, `template_missing`, and `done`, which says how it ended when the
 * counts are known: all reached, or so many reached and so many skipped or failed.
 */
export function statusReasonMessage(
  reason: string | null,
  status: TCampaignStatus,
  counts?: ReasonCounts,
): { key: string; values?: Record<string, string | number> } | { raw: string } | null {
  if (!reason) return null;
  const by = status === "cancelled" ? "cancelledBy" : "pausedBy";
  if (reason.startsWith("user: ")) return { key: `${by}WithNote`, values: { note: reason.slice(6) } };
  if (reason === "user") return { key: by };
  if (reason === "done") {
    if (!counts) return { key: "done" };
    const reached = counts.sent + counts.delivered + counts.read;
    const missed = counts.skipped + counts.failed + counts.cancelled;
    return missed === 0
      ? { key: "doneAll", values: { reached } }
      : { key: "doneSome", values: { reached, skipped: counts.skipped, failed: counts.failed + counts.cancelled } };
  }
  const known = ["no_healthy_sender", "error_threshold", "ended", "waiting_for_sender", "template_missing"];
  return known.includes(reason) ? { key: reason } : { raw: reason };
}
