import { ZOrgIdParams } from "@mirage/contracts/common";
import { ZDailyStats, ZDailyStatsQuery } from "@mirage/contracts/stats";
import type { Database } from "@mirage/db";
import { dailyMessageStats } from "@mirage/db/message-stats";
import { ALL_ROLES, withOrg } from "../auth/principal.ts";
import { defineRoute, type RouteDef } from "../http/route.ts";

/** The organization's messaging figures (the dashboard's overview): everyone in the organization reads them. */
export function statsRoutes(deps: { db: Database }): RouteDef[] {
  const { db } = deps;
  return [
    defineRoute({
      method: "get",
      path: "/orgs/:orgId/stats/daily",
      summary: "Messages sent, delivered, read, failed and replied per day",
      description:
        "One entry per calendar day in the organization's time zone, the last `days` days ending today, oldest first.",
      tags: ["messages"],
      auth: { kind: "any", scopes: ["read", "messages:send"] },
      roles: ALL_ROLES,
      params: ZOrgIdParams,
      query: ZDailyStatsQuery,
      responses: {
        200: { description: "The figures", schema: ZDailyStats, example: ZDailyStats.meta()?.example },
      },
      async handler({ params, query, principal }) {
        const stats = await withOrg(db, principal, params.orgId, ALL_ROLES, (tx) =>
          dailyMessageStats(tx, { orgId: params.orgId, days: query.days }),
        );
        return { status: 200, body: { orgId: params.orgId, ...stats } };
      },
    }),
  ];
}
