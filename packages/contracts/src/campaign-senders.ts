import { z } from "zod";
import { ZNextSendAt, ZNextSendHeldBy } from "./campaign-stats.ts";
import { ZUuid } from "./common.ts";
import { ZInstanceStatus } from "./enums.ts";

/**
 * A campaign's sender pool: the numbers it may send from. Before the start it is the campaign's `senderIds`; once
 * running, numbers can still join (they take a share of the recipients still waiting, from their next step) or
 * leave (their waiting recipients move to the others at once; what they already sent stays counted).
 */

export const ZCampaignSender = z
  .object({
    instanceId: ZUuid.describe("The instance (number) in the pool."),
    name: z.string().describe("The instance's name."),
    status: ZInstanceStatus.describe("The number's own connection status."),
    active: z.boolean().describe("Whether it takes the campaign's work now."),
    inactiveReason: z
      .string()
      .nullable()
      .describe(
        "Why it is not active: `removed` (by a user), `instance_banned`, `instance_unavailable`…; null when active.",
      ),
    weight: z.number().int().describe("Its relative share of new recipients (1–100)."),
    healthScore: z.number().int().nullable().describe("The number's health score (0–100); null: not scored yet."),
    queued: z.number().int().describe("Recipients of the campaign still waiting on this number."),
    nextSendAt: ZNextSendAt,
    nextSendHeldBy: ZNextSendHeldBy,
  })
  .meta({
    id: "CampaignSender",
    example: {
      instanceId: "4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f7a",
      name: "Vendas 1",
      status: "connected",
      active: true,
      inactiveReason: null,
      weight: 1,
      healthScore: 96,
      queued: 412,
      nextSendAt: "2026-11-30T12:00:41.000Z",
      nextSendHeldBy: null,
    },
  });
export type TCampaignSender = z.infer<typeof ZCampaignSender>;

export const ZCampaignSenderList = z
  .object({ items: z.array(ZCampaignSender).describe("The campaign's senders, active and inactive.") })
  .meta({ id: "CampaignSenderList", example: { items: [ZCampaignSender.meta()?.example] } });

export const ZAddCampaignSenderRequest = z
  .strictObject({
    instanceId: ZUuid.describe("The organization's instance to add (or to take back after a removal)."),
    weight: z
      .number()
      .int()
      .min(1)
      .max(100)
      .optional()
      .describe(
        "Its relative share of new recipients (1–100); absent: 1 for a number new to the pool, else its weight stays.",
      ),
  })
  .meta({ id: "AddCampaignSenderRequest", example: { instanceId: "4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f7a", weight: 1 } });

export const ZCampaignSenderParams = z.strictObject({ orgId: ZUuid, campaignId: ZUuid, instanceId: ZUuid });
