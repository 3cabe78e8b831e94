import { z } from "zod";
import { ZTimestamp, ZUuid } from "./common.ts";

/**
 * Starting and controlling a campaign: why a start is refused, the start and pause bodies, the dry run ("who would
 * receive what, from which number, when"), the senders' remaining budgets and the start check.
 */

/** Why a campaign cannot start; all that apply are listed. */
export const ZStartRefusal = z.enum([
  "empty_audience",
  "no_template",
  "unknown_variable",
  "no_sender",
  "no_connected_sender",
  "window_never_opens",
  "ends_before_start",
  "already_ended",
]);

export const ZStartCampaignRequest = z
  .strictObject({
    now: z
      .boolean()
      .default(false)
      .describe("true: start now even if `startsAt` is later; default false (a later `startsAt` schedules it)."),
  })
  .default({ now: false });

export const ZPauseCampaignRequest = z
  .strictObject({
    reason: z
      .string()
      .max(200)
      .optional()
      .describe(
        "Why, in words (up to 200 characters): kept in the audit log, and on pause and cancel in the campaign's " +
          "statusReason as `user: <reason>`.",
      ),
  })
  .default({});

export const ZDryRunRequest = z
  .strictObject({
    count: z
      .number()
      .int()
      .min(1)
      .max(200)
      .default(20)
      .describe("How many of the next sends to show (1–200, default 20)."),
  })
  .default({ count: 20 });

export const ZDryRun = z
  .object({
    planned: z
      .boolean()
      .describe("True: the stored plan of a started campaign; false: not started yet, so computed now and not stored."),
    total: z.number().int().describe("The campaign's messages, one per recipient."),
    items: z
      .array(
        z.object({
          contactId: ZUuid.nullable().describe("The recipient's contact; null: not a contact."),
          contactName: z.string().nullable().describe("The contact's name; null when it has none."),
          phone: z.string().describe("The recipient's number (E.164)."),
          instanceId: ZUuid.describe("The instance it would go from."),
          text: z.string().describe("The text as rendered for the recipient."),
          variant: z.number().int().describe("The template wording it got (0: the body, 1…: the variations)."),
          at: ZTimestamp.nullable().describe(
            "When it is expected to go (an estimate: caps, windows, quiet hours, holidays and average pacing " +
              "applied), ISO 8601 with offset; null when it will never go.",
          ),
          blockedReason: z
            .string()
            .nullable()
            .describe(
              "What holds it: `cap`, `warmup`, `outside_window`, `quiet_hours`, `holiday`; what stops it (`at` null): " +
                "`window_never_opens`, `blacklisted`, `opted_out`; null when nothing holds it.",
            ),
        }),
      )
      .describe("The next `count` queued sends, by planned time."),
  })
  .meta({
    id: "CampaignDryRun",
    example: {
      planned: false,
      total: 1300,
      items: [
        {
          contactId: "6f7a8b9c-0d1e-4f2a-8b3c-4d5e6f7a8b9c",
          contactName: "Ana Souza",
          phone: "+5511987654321",
          instanceId: "4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f7a",
          text: "Oi Ana, novidade em Recife!",
          variant: 0,
          at: "2026-11-30T12:00:00.000Z",
          blockedReason: "outside_window",
        },
      ],
    },
  });

/** Caps to evaluate the budget against (the campaign's); omitted fields take the campaign defaults. */
export const ZSenderBudgetQuery = z.strictObject({
  perHour: z.coerce.number().int().min(1).max(100_000).optional(),
  perDay: z.coerce.number().int().min(1).max(1_000_000).optional(),
  warmup: z.enum(["true", "false"]).optional(),
});

/**
 * What each number of the organization may still send under the given caps: what it sent in the last rolling hour
 * and 24 hours (every campaign and direct sends), the caps that apply to it now (the campaign's, its own, warm-up),
 * and what is left of each.
 */
export const ZSenderBudgets = z
  .object({
    items: z
      .array(
        z.object({
          instanceId: ZUuid.describe("The instance (number)."),
          sentLastHour: z.number().int().describe("Messages it began sending in the last rolling hour."),
          sentLastDay: z.number().int().describe("Messages it began sending in the last rolling 24 hours."),
          perHour: z.number().int().describe("The hourly cap that applies to it now (the lowest of the caps)."),
          perDay: z.number().int().describe("The daily cap that applies to it now (the lowest of the caps)."),
          warmupDay: z
            .number()
            .int()
            .nullable()
            .describe("Days since the number was paired while the warm-up curve applies to it; null: warmed up."),
          remainingThisHour: z.number().int().describe("What is left of the hourly cap (never below 0)."),
          remainingToday: z.number().int().describe("What is left of the daily cap (never below 0)."),
        }),
      )
      .describe("One entry per instance of the organization."),
  })
  .meta({
    id: "SenderBudgets",
    example: {
      items: [
        {
          instanceId: "4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f7a",
          sentLastHour: 12,
          sentLastDay: 96,
          perHour: 40,
          perDay: 250,
          warmupDay: null,
          remainingThisHour: 28,
          remainingToday: 154,
        },
      ],
    },
  });
export type TSenderBudgets = z.infer<typeof ZSenderBudgets>;

/** Whether `POST …/start` would accept the campaign now, with every reason it would give if not. */
export const ZStartCheck = z
  .object({
    startable: z.boolean().describe("Whether POST …/start would accept the campaign now."),
    refusals: z
      .array(
        z.object({
          code: ZStartRefusal.describe("Why it cannot start, as a code."),
          message: z.string().describe("The reason in English."),
        }),
      )
      .describe("Every reason it cannot start; empty when it can."),
  })
  .meta({
    id: "CampaignStartCheck",
    example: {
      startable: false,
      refusals: [{ code: "no_connected_sender", message: "none of the campaign's numbers is connected" }],
    },
  });
export type TStartCheck = z.infer<typeof ZStartCheck>;
