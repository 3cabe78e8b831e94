import { z } from "zod";
import { ZUuid } from "./common.ts";
import { ZConsentState } from "./contacts.ts";

const ZTimestamp = z.iso.datetime({ offset: true });
const ZTag = z.string().trim().min(1).max(64);

export const ZSegmentParams = z.strictObject({ orgId: ZUuid, segmentId: ZUuid });

/** A saved filter over contacts; every condition given must hold (AND). Compiled to SQL by @mirage/db/segments. */
export const ZSegmentFilter = z
  .strictObject({
    tagsAny: z.array(ZTag).min(1).max(50).optional(),
    tagsAll: z.array(ZTag).min(1).max(50).optional(),
    tagsNone: z.array(ZTag).min(1).max(50).optional(),
    createdFrom: ZTimestamp.optional(),
    createdTo: ZTimestamp.optional(),
    customFields: z
      .array(
        z.strictObject({
          key: z.string().min(1).max(64),
          op: z.enum(["equals", "contains", "exists", "missing"]),
          value: z.string().max(500).optional(),
        }),
      )
      .max(20)
      .optional(),
    /** true: replied at least once; false: never replied. */
    replied: z.boolean().optional(),
    /** Last message either way (sent to them or received from them) within the range. */
    lastMessageFrom: ZTimestamp.optional(),
    lastMessageTo: ZTimestamp.optional(),
    inListsAny: z.array(ZUuid).min(1).max(50).optional(),
    notInLists: z.array(ZUuid).min(1).max(50).optional(),
    consent: z.array(ZConsentState).min(1).optional(),
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
    id: ZUuid,
    name: z.string(),
    description: z.string().nullable(),
    filter: ZSegmentFilter,
    createdAt: ZTimestamp,
    updatedAt: ZTimestamp,
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
  .object({ count: z.number().int() })
  .meta({ id: "SegmentCount", example: { count: 1234 } });
