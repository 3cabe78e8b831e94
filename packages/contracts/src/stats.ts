import { z } from "zod";
import { ZUuid } from "./common.ts";

/** REST DTOs of the organization's messaging figures (the dashboard's overview). */

export const ZDailyStatsQuery = z.strictObject({
  /** How many days, ending today (in the organization's time zone): 1 to 90. */
  days: z.coerce.number().int().min(1).max(90).default(14),
});
export type TDailyStatsQuery = z.infer<typeof ZDailyStatsQuery>;

export const ZDailyStatsDay = z.object({
  day: z.iso.date().describe("The calendar day in the organization's time zone, `YYYY-MM-DD`."),
  sent: z
    .number()
    .int()
    .describe("Outbound messages WhatsApp accepted that day (server ack, or a later receipt when the ack was missed)."),
  delivered: z.number().int().describe("Outbound messages that reached the person's phone that day."),
  read: z.number().int().describe("Outbound messages the person opened that day (only when they share read receipts)."),
  failed: z.number().int().describe("Outbound messages that failed that day."),
  replied: z
    .number()
    .int()
    .describe("Inbound messages that answered a message sent to the person (campaign or direct) that day."),
  received: z.number().int().describe("Every inbound message received that day."),
});
export type TDailyStatsDay = z.infer<typeof ZDailyStatsDay>;

export const ZDailyStats = z
  .object({
    orgId: ZUuid.describe("The organization."),
    timezone: z.string().describe("The IANA time zone the days are counted in (the organization's)."),
    days: z.array(ZDailyStatsDay).describe("Oldest first, one entry per day, days without activity included (zeros)."),
  })
  .meta({
    id: "DailyStats",
    example: {
      orgId: "0b7e1a52-8d0e-4a57-a1f4-5c2f8e6b9d10",
      timezone: "America/Sao_Paulo",
      days: [
        { day: "2026-11-29", sent: 120, delivered: 114, read: 80, failed: 2, replied: 14, received: 17 },
        { day: "2026-11-30", sent: 96, delivered: 90, read: 61, failed: 0, replied: 9, received: 11 },
      ],
    },
  });
export type TDailyStats = z.infer<typeof ZDailyStats>;
