import { ZOrgIdParams } from "@mirage/contracts/common";
import {
  ZCreateSegmentRequest,
  ZSegment,
  ZSegmentCount,
  ZSegmentFilter,
  ZSegmentParams,
  ZUpdateSegmentRequest,
} from "@mirage/contracts/segments";
import type { Database } from "@mirage/db";
import {
  countSegment,
  deleteSegment,
  findSegment,
  insertSegment,
  listSegments,
  type SegmentRow,
  updateSegment,
} from "@mirage/db/segments";
import { z } from "zod";
import { audit } from "../audit/record.ts";
import { ALL_ROLES, MARKETING_ROLES, withOrg } from "../auth/principal.ts";
import { AppError } from "../http/app-error.ts";
import { defineRoute, type RouteDef } from "../http/route.ts";

const READ = { kind: "any", scopes: ["read", "campaigns"] } as const;
const WRITE = { kind: "any", scopes: ["campaigns"] } as const;

const toDto = (s: SegmentRow) => ({ ...s, createdAt: s.createdAt.toISOString(), updatedAt: s.updatedAt.toISOString() });

const isUniqueViolation = (e: unknown) => (e as { code?: string }).code === "23505";

/** Saved filters over contacts, evaluated in SQL (see @mirage/db/segments); their contacts: GET …/contacts?segmentId=. */
export function segmentRoutes(deps: { db: Database }): RouteDef[] {
  const { db } = deps;
  return [
    defineRoute({
      method: "get",
      path: "/orgs/:orgId/segments",
      summary: "Saved segments",
      tags: ["segments"],
      auth: READ,
      roles: ALL_ROLES,
      params: ZOrgIdParams,
      responses: {
        200: {
          description: "Segments",
          schema: z.object({ items: z.array(ZSegment) }),
          example: { items: [ZSegment.meta()?.example] },
        },
      },
      async handler({ params, principal }) {
        const rows = await withOrg(db, principal, params.orgId, ALL_ROLES, (tx) => listSegments(tx, params.orgId));
        return { status: 200, body: { items: rows.map(toDto) } };
      },
    }),
    defineRoute({
      method: "post",
      path: "/orgs/:orgId/segments/count",
      summary: "Count the contacts an (unsaved) filter matches: the preview while a segment is edited",
      tags: ["segments"],
      auth: READ,
      roles: ALL_ROLES,
      params: ZOrgIdParams,
      body: z.strictObject({ filter: ZSegmentFilter }),
      responses: { 200: { description: "The count", schema: ZSegmentCount } },
      async handler({ params, body, principal }) {
        const count = await withOrg(db, principal, params.orgId, ALL_ROLES, (tx) =>
          countSegment(tx, params.orgId, body.filter),
        );
        return { status: 200, body: { count } };
      },
    }),
    defineRoute({
      method: "post",
      path: "/orgs/:orgId/segments",
      summary: "Save a segment",
      tags: ["segments"],
      auth: WRITE,
      roles: MARKETING_ROLES,
      params: ZOrgIdParams,
      body: ZCreateSegmentRequest,
      responses: { 201: { description: "The segment", schema: ZSegment } },
      async handler({ params, body, principal }, req) {
        const row = await withOrg(db, principal, params.orgId, MARKETING_ROLES, async (tx) => {
          const s = await insertSegment(tx, {
            orgId: params.orgId,
            name: body.name,
            description: body.description ?? null,
            filter: body.filter,
            createdBy: principal.userId,
          }).catch((e) => {
            throw isUniqueViolation(e) ? new AppError("conflict", `a segment named "${body.name}" exists`) : e;
          });
          await audit(tx, req, {
            orgId: params.orgId,
            action: "segment.create",
            targetType: "segment",
            targetId: s.id,
          });
          return s;
        });
        return { status: 201, body: toDto(row) };
      },
    }),
    defineRoute({
      method: "get",
      path: "/orgs/:orgId/segments/:segmentId",
      summary: "One segment",
      tags: ["segments"],
      auth: READ,
      roles: ALL_ROLES,
      params: ZSegmentParams,
      responses: { 200: { description: "The segment", schema: ZSegment } },
      async handler({ params, principal }) {
        const row = await withOrg(db, principal, params.orgId, ALL_ROLES, (tx) =>
          findSegment(tx, params.orgId, params.segmentId),
        );
        if (!row) throw new AppError("not_found", "segment not found");
        return { status: 200, body: toDto(row) };
      },
    }),
    defineRoute({
      method: "get",
      path: "/orgs/:orgId/segments/:segmentId/count",
      summary: "How many contacts the segment matches now",
      tags: ["segments"],
      auth: READ,
      roles: ALL_ROLES,
      params: ZSegmentParams,
      responses: { 200: { description: "The count", schema: ZSegmentCount } },
      async handler({ params, principal }) {
        const count = await withOrg(db, principal, params.orgId, ALL_ROLES, async (tx) => {
          const s = await findSegment(tx, params.orgId, params.segmentId);
          if (!s) throw new AppError("not_found", "segment not found");
          return countSegment(tx, params.orgId, s.filter);
        });
        return { status: 200, body: { count } };
      },
    }),
    defineRoute({
      method: "patch",
      path: "/orgs/:orgId/segments/:segmentId",
      summary: "Change a segment",
      tags: ["segments"],
      auth: WRITE,
      roles: MARKETING_ROLES,
      params: ZSegmentParams,
      body: ZUpdateSegmentRequest,
      responses: { 200: { description: "The segment", schema: ZSegment } },
      async handler({ params, body, principal }, req) {
        const row = await withOrg(db, principal, params.orgId, MARKETING_ROLES, async (tx) => {
          const s = await updateSegment(tx, params.orgId, params.segmentId, body).catch((e) => {
            throw isUniqueViolation(e) ? new AppError("conflict", `a segment named "${body.name}" exists`) : e;
          });
          if (!s) throw new AppError("not_found", "segment not found");
          await audit(tx, req, {
            orgId: params.orgId,
            action: "segment.update",
            targetType: "segment",
            targetId: s.id,
          });
          return s;
        });
        return { status: 200, body: toDto(row) };
      },
    }),
    defineRoute({
      method: "delete",
      path: "/orgs/:orgId/segments/:segmentId",
      summary: "Delete a segment (the contacts stay)",
      tags: ["segments"],
      auth: WRITE,
      roles: MARKETING_ROLES,
      params: ZSegmentParams,
      responses: { 204: { description: "Deleted" } },
      async handler({ params, principal }, req) {
        await withOrg(db, principal, params.orgId, MARKETING_ROLES, async (tx) => {
          if (!(await deleteSegment(tx, params.orgId, params.segmentId)))
            throw new AppError("not_found", "segment not found");
          await audit(tx, req, {
            orgId: params.orgId,
            action: "segment.delete",
            targetType: "segment",
            targetId: params.segmentId,
          });
        });
        return { status: 204 };
      },
    }),
  ];
}
