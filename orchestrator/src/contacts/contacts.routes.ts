import { cursorPageOf, ZOrgIdParams } from "@mirage/contracts/common";
import {
  type TConsentState,
  ZContact,
  ZContactCount,
  ZContactDetail,
  ZContactListQuery,
  ZContactParams,
  ZCreateContactRequest,
  ZUpdateContactRequest,
} from "@mirage/contracts/contacts";
import type { TSegmentFilter } from "@mirage/contracts/segments";
import type { Database, Tx } from "@mirage/db";
import {
  addToList,
  type ContactQuery,
  contactPosition,
  countContacts,
  cursorContacts,
  customFieldKeys,
  deleteContact,
  findContact,
  findContactByPhone,
  insertContact,
  listContacts,
  updateContact,
} from "@mirage/db/contacts";
import { findList } from "@mirage/db/lists";
import { findDefaultCountry } from "@mirage/db/organizations";
import { findSegment } from "@mirage/db/segments";
import { z } from "zod";
import { ALL_ROLES, withOrg } from "../auth/principal.ts";
import { AppError } from "../http/app-error.ts";
import { resourceRoutes } from "../http/crud.ts";
import { sendCsv } from "../http/csv.ts";
import { readCursor, toCursorPage } from "../http/pagination.ts";
import { defineRoute, type RouteDef } from "../http/route.ts";
import { EXPORT_COLUMNS, exportCells, toContactDetailDto, toContactDto } from "./dto.ts";
import { phoneFromRequest } from "./phone-input.ts";

const READ = { kind: "any", scopes: ["read", "campaigns"] } as const;
const WRITE = { kind: "any", scopes: ["campaigns"] } as const;

/** A contact's place in the newest-first list: `[created µs, id]` (see contactPosition). */
const ZContactPosition = z.tuple([z.number().int().nonnegative(), z.uuid()]);

/** Turns list/segment/tag/q query parameters into a contact query, checking that the list or segment exists. */
export async function contactSelection(
  tx: Tx,
  orgId: string,
  q: { q?: string; tag?: string; listId?: string; segmentId?: string; consent?: TConsentState; replied?: string },
): Promise<Omit<ContactQuery, "limit" | "after">> {
  if (q.listId && !(await findList(tx, orgId, q.listId))) throw new AppError("not_found", "list not found");
  let filter: ContactQuery["filter"];
  if (q.segmentId) {
    const seg = await findSegment(tx, orgId, q.segmentId);
    if (!seg) throw new AppError("not_found", "segment not found");
    filter = seg.filter;
  }
  const also: TSegmentFilter = {
    ...(q.consent ? { consent: [q.consent] } : {}),
    ...(q.replied ? { replied: q.replied === "true" } : {}),
  };
  return { orgId, q: q.q, tag: q.tag, listId: q.listId, filter, also: Object.keys(also).length > 0 ? also : undefined };
}

export function contactRoutes(deps: { db: Database }): RouteDef[] {
  const { db } = deps;
  const contacts = resourceRoutes({
    db,
    tags: ["contacts"],
    read: READ,
    write: WRITE,
    params: ZContactParams,
    id: (p) => p.contactId,
    schema: ZContact,
    toDto: toContactDto,
    notFound: "contact not found",
    targetType: "contact",
  });
  return [
    defineRoute({
      method: "get",
      path: "/orgs/:orgId/contacts",
      summary: "Search contacts (name prefix, digits of a number, tag, list, segment, consent, replied), newest first",
      description: "Cursor pagination: pass `nextCursor` as `cursor` for the next page; null means the last page.",
      tags: ["contacts"],
      auth: READ,
      roles: ALL_ROLES,
      params: ZOrgIdParams,
      query: ZContactListQuery,
      responses: {
        200: {
          description: "A page of contacts",
          schema: cursorPageOf(ZContact),
          example: { items: [ZContact.meta()?.example], nextCursor: "MTc2NDQ5NjAwMDAwMDAwMC41YzllMmYwYS0" },
        },
      },
      async handler({ params, query, principal }) {
        const position = readCursor(query.cursor, ZContactPosition);
        const after = position ? { us: position[0], id: position[1] } : undefined;
        const rows = await withOrg(db, principal, params.orgId, ALL_ROLES, async (tx) =>
          listContacts(tx, { ...(await contactSelection(tx, params.orgId, query)), limit: query.limit, after }),
        );
        const page = toCursorPage(rows, query.limit, contactPosition);
        return { status: 200, body: { items: page.items.map(toContactDto), nextCursor: page.nextCursor } };
      },
    }),
    defineRoute({
      method: "get",
      path: "/orgs/:orgId/contacts/export.csv",
      summary: "Export contacts (all, or a list, segment, tag or search) as CSV",
      description:
        "UTF-8 with BOM so Excel opens it; cells that a spreadsheet would run as formulas are prefixed with `'`.",
      tags: ["contacts"],
      auth: READ,
      roles: ALL_ROLES,
      params: ZOrgIdParams,
      query: ZContactListQuery.omit({ limit: true, cursor: true }),
      responses: {
        200: {
          description: "UTF-8 CSV with BOM",
          contentType: "text/csv",
          example:
            "phone,name,other_phones,tags,consent,line_type,created_at,cidade\r\n" +
            "+5511999990001,Ana Souza,+551133330000,vip,opted_in,mobile,2026-11-24T10:00:00.000Z,Recife\r\n",
        },
      },
      async handler({ params, query, principal }, _req, res) {
        await withOrg(db, principal, params.orgId, ALL_ROLES, async (tx) => {
          const sel = await contactSelection(tx, params.orgId, query);
          const keys = await customFieldKeys(tx, params.orgId);
          await sendCsv(res, "contacts.csv", [...EXPORT_COLUMNS, ...keys], cursorContacts(tx, sel), (c) =>
            exportCells(c, keys),
          );
        });
        return { status: 200 };
      },
    }),
    defineRoute({
      method: "get",
      path: "/orgs/:orgId/contacts/count",
      summary: "Count the contacts a search matches (the same filters as the list, without paging)",
      description: "What a bulk action on the filter (e.g. POST …/lists/{listId}/members/matching) would act on now.",
      tags: ["contacts"],
      auth: READ,
      roles: ALL_ROLES,
      params: ZOrgIdParams,
      // Not ZContactFilter itself: a named schema would become one $ref, and the parameters would go undocumented.
      query: ZContactListQuery.omit({ limit: true, cursor: true }),
      responses: { 200: { description: "The count", schema: ZContactCount } },
      async handler({ params, query, principal }) {
        const count = await withOrg(db, principal, params.orgId, ALL_ROLES, async (tx) =>
          countContacts(tx, await contactSelection(tx, params.orgId, query)),
        );
        return { status: 200, body: { count } };
      },
    }),
    contacts.create({
      path: "/orgs/:orgId/contacts",
      summary: "Create a contact (the number in any written form)",
      response: "The contact",
      body: ZCreateContactRequest,
      async create(tx, { params, body }) {
        const phone = phoneFromRequest(body.phone, await findDefaultCountry(tx, params.orgId));
        const existing = await findContactByPhone(tx, params.orgId, phone.e164);
        if (existing) throw new AppError("conflict", `a contact with ${phone.e164} exists (id ${existing.id})`);
        const c = await insertContact(tx, {
          orgId: params.orgId,
          phone: phone.e164,
          lineType: phone.lineType,
          name: body.name ?? null,
          customFields: body.customFields ?? {},
          tags: [...new Set(body.tags ?? [])],
          waLid: body.waLid ?? null,
        });
        for (const listId of body.listIds ?? []) {
          if (!(await findList(tx, params.orgId, listId))) throw new AppError("not_found", `list ${listId} not found`);
          await addToList(tx, params.orgId, listId, [c.id]);
        }
        return c;
      },
    }),
    contacts.get({
      path: "/orgs/:orgId/contacts/:contactId",
      summary: "One contact",
      response: "The contact and whether the blacklist blocks it",
      find: (tx, p) => findContact(tx, p.orgId, p.contactId),
      schema: ZContactDetail,
      toDto: toContactDetailDto,
    }),
    contacts.update({
      path: "/orgs/:orgId/contacts/:contactId",
      summary: "Update a contact",
      response: "The contact",
      body: ZUpdateContactRequest,
      detail: (body) => ({ fields: Object.keys(body) }),
      async update(tx, { params, body }) {
        let phone: ReturnType<typeof phoneFromRequest> | undefined;
        if (body.phone !== undefined) {
          phone = phoneFromRequest(body.phone, await findDefaultCountry(tx, params.orgId));
          const other = await findContactByPhone(tx, params.orgId, phone.e164);
          if (other && other.id !== params.contactId)
            throw new AppError("conflict", `another contact has ${phone.e164} (id ${other.id})`);
        }
        return updateContact(tx, params.orgId, params.contactId, {
          phone: phone?.e164,
          lineType: phone?.lineType,
          name: body.name,
          customFields: body.customFields,
          mergeCustomFields: body.mergeCustomFields,
          tags: body.tags ? [...new Set(body.tags)] : undefined,
          waLid: body.waLid,
        });
      },
    }),
    contacts.remove({
      path: "/orgs/:orgId/contacts/:contactId",
      summary: "Delete a contact (its messages stay; use …/erase to delete the person's data under LGPD)",
      remove: (tx, p) => deleteContact(tx, p.orgId, p.contactId),
    }),
  ];
}
