import { ZOrgIdParams } from "@mirage/contracts/common";
import {
  ZCreateSegmentRequest,
  ZSegment,
  ZSegmentCount,
  ZSegmentCountRequest,
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
import { ALL_ROLES, withOrg } from "../auth/principal.ts";
import { AppError } from "../http/app-error.ts";
import { resourceRoutes, uniqueConflict } from "../http/crud.ts";
import { defineRoute, type RouteDef } from "../http/route.ts";

const READ = { kind: "any", scopes: ["read", "campaigns"] } as const;
const WRITE = { kind: "any", scopes: ["campaigns"] } as const;

const toDto = (s: SegmentRow) => ({ ...s, createdAt: s.createdAt.toISOString(), updatedAt: s.updatedAt.toISOString() });

/** Saved filters over contacts, evaluated in SQL (see @mirage/db/segments); their contacts: GET …/contacts?segmentId=. */
export function segmentRoutes(deps: { db: Database }): RouteDef[] {
  const { db } = deps;
  const segments = resourceRoutes({
    db,
    tags: ["segments"],
    read: READ,
    write: WRITE,
    params: ZSegmentParams,
    id: (p) => p.segmentId,
    schema: ZSegment,
    toDto,
    notFound: "segment not found",
    targetType: "segment",
  });
  const conflict = (name: string | undefined) => uniqueConflict(`a segment named "${name}" exists`);
  return [
    segments.list({
      path: "/orgs/:orgId/segments",
      summary: "Saved segments",
      response: "Segments",
      load: listSegments,
    }),
    defineRoute({
      method: "post",
      path: "/orgs/:orgId/segments/count",
      summary: "Count the contacts an (unsaved) filter matches: the preview while a segment is edited",
      tags: ["segments"],
      auth: READ,
      roles: ALL_ROLES,
      params: ZOrgIdParams,
      body: ZSegmentCountRequest,
      responses: { 200: { description: "The count", schema: ZSegmentCount } },
      async handler({ params, body, principal }) {
        const count = await withOrg(db, principal, params.orgId, ALL_ROLES, (tx) =>
          countSegment(tx, params.orgId, body.filter),
        );
        return { status: 200, body: { count } };
      },
    }),
    segments.create({
      path: "/orgs/:orgId/segments",
      summary: "Save a segment",
      response: "The segment",
      body: ZCreateSegmentRequest,
      create: (tx, { params, body, principal }) =>
        insertSegment(tx, {
          orgId: params.orgId,
          name: body.name,
          description: body.description ?? null,
          filter: body.filter,
          createdBy: principal.userId,
        }).catch(conflict(body.name)),
    }),
    segments.get({
      path: "/orgs/:orgId/segments/:segmentId",
      summary: "One segment",
      response: "The segment",
      find: (tx, p) => findSegment(tx, p.orgId, p.segmentId),
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
    segments.update({
      path: "/orgs/:orgId/segments/:segmentId",
      summary: "Change a segment",
      response: "The segment",
      body: ZUpdateSegmentRequest,
      update: (tx, { params, body }) =>
        updateSegment(tx, params.orgId, params.segmentId, body).catch(conflict(body.name)),
    }),
    segments.remove({
      path: "/orgs/:orgId/segments/:segmentId",
      summary: "Delete a segment (the contacts stay)",
      remove: (tx, p) => deleteSegment(tx, p.orgId, p.segmentId),
    }),
  ];
}
