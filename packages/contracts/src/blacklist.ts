import { z } from "zod";
import { CREATED_AT, cursorPageQuery, ZUuid } from "./common.ts";
import { ZBlacklistSource } from "./enums.ts";
import { ZPhoneRejectionCode } from "./imports.ts";

const ZTimestamp = z.iso.datetime({ offset: true });
const ZLid = z
  .string()
  .trim()
  .regex(/^\d{1,20}(@lid)?$/, "a WhatsApp LID: digits, optionally followed by @lid")
  .transform((v) => (v.endsWith("@lid") ? v : `${v}@lid`));

export const ZBlacklistParams = z.strictObject({ orgId: ZUuid, entryId: ZUuid });

export const ZBlacklistEntry = z
  .object({
    id: ZUuid.describe("The entry's id."),
    phone: z
      .string()
      .nullable()
      .describe("The blocked number in E.164 (+5511999990001); null: blocked by LID only, or hashed."),
    waLid: z.string().nullable().describe("The blocked WhatsApp LID (`…@lid`); null: blocked by number only."),
    hashed: z
      .boolean()
      .describe("True for the entry of an erased contact: only a salted hash of the number is kept (`phone` is null)."),
    source: ZBlacklistSource.describe("How the entry came about."),
    reason: z.string().nullable().describe("Why the entry was added, in words; null: not given."),
    createdAt: ZTimestamp.describe(CREATED_AT),
  })
  .meta({
    id: "BlacklistEntry",
    example: {
      id: "7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d",
      phone: "+5511999990001",
      waLid: null,
      hashed: false,
      source: "manual",
      reason: "asked by phone",
      createdAt: "2026-11-24T10:00:00.000Z",
    },
  });
export type TBlacklistEntry = z.infer<typeof ZBlacklistEntry>;

/** One entry to block: `POST …/blacklist` alone, or an item of `POST …/blacklist/bulk`. */
const entry = z
  .strictObject({
    phone: z
      .string()
      .trim()
      .min(1)
      .max(64)
      .optional()
      .describe(
        "The number to block, in any written form (without a country code, the organization's default country " +
          "applies); give it, `waLid` or both.",
      ),
    waLid: ZLid.optional().describe(
      "The WhatsApp LID to block: digits, with or without `@lid`; give it, `phone` or both.",
    ),
    reason: z.string().max(500).optional().describe("Why the entry was added, in words (up to 500 characters)."),
    source: ZBlacklistSource.optional().describe(
      "How the entry came about; absent: `api` for an API key, else `manual` for one entry and `import` for a bulk add.",
    ),
  })
  .refine((e) => e.phone !== undefined || e.waLid !== undefined, "give a phone, a waLid or both");

export const ZCreateBlacklistRequest = entry.meta({
  id: "CreateBlacklistRequest",
  example: { phone: "+55 11 99999-0001", reason: "asked to stop" },
});
export const ZBulkBlacklistRequest = z
  .strictObject({
    entries: z
      .array(entry)
      .min(1)
      .max(10_000)
      .describe(
        "1–10,000 entries; one whose number cannot be read is answered in `rejected` with its index, the rest are " +
          "added (those already blocked are counted as `existing`).",
      ),
  })
  .meta({ id: "BulkBlacklistRequest", example: { entries: [{ phone: "11999990001" }, { waLid: "123456789@lid" }] } });
/**
 * Why a number or a file's line is not blocked, for clients to word it in their language (`reason` is English): a
 * phone parser's reason, `not_a_lid` (the LID column holds something else), `no_phone_or_lid` (a line with neither).
 */
export const ZBlacklistRejectionCode = z.enum([...ZPhoneRejectionCode.options, "not_a_lid", "no_phone_or_lid"]);
export type TBlacklistRejectionCode = z.infer<typeof ZBlacklistRejectionCode>;
const ADDED = "How many entries were added.";
const EXISTING = "How many were already blocked (left as they were).";
const REJECTION_REASON = "Why it is not blocked, in English.";
const REJECTION_CODE = "Why it is not blocked, as a code to word it in the client's language.";

export const ZBulkBlacklistResponse = z
  .object({
    added: z.number().int().describe(ADDED),
    existing: z.number().int().describe(EXISTING),
    rejected: z
      .array(
        z.object({
          index: z.number().int().describe("The entry's position in `entries` (from 0)."),
          raw: z.string().describe("The number or LID as given."),
          reason: z.string().describe(REJECTION_REASON),
          code: ZBlacklistRejectionCode.describe(REJECTION_CODE),
        }),
      )
      .describe("The entries not blocked because their number or LID cannot be read."),
  })
  .meta({
    id: "BulkBlacklistResponse",
    example: {
      added: 2,
      existing: 1,
      rejected: [{ index: 1, raw: "abc", reason: "the phone number is not written as a number", code: "not_a_number" }],
    },
  });
export type TBulkBlacklistResponse = z.infer<typeof ZBulkBlacklistResponse>;

export const ZBlacklistQuery = z.strictObject({
  source: ZBlacklistSource.optional(),
  ...cursorPageQuery({ defaultLimit: 50, maxLimit: 500 }).shape,
});
export const ZBlacklistCheckQuery = z
  .strictObject({ phone: z.string().trim().min(1).max(64).optional(), waLid: ZLid.optional() })
  .refine((e) => e.phone !== undefined || e.waLid !== undefined, "give a phone, a waLid or both");
export const ZBlacklistCheck = z
  .object({
    blocked: z.boolean().describe("True when the number or LID is on the blacklist."),
    entryIds: z.array(ZUuid).describe("The entries that block it (by number or by LID); empty when not blocked."),
  })
  .meta({ id: "BlacklistCheck", example: { blocked: true, entryIds: ["7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d"] } });

export const ZBlacklistImportQuery = z.strictObject({
  reason: z.string().max(500).optional(),
  source: ZBlacklistSource.optional(),
  defaultCountry: z
    .string()
    .regex(/^[A-Za-z]{2}$/)
    .transform((v) => v.toUpperCase())
    .optional(),
});
export const ZBlacklistImportResponse = z
  .object({
    added: z.number().int().describe(ADDED),
    existing: z.number().int().describe(EXISTING),
    rejected: z
      .array(
        z.object({
          line: z.number().int().describe("The file's line number (from 1, the header included)."),
          raw: z.string().nullable().describe("The line's number or LID as written; null when the line has neither."),
          reason: z.string().describe(REJECTION_REASON),
          code: ZBlacklistRejectionCode.describe(REJECTION_CODE),
        }),
      )
      .describe("The lines not blocked because their number or LID cannot be read."),
  })
  .meta({
    id: "BlacklistImportResponse",
    example: {
      added: 120,
      existing: 3,
      rejected: [{ line: 14, raw: "abc", reason: "the phone number is not written as a number", code: "not_a_number" }],
    },
  });
export type TBlacklistImportResponse = z.infer<typeof ZBlacklistImportResponse>;
