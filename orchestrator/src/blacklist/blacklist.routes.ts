import {
  type TBulkBlacklistResponse,
  ZBlacklistCheck,
  ZBlacklistCheckQuery,
  ZBlacklistEntry,
  ZBlacklistImportQuery,
  ZBlacklistImportResponse,
  ZBlacklistParams,
  ZBlacklistQuery,
  ZBulkBlacklistRequest,
  ZBulkBlacklistResponse,
  ZCreateBlacklistRequest,
} from "@mirage/contracts/blacklist";
import { cursorPageOf, ZOrgIdParams } from "@mirage/contracts/common";
import type { TBlacklistSource } from "@mirage/contracts/enums";
import type { Database } from "@mirage/db";
import {
  addBlacklistEntries,
  type BlacklistRow,
  blockingEntries,
  cursorBlacklist,
  deleteBlacklistEntry,
  findBlacklistEntry,
  listBlacklist,
  type NewBlacklistEntry,
} from "@mirage/db/blacklist";
import { findDefaultCountry } from "@mirage/db/organizations";
import { parsePhone, whatsAppCandidates } from "@mirage/phone";
import { z } from "zod";
import { audit } from "../audit/record.ts";
import type { Principal } from "../auth/principal.ts";
import { ALL_ROLES, MARKETING_ROLES, withOrg } from "../auth/principal.ts";
import { phoneFromRequest } from "../contacts/index.ts";
import { AppError } from "../http/app-error.ts";
import { resourceRoutes } from "../http/crud.ts";
import { sendCsv } from "../http/csv.ts";
import { readCursor, toCursorPage } from "../http/pagination.ts";
import { defineRoute, type RouteDef } from "../http/route.ts";
import { readHead } from "../imports/index.ts";
import { BLACKLIST_FILE_MAX_BYTES, readBlacklistFile } from "./blacklist-file.ts";

const READ = { kind: "any", scopes: ["read", "campaigns", "messages:send"] } as const;
const WRITE = { kind: "any", scopes: ["campaigns", "messages:send"] } as const;

const toDto = (b: BlacklistRow) => ({ ...b, createdAt: b.createdAt.toISOString() });

/** An entry's place in the newest-first list: `[created ISO, id]`; millisecond precision is enough here (ties fall
 * back to id order). */
const ZEntryPosition = z.tuple([z.iso.datetime({ offset: true }), z.uuid()]);
const entryPosition = (b: BlacklistRow) => [b.createdAt.toISOString(), b.id] as const;

/** An API key adds entries as source "api"; a person as "manual" unless they say otherwise. */
const defaultSource = (p: Principal): TBlacklistSource => (p.kind === "api_key" ? "api" : "manual");

export function blacklistRoutes(deps: { db: Database }): RouteDef[] {
  const { db } = deps;
  return [
    defineRoute({
      method: "get",
      path: "/orgs/:orgId/blacklist",
      summary: "Blacklist entries, newest first (cursor pagination)",
      tags: ["blacklist"],
      auth: READ,
      roles: ALL_ROLES,
      params: ZOrgIdParams,
      query: ZBlacklistQuery,
      responses: {
        200: {
          description: "A page",
          schema: cursorPageOf(ZBlacklistEntry),
          example: { items: [ZBlacklistEntry.meta()?.example], nextCursor: null },
        },
      },
      async handler({ params, query, principal }) {
        const position = readCursor(query.cursor, ZEntryPosition);
        const rows = await withOrg(db, principal, params.orgId, ALL_ROLES, (tx) =>
          listBlacklist(tx, {
            orgId: params.orgId,
            source: query.source,
            limit: query.limit + 1,
            after: position ? { at: new Date(position[0]), id: position[1] } : undefined,
          }),
        );
        const page = toCursorPage(rows, query.limit, entryPosition);
        return { status: 200, body: { items: page.items.map(toDto), nextCursor: page.nextCursor } };
      },
    }),
    defineRoute({
      method: "get",
      path: "/orgs/:orgId/blacklist/export.csv",
      summary: "The whole blacklist as CSV (phone, wa_lid, source, reason, created_at)",
      tags: ["blacklist"],
      auth: READ,
      roles: ALL_ROLES,
      params: ZOrgIdParams,
      responses: {
        200: {
          description: "UTF-8 CSV with BOM",
          contentType: "text/csv",
          example:
            "phone,wa_lid,hashed,source,reason,created_at\r\n+5511999990001,,,opt_out,PARAR,2026-11-24T10:00:00.000Z\r\n",
        },
      },
      async handler({ params, principal }, _req, res) {
        await withOrg(db, principal, params.orgId, ALL_ROLES, (tx) =>
          sendCsv(
            res,
            "blacklist.csv",
            ["phone", "wa_lid", "hashed", "source", "reason", "created_at"],
            cursorBlacklist(tx, params.orgId),
            (b) => [b.phone, b.waLid, b.hashed ? "yes" : "", b.source, b.reason, b.createdAt.toISOString()],
          ),
        );
        return { status: 200 };
      },
    }),
    defineRoute({
      method: "get",
      path: "/orgs/:orgId/blacklist/check",
      summary: "Whether a number and/or LID is blocked (also through the LID↔phone mapping and erased hashes)",
      tags: ["blacklist"],
      auth: READ,
      roles: ALL_ROLES,
      params: ZOrgIdParams,
      query: ZBlacklistCheckQuery,
      responses: { 200: { description: "The answer", schema: ZBlacklistCheck } },
      async handler({ params, query, principal }) {
        const ids = await withOrg(db, principal, params.orgId, ALL_ROLES, async (tx) => {
          const phones = query.phone
            ? whatsAppCandidates(
                phoneFromRequest(query.phone, await findDefaultCountry(tx, params.orgId), "query.phone").e164,
              )
            : [];
          return blockingEntries(tx, params.orgId, { phones, waLid: query.waLid ?? null });
        });
        return { status: 200, body: { blocked: ids.length > 0, entryIds: ids } };
      },
    }),
    defineRoute({
      method: "post",
      path: "/orgs/:orgId/blacklist",
      summary: "Block a number and/or a WhatsApp LID",
      tags: ["blacklist"],
      auth: WRITE,
      roles: MARKETING_ROLES,
      params: ZOrgIdParams,
      body: ZCreateBlacklistRequest,
      responses: { 201: { description: "The entry", schema: ZBlacklistEntry } },
      async handler({ params, body, principal }, req) {
        const row = await withOrg(db, principal, params.orgId, MARKETING_ROLES, async (tx) => {
          const phone = body.phone
            ? phoneFromRequest(body.phone, await findDefaultCountry(tx, params.orgId)).e164
            : null;
          const { added } = await addBlacklistEntries(
            tx,
            params.orgId,
            [
              {
                phone,
                waLid: body.waLid ?? null,
                source: body.source ?? defaultSource(principal),
                reason: body.reason ?? null,
              },
            ],
            principal.userId,
          );
          const entry = added[0];
          if (!entry) throw new AppError("conflict", "already on the blacklist");
          await audit(tx, req, {
            orgId: params.orgId,
            action: "blacklist.add",
            targetType: "blacklist",
            targetId: entry.id,
            detail: { source: entry.source },
          });
          return entry;
        });
        return { status: 201, body: toDto(row) };
      },
    }),
    defineRoute({
      method: "post",
      path: "/orgs/:orgId/blacklist/bulk",
      summary: "Block many numbers/LIDs at once (up to 10,000); bad ones are reported, the rest added",
      tags: ["blacklist"],
      auth: WRITE,
      roles: MARKETING_ROLES,
      params: ZOrgIdParams,
      body: ZBulkBlacklistRequest,
      responses: { 200: { description: "Outcome", schema: ZBulkBlacklistResponse } },
      async handler({ params, body, principal }, req) {
        const out = await withOrg(db, principal, params.orgId, MARKETING_ROLES, async (tx) => {
          const country = await findDefaultCountry(tx, params.orgId);
          const rejected: TBulkBlacklistResponse["rejected"] = [];
          const entries: NewBlacklistEntry[] = [];
          body.entries.forEach((e, index) => {
            let phone: string | null = null;
            if (e.phone !== undefined) {
              const r = parsePhone(e.phone, { defaultCountry: country });
              if (!r.ok) {
                rejected.push({ index, raw: e.phone, reason: `the phone number ${r.message}`, code: r.reason });
                return;
              }
              phone = r.phone.e164;
            }
            entries.push({
              phone,
              waLid: e.waLid ?? null,
              source: e.source ?? (principal.kind === "api_key" ? "api" : "import"),
              reason: e.reason ?? null,
            });
          });
          const { added, existing } = await addBlacklistEntries(tx, params.orgId, entries, principal.userId);
          await audit(tx, req, {
            orgId: params.orgId,
            action: "blacklist.bulk_add",
            targetType: "blacklist",
            detail: { added: added.length, existing, rejected: rejected.length },
          });
          return { added: added.length, existing, rejected };
        });
        return { status: 200, body: out };
      },
    }),
    defineRoute({
      method: "post",
      path: "/orgs/:orgId/blacklist/import",
      summary: "Block every number/LID of a CSV file (the request body is the file, up to 10 MB)",
      description:
        "Phone columns are recognized as in contact imports (several numbers per cell are all blocked); a `lid` " +
        "column holds WhatsApp LIDs; a `reason`/`motivo` column is kept. Bad lines are reported with their number.",
      tags: ["blacklist"],
      auth: WRITE,
      roles: MARKETING_ROLES,
      params: ZOrgIdParams,
      query: ZBlacklistImportQuery,
      rawBody: { contentTypes: ["text/csv", "text/plain", "application/vnd.ms-excel"], description: "The CSV file" },
      responses: { 200: { description: "Outcome", schema: ZBlacklistImportResponse } },
      async handler({ params, query, principal }, req, res) {
        const { head, ended } = await readHead(req, BLACKLIST_FILE_MAX_BYTES + 1);
        if (!ended || head.length > BLACKLIST_FILE_MAX_BYTES) {
          res.setHeader("Connection", "close");
          throw new AppError("payload_too_large", `the file is larger than ${BLACKLIST_FILE_MAX_BYTES} bytes`);
        }
        const out = await withOrg(db, principal, params.orgId, MARKETING_ROLES, async (tx) => {
          const file = readBlacklistFile(head, {
            defaultCountry: query.defaultCountry ?? (await findDefaultCountry(tx, params.orgId)),
            source: query.source ?? (principal.kind === "api_key" ? "api" : "import"),
            reason: query.reason ?? null,
          });
          let added = 0;
          let existing = 0;
          for (let i = 0; i < file.entries.length; i += 5000) {
            const r = await addBlacklistEntries(tx, params.orgId, file.entries.slice(i, i + 5000), principal.userId);
            added += r.added.length;
            existing += r.existing;
          }
          await audit(tx, req, {
            orgId: params.orgId,
            action: "blacklist.import",
            targetType: "blacklist",
            detail: { added, existing, rejected: file.rejected.length },
          });
          return { added, existing, rejected: file.rejected };
        });
        return { status: 200, body: out };
      },
    }),
    resourceRoutes({
      db,
      tags: ["blacklist"],
      read: READ,
      write: WRITE,
      params: ZBlacklistParams,
      id: (p) => p.entryId,
      schema: ZBlacklistEntry,
      toDto,
      notFound: "blacklist entry not found",
      targetType: "blacklist",
    }).remove({
      path: "/orgs/:orgId/blacklist/:entryId",
      summary: "Unblock (entries of erased contacts cannot be removed: the person asked never to be contacted)",
      response: "Removed",
      action: "remove",
      async remove(tx, p) {
        const entry = await findBlacklistEntry(tx, p.orgId, p.entryId);
        if (!entry) return false;
        if (entry.hashed) throw new AppError("conflict", "this entry keeps an erased person blocked; it stays");
        await deleteBlacklistEntry(tx, p.orgId, p.entryId);
        return true;
      },
    }),
  ];
}
