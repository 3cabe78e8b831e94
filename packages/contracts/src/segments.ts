import { z } from "zod";
import { CREATED_AT, UPDATED_AT, ZUuid } from "./common.ts";
import { ZConsentState } from "./contacts.ts";

const ZTimestamp = z.iso.datetime({ offset: true });
const ZTag = z.string().trim().min(1).max(64);

export const ZSegmentParams = z.strictObject({ orgId: ZUuid, segmentId: ZUuid });

/** A saved filter over contacts; every condition given must hold (AND). Compiled to SQL by @mirage/db/segments. */
export const ZSegmentFilter = z
  .strictObject({
    tagsAny: z.array(ZTag).min(1).max(50).optional().describe("Contacts with at least one of these tags (1–50)."),
    tagsAll: z.array(ZTag).min(1).max(50).optional().describe("Contacts with every one of these tags (1–50)."),
    tagsNone: z.array(ZTag).min(1).max(50).optional().describe("Contacts with none of these tags (1–50)."),
    createdFrom: ZTimestamp.optional().describe("Contacts created at or after this instant (ISO 8601 with offset)."),
    createdTo: ZTimestamp.optional().describe("Contacts created before this instant (ISO 8601 with offset)."),
    customFields: z
      .array(
        z.strictObject({
          key: z.string().min(1).max(64).describe("The custom field's name."),
          op: z
            .enum(["equals", "contains", "exists", "missing"])
            .describe(
              "`equals` the value exactly, `contains` it (case-insensitive), `exists` (non-empty) or `missing` " +
                "(absent or empty).",
            ),
          value: z.string().max(500).optional().describe("The value to compare with; required by equals and contains."),
        }),
      )
      .max(20)
      .optional()
      .describe("Conditions on custom fields (up to 20), all of which must hold."),
    replied: z
      .boolean()
      .optional()
      .describe("true: contacts who have sent a message at least once; false: contacts who never have."),
    lastMessageFrom: ZTimestamp.optional().describe(
      "Contacts whose last message either way (sent to them or received from them) is at or after this instant.",
    ),
    lastMessageTo: ZTimestamp.optional().describe(
      "Contacts whose last message either way (sent to them or received from them) is before this instant.",
    ),
    inListsAny: z.array(ZUuid).min(1).max(50).optional().describe("Contacts on at least one of these lists (1–50)."),
    notInLists: z.array(ZUuid).min(1).max(50).optional().describe("Contacts on none of these lists (1–50)."),
    consent: z.array(ZConsentState).min(1).optional().describe("Contacts whose consent state is one of these."),
  })
  .superRefine((f, ctx) => {
    for (const [i, c] of (f.customFields ?? []).entries()) {
      if ((c.op === "equals" || c.op === "contains") && c.value === undefined)
        ctx.addIssue({ code: "custom", path: ["customFields", i, "value"], message: `${c.op} needs a value` });
    }
  })
  .meta({
    id: "SegmentFilter",
    example: {
      tagsAny: ["vip", "lead"],
      replied: false,
      customFields: [{ key: "cidade", op: "equals", value: "Recife" }],
    },
  });
export type TSegmentFilter = z.infer<typeof ZSegmentFilter>;

export const ZSegment = z
  .object({
    id: ZUuid.describe("The segment's id."),
    name: z.string().describe("The segment's name, unique in the organization."),
    description: z.string().nullable().describe("What the segment is for; null: none."),
    filter: ZSegmentFilter.describe("The conditions a contact must all meet (AND); `{}` matches every contact."),
    createdAt: ZTimestamp.describe(CREATED_AT),
    updatedAt: ZTimestamp.describe(UPDATED_AT),
  })
  .meta({
    id: "Segment",
    example: {
      id: "3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f5a6b7",
      name: "VIPs who never replied",
      description: null,
      filter: { tagsAny: ["vip"], replied: false },
      createdAt: "2026-11-24T10:00:00.000Z",
      updatedAt: "2026-11-24T10:00:00.000Z",
    },
  });
export type TSegment = z.infer<typeof ZSegment>;

const NAME_HELP = "The segment's name, unique in the organization (1–200 characters).";
const DESCRIPTION_HELP = "What the segment is for (up to 2,000 characters); null: none.";
const FILTER_HELP = "The conditions a contact must all meet (AND); `{}` matches every contact.";

export const ZCreateSegmentRequest = z
  .strictObject({
    name: z.string().trim().min(1).max(200).describe(NAME_HELP),
    description: z.string().max(2000).nullable().optional().describe(DESCRIPTION_HELP),
    filter: ZSegmentFilter.describe(FILTER_HELP),
  })
  .meta({
    id: "CreateSegmentRequest",
    example: { name: "VIPs who never replied", filter: { tagsAny: ["vip"], replied: false } },
  });
export const ZUpdateSegmentRequest = z.strictObject({
  name: z.string().trim().min(1).max(200).optional().describe(NAME_HELP),
  description: z.string().max(2000).nullable().optional().describe(DESCRIPTION_HELP),
  filter: ZSegmentFilter.optional().describe(
    "The conditions a contact must all meet (AND), replacing the saved ones; `{}` matches every contact.",
  ),
});

export const ZSegmentCountRequest = z
  .strictObject({
    filter: ZSegmentFilter.describe(
      "The (unsaved) conditions a contact must all meet (AND) to be counted; `{}` matches every contact.",
    ),
  })
  .meta({ id: "SegmentCountRequest", example: { filter: { tagsAny: ["vip"], replied: false } } });

export const ZSegmentCount = z
  .object({ count: z.number().int().describe("How many contacts meet the conditions now.") })
  .meta({ id: "SegmentCount", example: { count: 1234 } });
