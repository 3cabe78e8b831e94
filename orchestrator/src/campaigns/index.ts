import type { Database } from "@mirage/db";
import type { RouteDef } from "../http/route.ts";
import { campaignRoutes } from "./campaigns.routes.ts";
import { campaignControlRoutes } from "./control.routes.ts";
import type { CampaignEngine } from "./engine.ts";
import { holidayRoutes } from "./holidays.routes.ts";
import { campaignInsightRoutes } from "./insight.routes.ts";
import { campaignPoolRoutes } from "./pool.routes.ts";
import { campaignReadinessRoutes } from "./readiness.routes.ts";

export { type CampaignEngine, createCampaignEngine, earliestSpacingMs, settingsOf, startRefusals } from "./engine.ts";
export { createCampaignScheduler } from "./scheduler.ts";

/** Campaigns: definition, control (start, pause, resume, cancel), sender pools, stats, dry run, report, start check,
 * sender budgets, holidays. */
export function campaignsFeatureRoutes(deps: { db: Database; engine: CampaignEngine }): RouteDef[] {
  return [
    ...campaignRoutes(deps),
    ...campaignControlRoutes(deps),
    ...campaignPoolRoutes(deps),
    ...campaignInsightRoutes(deps),
    ...holidayRoutes(deps),
    ...campaignReadinessRoutes(deps),
  ];
}
