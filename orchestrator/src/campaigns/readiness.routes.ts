import { effectiveCaps } from "@mirage/campaign-rules";
import { ZSenderBudgetQuery, ZSenderBudgets, ZStartCheck } from "@mirage/contracts/campaign-checks";
import { ZCampaignParams, ZCaps } from "@mirage/contracts/campaigns";
import { ZOrgIdParams } from "@mirage/contracts/common";
import type { Database } from "@mirage/db";
import { listInstanceViews } from "@mirage/db/instances";
import { instanceCapsInfo, sentWindowCounts } from "@mirage/db/outreach";
import { ALL_ROLES, withOrg } from "../auth/principal.ts";
import { defineRoute, type RouteDef } from "../http/route.ts";
import { mustFindCampaign, READ } from "./campaigns.routes.ts";
import { startRefusals } from "./engine.ts";

/**
 * What the campaign wizard shows before a start: each number's remaining hourly and daily budget under a campaign's
 * caps, and whether the campaign would start (with every refusal reason).
 */
export function campaignReadinessRoutes(deps: { db: Database }): RouteDef[] {
  const { db } = deps;
  return [
    defineRoute({
      method: "get",
      path: "/orgs/:orgId/campaigns/:campaignId/start-check",
      summary: "Would the campaign start now? Every reason the start would give if not (nothing changes)",
      tags: ["campaigns"],
      auth: READ,
      roles: ALL_ROLES,
      params: ZCampaignParams,
      responses: { 200: { description: "Startable, or the refusals", schema: ZStartCheck } },
      async handler({ params, principal }) {
        const refusals = await withOrg(db, principal, params.orgId, ALL_ROLES, async (tx) => {
          const c = await mustFindCampaign(tx, params.orgId, params.campaignId);
          return startRefusals(tx, c, new Date());
        });
        return {
          status: 200,
          body: {
            startable: refusals.length === 0,
            refusals: refusals.map((r) => ({ code: r.code, message: r.message })),
          },
        };
      },
    }),
    defineRoute({
      method: "get",
      path: "/orgs/:orgId/sender-budgets",
      summary: "What each number may still send this hour and today under the given caps (warm-up included)",
      description:
        "Counts are over the rolling last hour and 24 hours, every campaign and direct sends included — what the " +
        "send path checks. Caps default to a campaign's defaults (40 per hour, 250 per day, warm-up on).",
      tags: ["campaigns"],
      auth: READ,
      roles: ALL_ROLES,
      params: ZOrgIdParams,
      query: ZSenderBudgetQuery,
      responses: { 200: { description: "One entry per number of the organization", schema: ZSenderBudgets } },
      async handler({ params, query, principal }) {
        const caps = ZCaps.parse({
          perHour: query.perHour,
          perDay: query.perDay,
          warmup: query.warmup === undefined ? undefined : query.warmup === "true",
        });
        const now = new Date();
        const items = await withOrg(db, principal, params.orgId, ALL_ROLES, async (tx) => {
          const out = [];
          for (const i of await listInstanceViews(tx, params.orgId)) {
            const sent = await sentWindowCounts(tx, i.id, now);
            const eff = effectiveCaps(caps, await instanceCapsInfo(tx, i.id), now);
            out.push({
              instanceId: i.id,
              sentLastHour: sent.hour,
              sentLastDay: sent.day,
              perHour: eff.perHour,
              perDay: eff.perDay,
              warmupDay: eff.warmupDay,
              remainingThisHour: Math.max(0, eff.perHour - sent.hour),
              remainingToday: Math.max(0, eff.perDay - sent.day),
            });
          }
          return out;
        });
        return { status: 200, body: { items } };
      },
    }),
  ];
}
