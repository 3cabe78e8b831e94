import { ZOrgIdParams } from "@mirage/contracts/common";
import {
  ZContactList,
  ZCreateListRequest,
  ZListMembersRequest,
  ZListParams,
  ZUpdateListRequest,
} from "@mirage/contracts/contacts";
import type { Database } from "@mirage/db";
import { addToList, removeFromList } from "@mirage/db/contacts";
import {
  deleteList,
  existingContactIds,
  findList,
  findListByName,
  insertList,
  type ListRow,
  listLists,
  updateList,
} from "@mirage/db/lists";
import { z } from "zod";
import { audit } from "../audit/record.ts";
import { ALL_ROLES, MARKETING_ROLES, withOrg } from "../auth/principal.ts";
import { AppError } from "../http/app-error.ts";
import { defineRoute, type RouteDef } from "../http/route.ts";

const READ = { kind: "any", scopes: ["read", "campaigns"] } as const;
const WRITE = { kind: "any", scopes: ["campaigns"] } as const;

const toDto = (l: ListRow) => ({ ...l, createdAt: l.createdAt.toISOString(), updatedAt: l.updatedAt.toISOString() });

export function listRoutes(deps: { db: Database }): RouteDef[] {
  const { db } = deps;
  const members = (op: "add" | "remove"): RouteDef =>
    defineRoute({
      method: op === "add" ? "post" : "delete",
      path: "/orgs/:orgId/lists/:listId/members",
      summary: op === "add" ? "Add contacts to a list" : "Remove contacts from a list",
      tags: ["lists"],
      auth: WRITE,
      roles: MARKETING_ROLES,
      params: ZListParams,
      body: ZListMembersRequest,
      responses: {
        200: {
          description: "How many changed",
          schema: z.object({ changed: z.number().int() }),
          example: { changed: 3 },
        },
      },
      async handler({ params, body, principal }, req) {
        const changed = await withOrg(db, principal, params.orgId, MARKETING_ROLES, async (tx) => {
          if (!(await findList(tx, params.orgId, params.listId))) throw new AppError("not_found", "list not found");
          const ids = [...new Set(body.contactIds)];
          if (op === "add") {
            const known = await existingContactIds(tx, params.orgId, ids);
            const unknown = ids.filter((id) => !known.has(id));
            if (unknown.length > 0) {
              throw new AppError("validation_failed", "some contacts do not exist", {
                errors: unknown.slice(0, 20).map((id) => ({ path: "body.contactIds", message: `${id} not found` })),
              });
            }
          }
          const n =
            op === "add"
              ? await addToList(tx, params.orgId, params.listId, ids)
              : await removeFromList(tx, params.orgId, params.listId, ids);
          await audit(tx, req, {
            orgId: params.orgId,
            action: `list.members.${op}`,
            targetType: "list",
            targetId: params.listId,
            detail: { count: n },
          });
          return n;
        });
        return { status: 200, body: { changed } };
      },
    });

  return [
    defineRoute({
      method: "get",
      path: "/orgs/:orgId/lists",
      summary: "Contact lists with their member counts",
      tags: ["lists"],
      auth: READ,
      roles: ALL_ROLES,
      params: ZOrgIdParams,
      responses: {
        200: {
          description: "Lists",
          schema: z.object({ items: z.array(ZContactList) }),
          example: { items: [ZContactList.meta()?.example] },
        },
      },
      async handler({ params, principal }) {
        const rows = await withOrg(db, principal, params.orgId, ALL_ROLES, (tx) => listLists(tx, params.orgId));
        return { status: 200, body: { items: rows.map(toDto) } };
      },
    }),
    defineRoute({
      method: "post",
      path: "/orgs/:orgId/lists",
      summary: "Create a list",
      tags: ["lists"],
      auth: WRITE,
      roles: MARKETING_ROLES,
      params: ZOrgIdParams,
      body: ZCreateListRequest,
      responses: { 201: { description: "The list", schema: ZContactList } },
      async handler({ params, body, principal }, req) {
        const row = await withOrg(db, principal, params.orgId, MARKETING_ROLES, async (tx) => {
          if (await findListByName(tx, params.orgId, body.name))
            throw new AppError("conflict", `a list named "${body.name}" exists`);
          const l = await insertList(tx, {
            orgId: params.orgId,
            name: body.name,
            description: body.description ?? null,
          });
          await audit(tx, req, { orgId: params.orgId, action: "list.create", targetType: "list", targetId: l.id });
          return l;
        });
        return { status: 201, body: toDto(row) };
      },
    }),
    defineRoute({
      method: "get",
      path: "/orgs/:orgId/lists/:listId",
      summary: "One list (its contacts: GET …/contacts?listId=…, or …/contacts/export.csv?listId=…)",
      tags: ["lists"],
      auth: READ,
      roles: ALL_ROLES,
      params: ZListParams,
      responses: { 200: { description: "The list", schema: ZContactList } },
      async handler({ params, principal }) {
        const row = await withOrg(db, principal, params.orgId, ALL_ROLES, (tx) =>
          findList(tx, params.orgId, params.listId),
        );
        if (!row) throw new AppError("not_found", "list not found");
        return { status: 200, body: toDto(row) };
      },
    }),
    defineRoute({
      method: "patch",
      path: "/orgs/:orgId/lists/:listId",
      summary: "Rename or describe a list",
      tags: ["lists"],
      auth: WRITE,
      roles: MARKETING_ROLES,
      params: ZListParams,
      body: ZUpdateListRequest,
      responses: { 200: { description: "The list", schema: ZContactList } },
      async handler({ params, body, principal }, req) {
        const row = await withOrg(db, principal, params.orgId, MARKETING_ROLES, async (tx) => {
          if (body.name) {
            const other = await findListByName(tx, params.orgId, body.name);
            if (other && other.id !== params.listId)
              throw new AppError("conflict", `a list named "${body.name}" exists`);
          }
          const l = await updateList(tx, params.orgId, params.listId, body);
          if (!l) throw new AppError("not_found", "list not found");
          await audit(tx, req, { orgId: params.orgId, action: "list.update", targetType: "list", targetId: l.id });
          return l;
        });
        return { status: 200, body: toDto(row) };
      },
    }),
    defineRoute({
      method: "delete",
      path: "/orgs/:orgId/lists/:listId",
      summary: "Delete a list (its contacts stay)",
      tags: ["lists"],
      auth: WRITE,
      roles: MARKETING_ROLES,
      params: ZListParams,
      responses: { 204: { description: "Deleted" } },
      async handler({ params, principal }, req) {
        await withOrg(db, principal, params.orgId, MARKETING_ROLES, async (tx) => {
          if (!(await deleteList(tx, params.orgId, params.listId))) throw new AppError("not_found", "list not found");
          await audit(tx, req, {
            orgId: params.orgId,
            action: "list.delete",
            targetType: "list",
            targetId: params.listId,
          });
        });
        return { status: 204 };
      },
    }),
    members("add"),
    members("remove"),
  ];
}
