import { z } from "zod";
import { pageQuery, ZTimestamp, ZUuid } from "./common.ts";

export const ZAuditEntry = z
  .object({
    id: z.number().int(),
    actorUserId: ZUuid.nullable(),
    actorApiKeyId: ZUuid.nullable(),
    action: z.string(),
    targetType: z.string().nullable(),
    targetId: z.string().nullable(),
    actorLabel: z
      .string()
      .nullable()
      .describe("who acted, in words: the member's email, or the API key's name when it acted; null for the system"),
    targetLabel: z
      .string()
      .nullable()
      .describe(
        "what was acted on, in words: an instance, campaign, template, list, segment, API key or webhook by the name it had then (kept after it is deleted); a contact, conversation, blacklisted number, member or invitation as it is now (null once erased or gone)",
      ),
    detail: z.record(z.string(), z.unknown()),
    ip: z.string().nullable(),
    requestId: z.string().nullable(),
    createdAt: ZTimestamp,
  })
  .meta({ id: "AuditEntry" });
export type TAuditEntry = z.infer<typeof ZAuditEntry>;

export const ZListAuditQuery = pageQuery({ defaultLimit: 50, maxLimit: 200 }).extend({
  action: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .regex(/^[a-z0-9_.]+$/, "an action is lowercase letters, digits, _ and . (e.g. campaign.delete)")
    .optional()
    .describe("an action (campaign.delete), or a prefix ending in a dot (campaign.) for every action of that kind"),
  actorUserId: ZUuid.optional().describe("only what this member did"),
  actorApiKeyId: ZUuid.optional().describe("only what this API key did"),
  targetType: z
    .string()
    .trim()
    .min(1)
    .max(50)
    .regex(/^[a-z_]+$/, "a target type is lowercase letters and _ (e.g. instance)")
    .optional()
    .describe("only entries about this kind of thing (instance, campaign, contact…)"),
  targetId: z.string().trim().min(1).max(100).optional().describe("only entries about this one (with targetType)"),
});
