import { z } from "zod";
import { ZTimestamp, ZUuid } from "./common.ts";
import { ZCampaignStatus } from "./enums.ts";

/** Campaigns: what is sent (a template), to whom (lists and segments, snapshotted at start), from which numbers,
 * when (windows, quiet hours, holidays) and how fast (pacing, caps, warm-up). Times of day are "HH:mm". */

const ZTimeOfDay = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$/, "HH:mm");

/** A send window: on these ISO weekdays (1 = Monday … 7 = Sunday), from `start` to `end` in the campaign's zone. */
export const ZSendWindow = z.strictObject({
  days: z.array(z.number().int().min(1).max(7)).min(1).max(7),
  start: ZTimeOfDay,
  end: ZTimeOfDay,
});
export type TSendWindow = z.infer<typeof ZSendWindow>;

/** Windows in the campaign's time zone; none means "any time" (quiet hours and holidays still apply). */
export const ZCampaignSchedule = z.strictObject({ windows: z.array(ZSendWindow).max(50).default([]) });
export type TCampaignSchedule = z.infer<typeof ZCampaignSchedule>;

/** Never send between `start` and `end` of the recipient's local time (crossing midnight allowed: 21:00–08:00). */
export const ZQuietHours = z.strictObject({ start: ZTimeOfDay, end: ZTimeOfDay });
export type TQuietHours = z.infer<typeof ZQuietHours>;

const ZRange = (max: number) =>
  z
    .strictObject({ min: z.number().int().min(0).max(max), max: z.number().int().min(0).max(max) })
    .refine((r) => r.max >= r.min, "max must be at least min");

/**
 * How one number paces its sends: a random gap between consecutive messages (ms, drawn from [min, max], never a
 * fixed interval), a longer break after every `breakEvery` sends (drawn), and "typing…" proportional to the text.
 */
export const ZPacing = z.strictObject({
  gapMs: ZRange(3_600_000).default({ min: 20_000, max: 90_000 }),
  breakEvery: ZRange(10_000).default({ min: 15, max: 30 }),
  breakMs: ZRange(24 * 3_600_000).default({ min: 180_000, max: 600_000 }),
  typingMsPerChar: z.number().int().min(0).max(500).default(35),
  typingMs: ZRange(20_000).default({ min: 1_000, max: 8_000 }),
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
  perHour: z.number().int().min(1).max(100_000).default(40),
  perDay: z.number().int().min(1).max(1_000_000).default(250),
  warmup: z.boolean().default(true),
});
export type TCaps = z.infer<typeof ZCaps>;

/** Lists and segments; a person in several counts once. Fixed once the campaign starts (snapshot). */
export const ZCampaignAudience = z.strictObject({
  listIds: z.array(ZUuid).max(50).default([]),
  segmentIds: z.array(ZUuid).max(50).default([]),
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
    id: ZUuid,
    name: z.string(),
    description: z.string().nullable(),
    status: ZCampaignStatus,
    /** Why it is paused, cancelled or completed (`no_healthy_sender`, `error_threshold`, `ended`, `user`…). */
    statusReason: z.string().nullable(),
    templateId: ZUuid.nullable(),
    audience: z.object({ listIds: z.array(ZUuid), segmentIds: z.array(ZUuid) }),
    senderIds: z.array(ZUuid),
    timezone: z.string(),
    startsAt: ZTimestamp.nullable(),
    endsAt: ZTimestamp.nullable(),
    schedule: ZCampaignSchedule,
    quietHours: ZQuietHours.nullable(),
    skipHolidays: z.boolean(),
    pacing: ZPacing,
    caps: ZCaps,
    stopOnReply: z.boolean(),
    errorThreshold: z.number().int(),
    startedAt: ZTimestamp.nullable(),
    finishedAt: ZTimestamp.nullable(),
    createdAt: ZTimestamp,
    updatedAt: ZTimestamp,
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
  .object({ items: z.array(ZCampaign) })
  .meta({ id: "CampaignList", example: { items: [(ZCampaign.meta() as { example: unknown }).example] } });

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
    /** True: the stored plan of a started campaign; false: not started yet, so computed now and not stored. */
    planned: z.boolean(),
    total: z.number().int(),
    items: z.array(
      z.object({
        contactId: ZUuid.nullable(),
        /** The contact's name, so a person reads as who they are, not a bare number; null when it has none. */
        contactName: z.string().nullable(),
        phone: z.string(),
        instanceId: ZUuid,
        text: z.string(),
        variant: z.number().int(),
        /**
         * When it is expected to go: its number's sends paced one at a time at the profile's average typing and gap
         * (numbers in parallel), caps, windows, quiet hours and holidays applied (an estimate: the live pacing draws
         * around it); null when its window never opens.
         */
        at: ZTimestamp.nullable(),
        /**
         * Why it cannot go at once: `cap` (its number is at this campaign's caps), `warmup` (only the warm-up's lower
         * caps for a recently paired number hold it), `outside_window`, `quiet_hours`,
         * `holiday`; why it will never go (`at` null): `window_never_opens`, `blacklisted`, `opted_out` (skipped when
         * its turn comes); null when nothing holds it.
         */
        blockedReason: z.string().nullable(),
      }),
    ),
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
    items: z.array(
      z.object({
        instanceId: ZUuid,
        sentLastHour: z.number().int(),
        sentLastDay: z.number().int(),
        perHour: z.number().int(),
        perDay: z.number().int(),
        /** Days since the number was paired while the warm-up curve applies to it; null = fully warmed up. */
        warmupDay: z.number().int().nullable(),
        remainingThisHour: z.number().int(),
        remainingToday: z.number().int(),
      }),
    ),
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
    startable: z.boolean(),
    refusals: z.array(z.object({ code: ZStartRefusal, message: z.string() })),
  })
  .meta({
    id: "CampaignStartCheck",
    example: {
      startable: false,
      refusals: [{ code: "no_connected_sender", message: "none of the campaign's numbers is connected" }],
    },
  });
export type TStartCheck = z.infer<typeof ZStartCheck>;
