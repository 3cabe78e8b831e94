import { ZAuditEntry, ZListAuditQuery } from "@mirage/contracts/audit";
import { pageOf, ZOrgIdParams } from "@mirage/contracts/common";
import type { Database } from "@mirage/db";
import { listAuditLog } from "@mirage/db/audit-log";
import { ADMIN_ROLES, withOrg } from "../auth/principal.ts";
import { toPage } from "../http/pagination.ts";
import { defineRoute, type RouteDef } from "../http/route.ts";

export function auditRoutes(deps: { db: Database }): RouteDef[] {
  return [
    defineRoute({
      method: "get",
      path: "/orgs/:orgId/audit-log",
      summary:
        "List the organization's audit log, newest first, with who and what in words; filter by action, actor or target",
      tags: ["audit"],
      auth: { kind: "any", scopes: ["admin"] },
      roles: ADMIN_ROLES,
      params: ZOrgIdParams,
      query: ZListAuditQuery,
      responses: {
        200: {
          description: "Audit entries",
          schema: pageOf(ZAuditEntry),
          example: {
            items: [
              {
                id: 7,
                actorUserId: "6f1c0a4e-1d2b-4c3a-9f1e-0a1b2c3d4e5f",
                actorApiKeyId: null,
                action: "api_key.create",
                targetType: "api_key",
                targetId: "3d1f8a2b-6c4e-4b9a-8f7d-2e1c0b9a8d7f",
                actorLabel: "owner@example.com",
                targetLabel: "CRM sync",
                detail: { scopes: ["read"] },
                ip: "203.0.113.7",
                requestId: "5b0c…",
                createdAt: "2026-11-24T10:00:00.000Z",
              },
            ],
            nextBeforeId: null,
          },
        },
      },
      async handler({ params, query, principal }) {
        const rows = await withOrg(deps.db, principal, params.orgId, ADMIN_ROLES, (tx) =>
          listAuditLog(tx, { ...query, orgId: params.orgId, limit: query.limit + 1 }),
        );
        return { status: 200, body: toPage(rows, query.limit) };
      },
    }),
  ];
}
