import {
  type TCampaignSender,
  ZAddCampaignSenderRequest,
  ZCampaignSender,
  ZCampaignSenderList,
  ZCampaignSenderParams,
} from "@mirage/contracts/campaign-senders";
import { ZCampaignParams } from "@mirage/contracts/campaigns";
import type { Database } from "@mirage/db";
import { addToPool, listPool, type PoolSender, removeFromPool } from "@mirage/db/campaign-senders";
import { existingInstanceIds } from "@mirage/db/campaigns";
import { audit } from "../audit/record.ts";
import { ALL_ROLES, MARKETING_ROLES, withOrg } from "../auth/principal.ts";
import { AppError } from "../http/app-error.ts";
import { defineRoute, type RouteDef } from "../http/route.ts";
import { mustFindCampaign, READ, WRITE } from "./campaigns.routes.ts";
import type { CampaignEngine } from "./engine.ts";
import { campaignNextSends, type NextSend } from "./next-send.ts";

const toDto = (s: PoolSender, next: NextSend | undefined): TCampaignSender => ({
  instanceId: s.instanceId,
  name: s.name,
  status: s.status as TCampaignSender["status"],
  active: s.active,
  inactiveReason: s.inactiveReason,
  weight: s.weight,
  healthScore: s.healthScore,
  queued: s.queued,
  nextSendAt: next ? next.at.toISOString() : null,
  nextSendHeldBy: next?.heldBy ?? null,
});

/**
 * A campaign's sender pool, also while it runs: a number that joins takes a share of the recipients still waiting
 * (from its next step); one that leaves stops at once (its next step finds nothing, a message it is typing is not
 * written) and its waiting recipients move to the others.
 */
export function campaignPoolRoutes(deps: { db: Database; engine: CampaignEngine }): RouteDef[] {
  const { db, engine } = deps;
  const pool = (orgId: string, campaignId: string, principal: Parameters<typeof withOrg>[1]) =>
    withOrg(db, principal, orgId, ALL_ROLES, async (tx) => {
      const c = await mustFindCampaign(tx, orgId, campaignId);
      // The same next send as the stats: every waiting recipient's windows, quiet hours, holidays and the caps.
      const next = await campaignNextSends(tx, c);
      return (await listPool(tx, campaignId)).map((s) => toDto(s, next.get(s.instanceId)));
    });
  return [
    defineRoute({
      method: "get",
      path: "/orgs/:orgId/campaigns/:campaignId/senders",
      summary: "The campaign's sender pool, with each number's status, share and waiting recipients",
      tags: ["campaigns"],
      auth: READ,
      roles: ALL_ROLES,
      params: ZCampaignParams,
      responses: {
        200: { description: "The pool", schema: ZCampaignSenderList, example: ZCampaignSenderList.meta()?.example },
      },
      async handler({ params, principal }) {
        return { status: 200, body: { items: await pool(params.orgId, params.campaignId, principal) } };
      },
    }),
    defineRoute({
      method: "post",
      path: "/orgs/:orgId/campaigns/:campaignId/senders",
      errors: ["invalid_campaign_state"],
      summary: "Add a number to the pool (or take one back), also while the campaign runs",
      description:
        "While the campaign runs (or is paused) the number takes a share of the recipients still waiting, in " +
        "proportion to its weight, except people who already talked with their current number; its chain picks " +
        "them up from its next step. A number removed earlier comes back active.",
      tags: ["campaigns"],
      auth: WRITE,
      roles: MARKETING_ROLES,
      params: ZCampaignParams,
      body: ZAddCampaignSenderRequest,
      responses: {
        200: {
          description: "The number as it is now in the pool",
          schema: ZCampaignSender,
          example: ZCampaignSender.meta()?.example,
        },
      },
      async handler({ params, body, principal }, req) {
        const started = await withOrg(db, principal, params.orgId, MARKETING_ROLES, async (tx) => {
          const c = await mustFindCampaign(tx, params.orgId, params.campaignId);
          if (c.status === "completed" || c.status === "cancelled")
            throw new AppError("invalid_campaign_state", `a ${c.status} campaign takes no new number`);
          if (!(await existingInstanceIds(tx, params.orgId, [body.instanceId])).has(body.instanceId)) {
            throw new AppError("validation_failed", "invalid body", {
              errors: [{ path: "body.instanceId", message: "no such instance" }],
            });
          }
          await addToPool(tx, {
            orgId: params.orgId,
            campaignId: params.campaignId,
            instanceId: body.instanceId,
            weight: body.weight,
          });
          await audit(tx, req, {
            orgId: params.orgId,
            action: "campaign.sender.add",
            targetType: "campaign",
            targetId: params.campaignId,
            detail: { instanceId: body.instanceId },
          });
          return c.status === "running" || c.status === "paused";
        });
        if (started) await engine.shareWith(params.campaignId, body.instanceId);
        const items = await pool(params.orgId, params.campaignId, principal);
        const mine = items.find((s) => s.instanceId === body.instanceId);
        if (!mine) throw new AppError("not_found", "instance not found");
        return { status: 200, body: mine };
      },
    }),
    defineRoute({
      method: "delete",
      path: "/orgs/:orgId/campaigns/:campaignId/senders/:instanceId",
      summary: "Remove a number from the pool, also while the campaign runs",
      description:
        "Before the start the number simply leaves the pool. Once started it stays listed (what it sent stays " +
        "counted), inactive with reason `removed`: it takes no step for the campaign from now on, a message it was " +
        "typing is not written, and its waiting recipients move to the other numbers at once.",
      tags: ["campaigns"],
      auth: WRITE,
      roles: MARKETING_ROLES,
      params: ZCampaignSenderParams,
      responses: { 204: { description: "Removed" } },
      async handler({ params, principal }, req) {
        const started = await withOrg(db, principal, params.orgId, MARKETING_ROLES, async (tx) => {
          const c = await mustFindCampaign(tx, params.orgId, params.campaignId);
          const running = c.status === "running" || c.status === "paused";
          const removed = await removeFromPool(tx, {
            orgId: params.orgId,
            campaignId: params.campaignId,
            instanceId: params.instanceId,
            started: running || c.status === "completed" || c.status === "cancelled",
          });
          if (!removed) throw new AppError("not_found", "the number is not in this campaign's pool");
          await audit(tx, req, {
            orgId: params.orgId,
            action: "campaign.sender.remove",
            targetType: "campaign",
            targetId: params.campaignId,
            detail: { instanceId: params.instanceId },
          });
          return running;
        });
        if (started) await engine.handOver(params.campaignId);
        return { status: 204 };
      },
    }),
  ];
}
