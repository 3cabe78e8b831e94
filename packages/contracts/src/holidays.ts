import { z } from "zod";
import { CREATED_AT, ZTimestamp, ZUuid } from "./common.ts";

/**
 * The organization's holiday calendar: days on which campaigns that skip holidays send nothing to recipients of
 * that country (or of any country, when the day has none). Seeded with national public holidays (date-holidays),
 * the organization's country by default, Brazil when it has none; users add and remove days.
 */

const ZDay = z.iso.date();
const ZCountry = z.string().regex(/^[A-Z]{2}$/, "ISO 3166-1 alpha-2, upper case");

export const ZHoliday = z
  .object({
    id: ZUuid.describe("The holiday's id."),
    day: ZDay.describe("The calendar day (yyyy-MM-dd), taken in each recipient's own time zone."),
    name: z.string().describe("What the day is, e.g. a holiday's name."),
    countryCode: ZCountry.nullable().describe(
      "The ISO 3166-1 alpha-2 country whose recipients it applies to; null: every country.",
    ),
    createdAt: ZTimestamp.describe(CREATED_AT),
  })
  .meta({
    id: "Holiday",
    example: {
      id: "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d",
      day: "2026-12-25",
      name: "Natal",
      countryCode: "BR",
      createdAt: "2026-11-30T12:00:00.000Z",
    },
  });
export type THoliday = z.infer<typeof ZHoliday>;

export const ZHolidayList = z
  .object({ items: z.array(ZHoliday).describe("The days in the asked range, oldest first.") })
  .meta({ id: "HolidayList", example: { items: [ZHoliday.meta()?.example] } });

/** Days from `from` to `to` (inclusive; default: this calendar year), optionally of one country (and every country). */
export const ZHolidayListQuery = z.strictObject({
  from: ZDay.optional(),
  to: ZDay.optional(),
  country: ZCountry.optional(),
});

export const ZCreateHolidayRequest = z
  .strictObject({
    day: ZDay.describe("The calendar day (yyyy-MM-dd), taken in each recipient's own time zone."),
    name: z.string().trim().min(1).max(200).describe("What the day is (1–200 characters), e.g. a holiday's name."),
    countryCode: ZCountry.nullable()
      .optional()
      .describe(
        "The ISO 3166-1 alpha-2 country (upper case) whose recipients it applies to; null or absent: every country.",
      ),
  })
  .meta({
    id: "CreateHolidayRequest",
    example: { day: "2026-11-27", name: "Aniversário da empresa", countryCode: "BR" },
  });

export const ZSeedHolidaysRequest = z
  .strictObject({
    country: ZCountry.optional().describe(
      "The ISO 3166-1 alpha-2 country (upper case) whose national public holidays are added; absent: the " +
        "organization's default country, Brazil when it has none.",
    ),
    years: z
      .array(z.number().int().min(2000).max(2100))
      .min(1)
      .max(5)
      .optional()
      .describe("1–5 years (2000–2100) to add; absent: this year and the next (UTC)."),
  })
  .default({})
  .meta({ id: "SeedHolidaysRequest", example: { country: "BR", years: [2026, 2027] } });

export const ZSeedHolidaysResult = z
  .object({
    country: ZCountry.describe("The ISO 3166-1 alpha-2 country whose public holidays were added."),
    years: z.array(z.number().int()).describe("The years added."),
    added: z
      .number()
      .int()
      .describe("Days added (days already in the calendar, added or kept by a user, stay as they are)."),
  })
  .meta({ id: "SeedHolidaysResult", example: { country: "BR", years: [2026, 2027], added: 24 } });

export const ZHolidayParams = z.strictObject({ orgId: ZUuid, holidayId: ZUuid });
