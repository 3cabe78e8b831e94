import { ZPauseCampaignRequest, ZStartCampaignRequest } from "@mirage/contracts/campaign-checks";
import { ZCampaign, ZCampaignParams } from "@mirage/contracts/campaigns";
import type { Database } from "@mirage/db";
import { transitionCampaign } from "@mirage/db/campaigns";
import { audit } from "../audit/record.ts";
import { MARKETING_ROLES, withOrg } from "../auth/principal.ts";
import { AppError } from "../http/app-error.ts";
import { defineRoute, type RouteDef } from "../http/route.ts";
import { mustFindCampaign, WRITE } from "./campaigns.routes.ts";
import { toCampaignDto } from "./dto.ts";
import { type CampaignEngine, startRefusals } from "./engine.ts";

const DONE = { pause: "paused", resume: "resumed", cancel: "cancelled" } as const;

/** Start, pause, resume, cancel. Pause and cancel take effect at every worker's next step (under a second). */
export function campaignControlRoutes(deps: { db: Database; engine: CampaignEngine }): RouteDef[] {
  const { db, engine } = deps;
  const reread = (orgId: string, id: string, principal: Parameters<typeof withOrg>[1]) =>
    withOrg(db, principal, orgId, MARKETING_ROLES, (tx) => mustFindCampaign(tx, orgId, id)).then(toCampaignDto);

  return [
    defineRoute({
      method: "post",
      path: "/orgs/:orgId/campaigns/:campaignId/start",
      errors: ["campaign_not_startable", "invalid_campaign_state"],
      summary: "Start a campaign now, or schedule it for its start time",
      description:
        "Refused with 422 `campaign_not_startable` and every reason in `errors` (empty audience, no template, an " +
        "unknown template variable, no sender or none connected, windows that never open, an end before the start). " +
        "At start the audience is snapshotted: later edits of its lists, segments or template change nothing.",
      tags: ["campaigns"],
      auth: WRITE,
      roles: MARKETING_ROLES,
      params: ZCampaignParams,
      body: ZStartCampaignRequest,
      responses: { 200: { description: "The campaign (scheduled or running)", schema: ZCampaign } },
      async handler({ params, body, principal }, req) {
        const now = new Date();
        const due = await withOrg(db, principal, params.orgId, MARKETING_ROLES, async (tx) => {
          const c = await mustFindCampaign(tx, params.orgId, params.campaignId);
          if (c.status !== "draft" && c.status !== "scheduled")
            throw new AppError("invalid_campaign_state", `a ${c.status} campaign cannot be started`);
          const refusals = await startRefusals(tx, c, now);
          if (refusals.length > 0) {
            throw new AppError("campaign_not_startable", refusals.map((r) => r.message).join("; "), {
              errors: refusals.map((r) => ({ path: r.code, message: r.message })),
            });
          }
          await transitionCampaign(tx, { id: c.id, from: ["draft", "scheduled"], to: "scheduled", reason: null });
          await audit(tx, req, {
            orgId: params.orgId,
            action: "campaign.start",
            targetType: "campaign",
            targetId: c.id,
            detail: { now: body.now },
          });
          return body.now || !c.startsAt || c.startsAt <= now;
        });
        if (due) await engine.activate(params.campaignId, now);
        return { status: 200, body: await reread(params.orgId, params.campaignId, principal) };
      },
    }),
    ...(["pause", "resume", "cancel"] as const).map((action) =>
      defineRoute({
        method: "post",
        path: `/orgs/:orgId/campaigns/:campaignId/${action}`,
        summary:
          action === "pause"
            ? "Pause a running campaign (no number sends for it from the next step on)"
            : action === "resume"
              ? "Resume a paused campaign: times are planned again from now, never a burst"
              : "Cancel a campaign: what is still queued is cancelled",
        tags: ["campaigns"],
        auth: WRITE,
        roles: MARKETING_ROLES,
        params: ZCampaignParams,
        body: ZPauseCampaignRequest,
        responses: { 200: { description: "The campaign", schema: ZCampaign } },
        async handler({ params, body, principal }, req) {
          const c = await withOrg(db, principal, params.orgId, MARKETING_ROLES, (tx) =>
            mustFindCampaign(tx, params.orgId, params.campaignId),
          );
          const reason = body.reason ? `user: ${body.reason}` : "user";
          const ok =
            action === "pause"
              ? await engine.pause(c.id, reason)
              : action === "resume"
                ? await engine.resume(c.id)
                : await engine.cancel(c.id, reason);
          if (!ok) throw new AppError("invalid_campaign_state", `a ${c.status} campaign cannot be ${DONE[action]}`);
          // Recorded once it happened (the change itself is the service's: it touches the messages too).
          await withOrg(db, principal, params.orgId, MARKETING_ROLES, (tx) =>
            audit(tx, req, {
              orgId: params.orgId,
              action: `campaign.${action}`,
              targetType: "campaign",
              targetId: c.id,
              ...(body.reason ? { detail: { reason: body.reason } } : {}),
            }),
          );
          return { status: 200, body: await reread(params.orgId, params.campaignId, principal) };
        },
      }),
    ),
  ];
}
