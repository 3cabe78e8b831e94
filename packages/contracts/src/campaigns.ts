import { z } from "zod";
import { CREATED_AT, UPDATED_AT, ZTimestamp, ZUuid } from "./common.ts";
import { ZCampaignStatus } from "./enums.ts";

/** Campaigns: what is sent (a template), to whom (lists and segments, snapshotted at start), from which numbers,
 * when (windows, quiet hours, holidays) and how fast (pacing, caps, warm-up). Times of day are "HH:mm". */

const ZTimeOfDay = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$/, "HH:mm");

/** A send window: on these ISO weekdays (1 = Monday … 7 = Sunday), from `start` to `end` in the campaign's zone. */
export const ZSendWindow = z.strictObject({
  days: z.array(z.number().int().min(1).max(7)).min(1).max(7).describe("ISO weekdays (1 = Monday … 7 = Sunday)."),
  start: ZTimeOfDay.describe('When the window opens ("HH:mm", campaign time zone).'),
  end: ZTimeOfDay.describe('When it closes ("HH:mm", campaign time zone; "24:00": midnight).'),
});
export type TSendWindow = z.infer<typeof ZSendWindow>;

/** Windows in the campaign's time zone; none means "any time" (quiet hours and holidays still apply). */
export const ZCampaignSchedule = z.strictObject({
  windows: z.array(ZSendWindow).max(50).default([]).describe("Up to 50 send windows; none: any time."),
});
export type TCampaignSchedule = z.infer<typeof ZCampaignSchedule>;

/** Never send between `start` and `end` of the recipient's local time (crossing midnight allowed: 21:00–08:00). */
export const ZQuietHours = z.strictObject({
  start: ZTimeOfDay.describe('Start of the quiet time ("HH:mm", recipient\'s local time).'),
  end: ZTimeOfDay.describe('End of the quiet time ("HH:mm", recipient\'s local time).'),
});
export type TQuietHours = z.infer<typeof ZQuietHours>;

const ZRange = (max: number) =>
  z
    .strictObject({
      min: z.number().int().min(0).max(max).describe("The smallest value drawn."),
      max: z.number().int().min(0).max(max).describe("The largest value drawn (at least `min`)."),
    })
    .refine((r) => r.max >= r.min, "max must be at least min");

/**
 * How one number paces its sends: a random gap between consecutive messages (ms, drawn from [min, max], never a
 * fixed interval), a longer break after every `breakEvery` sends (drawn), and "typing…" proportional to the text.
 */
export const ZPacing = z.strictObject({
  gapMs: ZRange(3_600_000)
    .default({ min: 20_000, max: 90_000 })
    .describe("Milliseconds between consecutive messages of a number."),
  breakEvery: ZRange(10_000).default({ min: 15, max: 30 }).describe("Sends between breaks (0: no breaks)."),
  breakMs: ZRange(24 * 3_600_000)
    .default({ min: 180_000, max: 600_000 })
    .describe("Milliseconds of each break."),
  typingMsPerChar: z
    .number()
    .int()
    .min(0)
    .max(500)
    .default(35)
    .describe('"typing…" shown per character of the text, in milliseconds (0: none).'),
  typingMs: ZRange(20_000)
    .default({ min: 1_000, max: 8_000 })
    .describe('Bounds of the "typing…" time, in milliseconds.'),
});
export type TPacing = z.infer<typeof ZPacing>;

/**
 * The fastest pacing the schema accepts: no gap, no break, no "typing…" (the caps still apply). What throughput
 * tests and benchmarks run, and a user may choose it.
 */
export const PACING_NO_GAPS: TPacing = {
  gapMs: { min: 0, max: 0 },
  breakEvery: { min: 0, max: 0 },
  breakMs: { min: 0, max: 0 },
  typingMsPerChar: 0,
  typingMs: { min: 0, max: 0 },
};

/** Per number: messages per rolling hour and day; with `warmup`, numbers paired recently get a lower ramping cap. */
export const ZCaps = z.strictObject({
  perHour: z.number().int().min(1).max(100_000).default(40).describe("Messages per number per rolling hour."),
  perDay: z.number().int().min(1).max(1_000_000).default(250).describe("Messages per number per rolling 24 hours."),
  warmup: z.boolean().default(true).describe("Whether recently paired numbers get the warm-up's lower caps."),
});
export type TCaps = z.infer<typeof ZCaps>;

const LIST_IDS = "The lists it goes to (up to 50).";
const SEGMENT_IDS = "The segments it goes to (up to 50).";
/** Lists and segments; a person in several counts once. Fixed once the campaign starts (snapshot). */
export const ZCampaignAudience = z.strictObject({
  listIds: z.array(ZUuid).max(50).default([]).describe(LIST_IDS),
  segmentIds: z.array(ZUuid).max(50).default([]).describe(SEGMENT_IDS),
});

/**
 * The campaign's settings, as created (absent: the default each one names) and as edited (absent: unchanged; once
 * started, `templateId`, `audience`, `senderIds` and `startsAt` cannot change).
 */
const campaignFields = {
  name: z.string().trim().min(1).max(200).describe("The campaign's name (1–200 characters)."),
  description: z
    .string()
    .max(2000)
    .nullable()
    .optional()
    .describe("What the campaign is for (up to 2,000 characters); null: none."),
  templateId: ZUuid.nullable()
    .optional()
    .describe("The template it sends, frozen when it starts (a campaign without one cannot start); null: none."),
  audience: ZCampaignAudience.optional().describe(
    "The lists and segments it goes to (a person in several counts once), evaluated when it starts; absent on " +
      "creation: none.",
  ),
  senderIds: z
    .array(ZUuid)
    .max(200)
    .optional()
    .describe(
      "The organization's instances it sends from (up to 200), replacing the sender pool; absent on creation: none.",
    ),
  timezone: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .describe(
      "IANA time zone of the send windows (`schedule`), an unknown one being a 400; absent on creation: the " +
        "organization's time zone.",
    ),
  startsAt: ZTimestamp.nullable()
    .optional()
    .describe(
      "Not before this instant: a campaign started earlier is scheduled until then; null or absent: it sends as soon " +
        "as it is started.",
    ),
  endsAt: ZTimestamp.nullable()
    .optional()
    .describe(
      "At this instant (which must be after `startsAt`) the campaign completes and what is still queued is " +
        "cancelled; null or absent: no end.",
    ),
  schedule: ZCampaignSchedule.optional().describe(
    'Send windows by ISO weekday (1 = Monday … 7 = Sunday) from `start` to `end` ("HH:mm") in the campaign\'s ' +
      "`timezone`; no windows (or absent on creation): any time, quiet hours and holidays still applying.",
  ),
  quietHours: ZQuietHours.nullable()
    .optional()
    .describe(
      'Never send between `start` and `end` ("HH:mm", crossing midnight allowed) of the recipient\'s local time; ' +
        "null or absent on creation: none.",
    ),
  skipHolidays: z
    .boolean()
    .optional()
    .describe(
      "Send nothing on the holidays of the organization's calendar for the recipient's country (or every country); " +
        "absent on creation: true.",
    ),
  pacing: ZPacing.optional().describe(
    "How each number paces its sends, in milliseconds drawn per send from each range: `gapMs` between messages, a " +
      '`breakMs` break every `breakEvery` sends, "typing…" of `typingMsPerChar` a character within `typingMs`; ' +
      "absent on creation (or a part left out): 20–90 s gaps, a 3–10 min break every 15–30 sends, 35 ms a " +
      "character within 1–8 s.",
  ),
  caps: ZCaps.optional().describe(
    "Per number: messages per rolling hour (`perHour`) and 24 hours (`perDay`), every campaign's and direct sends " +
      "counting, and whether recently paired numbers get the lower warm-up caps (`warmup`); absent on creation (or " +
      "a part left out): 40 an hour, 250 a day, warm-up on.",
  ),
  stopOnReply: z
    .boolean()
    .optional()
    .describe("Someone who answered any message of this campaign gets nothing more from it; absent on creation: true."),
  errorThreshold: z
    .number()
    .int()
    .min(0)
    .max(100_000)
    .optional()
    .describe(
      "Pause the campaign after this many failed sends since it last started or resumed (0: never); absent on " +
        "creation: 25.",
    ),
};

export const ZCreateCampaignRequest = z.strictObject(campaignFields).meta({
  id: "CreateCampaignRequest",
  example: {
    name: "Black Friday",
    templateId: "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e",
    audience: { listIds: ["3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f"], segmentIds: [] },
    senderIds: ["4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f7a"],
    timezone: "America/Sao_Paulo",
    schedule: { windows: [{ days: [1, 2, 3, 4, 5], start: "09:00", end: "18:00" }] },
    quietHours: { start: "21:00", end: "08:00" },
  },
});
export const ZUpdateCampaignRequest = z.strictObject({ ...campaignFields, name: campaignFields.name.optional() });

export const ZCampaignParams = z.strictObject({ orgId: ZUuid, campaignId: ZUuid });

export const ZCampaign = z
  .object({
    id: ZUuid.describe("The campaign's id."),
    name: z.string().describe("The campaign's name."),
    description: z.string().nullable().describe("What the campaign is for; null: none."),
    status: ZCampaignStatus.describe("Where the campaign is in its life."),
    statusReason: z
      .string()
      .nullable()
      .describe(
        "Why it is paused, cancelled or completed (`no_healthy_sender`, `error_threshold`, `ended`, `user`…); null: none.",
      ),
    templateId: ZUuid.nullable().describe("The template it sends; null: none yet."),
    audience: z
      .object({ listIds: z.array(ZUuid).describe(LIST_IDS), segmentIds: z.array(ZUuid).describe(SEGMENT_IDS) })
      .describe("The lists and segments it goes to (a person in several counts once), fixed when it starts."),
    senderIds: z.array(ZUuid).describe("The instances it sends from (its sender pool)."),
    timezone: z.string().describe("IANA time zone of the send windows."),
    startsAt: ZTimestamp.nullable().describe("Not before this instant (ISO 8601 with offset); null: once started."),
    endsAt: ZTimestamp.nullable().describe(
      "When it completes and what is still queued is cancelled (ISO 8601 with offset); null: no end.",
    ),
    schedule: ZCampaignSchedule.describe("Send windows in the campaign's time zone; none: any time."),
    quietHours: ZQuietHours.nullable().describe("Hours of the recipient's local time it never sends in; null: none."),
    skipHolidays: z.boolean().describe("Whether it sends nothing on the recipient's holidays (organization calendar)."),
    pacing: ZPacing.describe("How each number paces its sends (ranges drawn per send)."),
    caps: ZCaps.describe("Per-number send caps (rolling hour and 24 hours) and warm-up."),
    stopOnReply: z.boolean().describe("Whether someone who answered gets nothing more from it."),
    errorThreshold: z.number().int().describe("Failed sends since the last start or resume that pause it (0: never)."),
    startedAt: ZTimestamp.nullable().describe("When it was (first) started (ISO 8601 with offset); null: never."),
    finishedAt: ZTimestamp.nullable().describe(
      "When it completed or was cancelled (ISO 8601 with offset); null: not finished.",
    ),
    createdAt: ZTimestamp.describe(CREATED_AT),
    updatedAt: ZTimestamp.describe(UPDATED_AT),
  })
  .meta({
    id: "Campaign",
    example: {
      id: "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b",
      name: "Black Friday",
      description: null,
      status: "running",
      statusReason: null,
      templateId: "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e",
      audience: { listIds: ["3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f"], segmentIds: [] },
      senderIds: ["4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f7a"],
      timezone: "America/Sao_Paulo",
      startsAt: null,
      endsAt: "2026-12-01T03:00:00.000Z",
      schedule: { windows: [{ days: [1, 2, 3, 4, 5], start: "09:00", end: "18:00" }] },
      quietHours: { start: "21:00", end: "08:00" },
      skipHolidays: true,
      pacing: {
        gapMs: { min: 20000, max: 90000 },
        breakEvery: { min: 15, max: 30 },
        breakMs: { min: 180000, max: 600000 },
        typingMsPerChar: 35,
        typingMs: { min: 1000, max: 8000 },
      },
      caps: { perHour: 40, perDay: 250, warmup: true },
      stopOnReply: true,
      errorThreshold: 25,
      startedAt: "2026-11-27T12:00:00.000Z",
      finishedAt: null,
      createdAt: "2026-11-26T10:00:00.000Z",
      updatedAt: "2026-11-27T12:00:00.000Z",
    },
  });
export type TCampaign = z.infer<typeof ZCampaign>;

export const ZCampaignList = z
  .object({ items: z.array(ZCampaign).describe("The organization's campaigns.") })
  .meta({ id: "CampaignList", example: { items: [(ZCampaign.meta() as { example: unknown }).example] } });
