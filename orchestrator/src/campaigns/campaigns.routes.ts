import { isValidZone } from "@mirage/campaign-rules";
import {
  ZCampaign,
  ZCampaignList,
  ZCampaignParams,
  ZCreateCampaignRequest,
  ZUpdateCampaignRequest,
} from "@mirage/contracts/campaigns";
import { ZOrgIdParams } from "@mirage/contracts/common";
import type { Database, Tx } from "@mirage/db";
import {
  type CampaignRow,
  type CampaignWrite,
  deleteCampaign,
  existingInstanceIds,
  findCampaign,
  insertCampaign,
  listCampaigns,
  setCampaignSenders,
  updateCampaign,
} from "@mirage/db/campaigns";
import { findList } from "@mirage/db/lists";
import { findSegment } from "@mirage/db/segments";
import { findTemplate } from "@mirage/db/templates";
import type { z } from "zod";
import { audit } from "../audit/record.ts";
import { ALL_ROLES, MARKETING_ROLES, withOrg } from "../auth/principal.ts";
import { AppError } from "../http/app-error.ts";
import { defineRoute, type RouteDef } from "../http/route.ts";
import { toCampaignDto } from "./dto.ts";
import type { CampaignEngine } from "./engine.ts";

export const READ = { kind: "any", scopes: ["read", "campaigns"] } as const;
export const WRITE = { kind: "any", scopes: ["campaigns"] } as const;

type Fields = z.infer<typeof ZUpdateCampaignRequest>;

/** Fields that define who receives what: fixed once the campaign started (its snapshot). */
const DEFINING = ["templateId", "audience", "senderIds", "startsAt"] as const;
/** Settings that hold messages back (caps, windows, quiet hours, holidays): an edit replans what they held. */
const RULES = ["caps", "schedule", "quietHours", "skipHolidays"] as const;

/** Checks references (same organization, via RLS) and values the schema cannot: zone, end after start. */
async function validate(tx: Tx, orgId: string, f: Fields, current?: CampaignRow): Promise<void> {
  const bad: { path: string; message: string }[] = [];
  if (f.timezone !== undefined && !isValidZone(f.timezone))
    bad.push({ path: "body.timezone", message: "unknown time zone" });
  if (f.templateId && !(await findTemplate(tx, orgId, f.templateId)))
    bad.push({ path: "body.templateId", message: "no such template" });
  for (const [i, id] of (f.audience?.listIds ?? []).entries())
    if (!(await findList(tx, orgId, id))) bad.push({ path: `body.audience.listIds.${i}`, message: "no such list" });
  for (const [i, id] of (f.audience?.segmentIds ?? []).entries())
    if (!(await findSegment(tx, orgId, id)))
      bad.push({ path: `body.audience.segmentIds.${i}`, message: "no such segment" });
  if (f.senderIds?.length) {
    const known = await existingInstanceIds(tx, orgId, f.senderIds);
    for (const [i, id] of f.senderIds.entries())
      if (!known.has(id)) bad.push({ path: `body.senderIds.${i}`, message: "no such instance" });
  }
  const startsAt = f.startsAt !== undefined ? f.startsAt : (current?.startsAt?.toISOString() ?? null);
  const endsAt = f.endsAt !== undefined ? f.endsAt : (current?.endsAt?.toISOString() ?? null);
  if (startsAt && endsAt && new Date(endsAt) <= new Date(startsAt))
    bad.push({ path: "body.endsAt", message: "the end must be after the start" });
  if (bad.length > 0) throw new AppError("validation_failed", "invalid campaign", { errors: bad });
}

const toWrite = (f: Fields): CampaignWrite => ({
  name: f.name,
  description: f.description,
  templateId: f.templateId,
  listIds: f.audience?.listIds,
  segmentIds: f.audience?.segmentIds,
  timezone: f.timezone,
  startsAt: f.startsAt,
  endsAt: f.endsAt,
  schedule: f.schedule,
  quietHours: f.quietHours,
  skipHolidays: f.skipHolidays,
  pacing: f.pacing,
  caps: f.caps,
  stopOnReply: f.stopOnReply,
  errorThreshold: f.errorThreshold,
});

export async function mustFindCampaign(tx: Tx, orgId: string, id: string): Promise<CampaignRow> {
  const c = await findCampaign(tx, orgId, id);
  if (!c) throw new AppError("not_found", "campaign not found");
  return c;
}

/** Campaign definition: list, create, read, edit (pacing and caps apply to the next send), delete. */
export function campaignRoutes(deps: { db: Database; engine: CampaignEngine }): RouteDef[] {
  const { db } = deps;
  return [
    defineRoute({
      method: "get",
      path: "/orgs/:orgId/campaigns",
      summary: "Campaigns, newest first",
      tags: ["campaigns"],
      auth: READ,
      roles: ALL_ROLES,
      params: ZOrgIdParams,
      responses: { 200: { description: "Campaigns", schema: ZCampaignList } },
      async handler({ params, principal }) {
        const rows = await withOrg(db, principal, params.orgId, ALL_ROLES, (tx) => listCampaigns(tx, params.orgId));
        return { status: 200, body: { items: rows.map(toCampaignDto) } };
      },
    }),
    defineRoute({
      method: "post",
      path: "/orgs/:orgId/campaigns",
      summary: "Create a campaign (draft): template, audience, sender numbers, schedule, quiet hours, pacing, caps",
      tags: ["campaigns"],
      auth: WRITE,
      roles: MARKETING_ROLES,
      params: ZOrgIdParams,
      body: ZCreateCampaignRequest,
      responses: { 201: { description: "The campaign", schema: ZCampaign } },
      async handler({ params, body, principal }, req) {
        const row = await withOrg(db, principal, params.orgId, MARKETING_ROLES, async (tx) => {
          await validate(tx, params.orgId, body);
          const id = await insertCampaign(tx, {
            ...toWrite(body),
            orgId: params.orgId,
            name: body.name,
            createdBy: principal.userId,
          });
          if (body.senderIds) await setCampaignSenders(tx, params.orgId, id, body.senderIds);
          await audit(tx, req, {
            orgId: params.orgId,
            action: "campaign.create",
            targetType: "campaign",
            targetId: id,
          });
          return mustFindCampaign(tx, params.orgId, id);
        });
        return { status: 201, body: toCampaignDto(row) };
      },
    }),
    defineRoute({
      method: "get",
      path: "/orgs/:orgId/campaigns/:campaignId",
      summary: "A campaign",
      tags: ["campaigns"],
      auth: READ,
      roles: ALL_ROLES,
      params: ZCampaignParams,
      responses: { 200: { description: "The campaign", schema: ZCampaign } },
      async handler({ params, principal }) {
        const row = await withOrg(db, principal, params.orgId, ALL_ROLES, (tx) =>
          mustFindCampaign(tx, params.orgId, params.campaignId),
        );
        return { status: 200, body: toCampaignDto(row) };
      },
    }),
    defineRoute({
      method: "patch",
      path: "/orgs/:orgId/campaigns/:campaignId",
      summary: "Edit a campaign",
      description:
        "Before it starts, everything. Once started, its template, audience, senders and start are fixed (the snapshot); " +
        "pacing, caps, windows, quiet hours and the end apply from the next send.",
      tags: ["campaigns"],
      auth: WRITE,
      roles: MARKETING_ROLES,
      params: ZCampaignParams,
      body: ZUpdateCampaignRequest,
      responses: { 200: { description: "The campaign", schema: ZCampaign } },
      async handler({ params, body, principal }, req) {
        const row = await withOrg(db, principal, params.orgId, MARKETING_ROLES, async (tx) => {
          const current = await mustFindCampaign(tx, params.orgId, params.campaignId);
          if (current.status === "completed" || current.status === "cancelled")
            throw new AppError("invalid_campaign_state", `a ${current.status} campaign cannot be edited`);
          const started = current.status === "running" || current.status === "paused";
          const fixed = DEFINING.filter((k) => body[k] !== undefined);
          if (started && fixed.length > 0)
            throw new AppError("invalid_campaign_state", `${fixed.join(", ")} cannot change once the campaign started`);
          await validate(tx, params.orgId, body, current);
          await updateCampaign(tx, params.orgId, params.campaignId, toWrite(body));
          if (body.senderIds) await setCampaignSenders(tx, params.orgId, params.campaignId, body.senderIds);
          await audit(tx, req, {
            orgId: params.orgId,
            action: "campaign.update",
            targetType: "campaign",
            targetId: params.campaignId,
            detail: { fields: Object.keys(body) },
          });
          return mustFindCampaign(tx, params.orgId, params.campaignId);
        });
        // Messages held by the old rules (a cap reached, a window closed) are planned again under the new ones.
        if (RULES.some((k) => body[k] !== undefined)) await deps.engine.rulesChanged(params.campaignId);
        return { status: 200, body: toCampaignDto(row) };
      },
    }),
    defineRoute({
      method: "delete",
      path: "/orgs/:orgId/campaigns/:campaignId",
      summary: "Delete a campaign that is not running (its messages go with it)",
      tags: ["campaigns"],
      auth: WRITE,
      roles: MARKETING_ROLES,
      params: ZCampaignParams,
      responses: { 204: { description: "Deleted" } },
      async handler({ params, principal }, req) {
        await withOrg(db, principal, params.orgId, MARKETING_ROLES, async (tx) => {
          const current = await mustFindCampaign(tx, params.orgId, params.campaignId);
          if (current.status === "running" || current.status === "paused")
            throw new AppError("invalid_campaign_state", "cancel the campaign before deleting it");
          await audit(tx, req, {
            orgId: params.orgId,
            action: "campaign.delete",
            targetType: "campaign",
            targetId: params.campaignId,
          });
          await deleteCampaign(tx, params.orgId, params.campaignId);
        });
        return { status: 204 };
      },
    }),
  ];
}
