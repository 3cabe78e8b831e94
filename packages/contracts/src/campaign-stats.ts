import { z } from "zod";
import { ZTimestamp, ZUuid } from "./common.ts";
import { ZCampaignStatus } from "./enums.ts";

/** A running campaign's figures: counts by state, per sender with its next send, skips by reason, sends per hour. */

export const ZStateCounts = z.object({
  queued: z.number().int().describe("Messages waiting to be sent (queued or claimed by a worker)."),
  sending: z.number().int().describe("Messages handed to WhatsApp, not yet acknowledged."),
  sent: z.number().int().describe("Messages WhatsApp accepted (one tick), not yet delivered."),
  delivered: z.number().int().describe("Messages delivered to the phone (two ticks), not yet read."),
  read: z.number().int().describe("Messages read by the recipient."),
  failed: z.number().int().describe("Messages that failed."),
  skipped: z.number().int().describe("Messages not sent for a reason about the recipient (blacklisted, opted out…)."),
  unknown: z.number().int().describe("Messages whose outcome is unknown (the send may or may not have happened)."),
  cancelled: z.number().int().describe("Messages cancelled before sending (campaign cancelled, end date passed…)."),
  replied: z
    .number()
    .int()
    .describe("Messages the recipient replied to (also counted in their state; not part of `total`)."),
});

/**
 * A sender's next send for a campaign (stats and pool). The rules are the first waiting recipient's: another one in a
 * different zone may go earlier or later, and the campaign's caps may hold the number longer (the dry run shows them).
 */
export const ZNextSendAt = ZTimestamp.nullable().describe(
  "when the campaign can next send on this number: the later of its pacing slot and the campaign's earliest " +
    "waiting message there, moved to the campaign's next window (send windows, quiet hours, holidays) for the " +
    "recipient it steps first; null when nothing waits",
);

/**
 * What moves a sender's next send past its pacing slot: `cap` (the number is at the campaign's caps or its own until
 * its window frees one), `warmup` (only the warm-up's lower caps for a recently paired number hold it),
 * `outside_window`, `quiet_hours` or `holiday` (for the recipient it steps first); null when only the pacing decides
 * it, or nothing waits.
 */
export const ZNextSendHeldBy = z
  .enum(["cap", "warmup", "outside_window", "quiet_hours", "holiday"])
  .nullable()
  .describe("why the next send waits past its pacing slot; null when nothing holds it");
export type TNextSendHeldBy = z.infer<typeof ZNextSendHeldBy>;

/** The example's counts: its one number did the whole campaign's work. */
const EXAMPLE_COUNTS = {
  queued: 812,
  sending: 1,
  sent: 40,
  delivered: 120,
  read: 310,
  failed: 2,
  skipped: 14,
  unknown: 0,
  cancelled: 1,
  replied: 37,
};

export const ZCampaignStats = z
  .object({
    campaignId: ZUuid.describe("The campaign's id."),
    status: ZCampaignStatus.describe("The campaign's status."),
    statusReason: z
      .string()
      .nullable()
      .describe("Why it has that status (e.g. why it paused); null: no reason recorded."),
    total: z.number().int().describe("The campaign's messages, one per recipient: the sum of the state counts."),
    counts: ZStateCounts.describe("The campaign's messages by state."),
    skippedByReason: z
      .record(z.string(), z.number().int())
      .describe("Skipped and cancelled messages by reason code (e.g. blacklisted, not_on_whatsapp)."),
    senders: z
      .array(
        z.object({
          instanceId: ZUuid.describe("The sender instance."),
          active: z.boolean().describe("Whether it takes the campaign's work now."),
          reason: z
            .string()
            .nullable()
            .describe("Why it is not active (`removed`, `instance_banned`…); null when active."),
          counts: ZStateCounts.describe("The messages assigned to this sender, by state."),
          nextSendAt: ZNextSendAt,
          nextSendHeldBy: ZNextSendHeldBy,
        }),
      )
      .describe("Each sender of the pool, active or not."),
    sentPerHour: z
      .array(
        z.object({
          hour: ZTimestamp.describe("The start of the hour (ISO 8601 with offset)."),
          sent: z.number().int().describe("Messages that went out in that hour."),
        }),
      )
      .describe("Messages sent per hour over the last 24 hours, oldest first; hours without sends are left out."),
  })
  .meta({
    id: "CampaignStats",
    example: {
      campaignId: "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b",
      status: "running",
      statusReason: null,
      total: 1300,
      counts: EXAMPLE_COUNTS,
      skippedByReason: { blacklisted: 9, not_on_whatsapp: 5, opted_out: 1 },
      senders: [
        {
          instanceId: "4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f7a",
          active: true,
          reason: null,
          counts: EXAMPLE_COUNTS,
          nextSendAt: "2026-11-27T15:04:05.000Z",
          nextSendHeldBy: null,
        },
      ],
      sentPerHour: [{ hour: "2026-11-27T14:00:00.000Z", sent: 38 }],
    },
  });
