import {
  ZContactList,
  ZCreateListRequest,
  ZListMembersChanged,
  ZListMembersMatchingRequest,
  ZListMembersMatchingResult,
  ZListMembersRequest,
  ZListParams,
  ZUpdateListRequest,
} from "@mirage/contracts/lists";
import type { Database } from "@mirage/db";
import { addMatchingToList, addToList, removeFromList } from "@mirage/db/contacts";
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
import { audit } from "../audit/record.ts";
import { MARKETING_ROLES, withOrg } from "../auth/principal.ts";
import { AppError } from "../http/app-error.ts";
import { resourceRoutes } from "../http/crud.ts";
import { defineRoute, type RouteDef } from "../http/route.ts";
import { contactSelection } from "./contacts.routes.ts";

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
          schema: ZListMembersChanged,
          example: ZListMembersChanged.meta()?.example,
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

  // A filter, not ids: "select all 5,000 matching" must not send (or cap at) 5,000 ids, and the set is the filter's
  // when the request runs, in one INSERT … SELECT under the caller's RLS.
  const membersMatching = defineRoute({
    method: "post",
    path: "/orgs/:orgId/lists/:listId/members/matching",
    summary: "Add every contact matching a filter to a list (the filters of GET …/contacts)",
    description:
      "The filter has the meaning of the contacts search (`q`, `tag`, `listId`, `segmentId`, `consent`, " +
      "`replied`); `{}` adds every contact of the organization. Answers how many matched, joined and were there.",
    tags: ["lists"],
    auth: WRITE,
    roles: MARKETING_ROLES,
    params: ZListParams,
    body: ZListMembersMatchingRequest,
    responses: {
      200: { description: "How many matched, joined and were members already", schema: ZListMembersMatchingResult },
    },
    async handler({ params, body, principal }, req) {
      const result = await withOrg(db, principal, params.orgId, MARKETING_ROLES, async (tx) => {
        if (!(await findList(tx, params.orgId, params.listId))) throw new AppError("not_found", "list not found");
        const { matched, added } = await addMatchingToList(
          tx,
          params.listId,
          await contactSelection(tx, params.orgId, body.filter),
        );
        await audit(tx, req, {
          orgId: params.orgId,
          action: "list.members.add",
          targetType: "list",
          targetId: params.listId,
          detail: { count: added, matched, filter: body.filter },
        });
        return { matched, added, already: matched - added };
      });
      return { status: 200, body: result };
    },
  });

  const lists = resourceRoutes({
    db,
    tags: ["lists"],
    read: READ,
    write: WRITE,
    params: ZListParams,
    id: (p) => p.listId,
    schema: ZContactList,
    toDto,
    notFound: "list not found",
    targetType: "list",
  });

  return [
    lists.list({
      path: "/orgs/:orgId/lists",
      summary: "Contact lists with their member counts",
      response: "Lists",
      load: listLists,
    }),
    lists.create({
      path: "/orgs/:orgId/lists",
      summary: "Create a list",
      response: "The list",
      body: ZCreateListRequest,
      async create(tx, { params, body }) {
        if (await findListByName(tx, params.orgId, body.name))
          throw new AppError("conflict", `a list named "${body.name}" exists`);
        return insertList(tx, { orgId: params.orgId, name: body.name, description: body.description ?? null });
      },
    }),
    lists.get({
      path: "/orgs/:orgId/lists/:listId",
      summary: "One list (its contacts: GET …/contacts?listId=…, or …/contacts/export.csv?listId=…)",
      response: "The list",
      find: (tx, p) => findList(tx, p.orgId, p.listId),
    }),
    lists.update({
      path: "/orgs/:orgId/lists/:listId",
      summary: "Rename or describe a list",
      response: "The list",
      body: ZUpdateListRequest,
      async update(tx, { params, body }) {
        if (body.name) {
          const other = await findListByName(tx, params.orgId, body.name);
          if (other && other.id !== params.listId) throw new AppError("conflict", `a list named "${body.name}" exists`);
        }
        return updateList(tx, params.orgId, params.listId, body);
      },
    }),
    lists.remove({
      path: "/orgs/:orgId/lists/:listId",
      summary: "Delete a list (its contacts stay)",
      remove: (tx, p) => deleteList(tx, p.orgId, p.listId),
    }),
    members("add"),
    membersMatching,
    members("remove"),
  ];
}
