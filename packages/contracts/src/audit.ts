import { z } from "zod";
import { pageQuery, ZTimestamp, ZUuid } from "./common.ts";

export const ZAuditEntry = z
  .object({
    id: z.number().int().describe("The entry's id: increasing, the order entries were written in."),
    actorUserId: ZUuid.nullable().describe(
      "The user who acted (for an API key, its principal user); null for the system.",
    ),
    actorApiKeyId: ZUuid.nullable().describe("The API key that acted; null when a signed-in user or the system did."),
    action: z.string().describe("What was done, as `kind.verb` (e.g. campaign.delete)."),
    targetType: z
      .string()
      .nullable()
      .describe("The kind of thing acted on (instance, campaign, contact…); null: none."),
    targetId: z.string().nullable().describe("The id of the thing acted on; null: none."),
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
    detail: z
      .record(z.string(), z.unknown())
      .describe("Action-specific details (e.g. the changed fields); may be empty."),
    ip: z.string().nullable().describe("The client's IP address; null when not from a request."),
    requestId: z.string().nullable().describe("The id of the HTTP request that did it; null when not from a request."),
    createdAt: ZTimestamp.describe("When it happened (ISO 8601 with offset)."),
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
