import { ZOrgIdParams } from "@mirage/contracts/common";
import { ZImportPreview, ZImportPreviewQuery } from "@mirage/contracts/import-preview";
import { ZImport, ZImportErrorsQuery, ZImportList, ZImportParams, ZImportUploadQuery } from "@mirage/contracts/imports";
import type { Database } from "@mirage/db";
import {
  createImport,
  cursorImportErrors,
  deleteImport,
  findContactNames,
  findImport,
  type ImportErrorRow,
  type ImportRow,
  listImportErrors,
  listImports,
} from "@mirage/db/imports";
import { findList } from "@mirage/db/lists";
import { findDefaultCountry } from "@mirage/db/organizations";
import type { Queues } from "@mirage/queue/queues";
import type { Request } from "express";
import type { z } from "zod";
import { audit } from "../audit/record.ts";
import { ALL_ROLES, MARKETING_ROLES, type Principal, withOrg } from "../auth/principal.ts";
import { AppError } from "../http/app-error.ts";
import { sendCsv } from "../http/csv.ts";
import { defineRoute, type RouteDef } from "../http/route.ts";
import { previewImport, upsertNumbers, withRenames } from "./preview.ts";
import { SNIFF_BYTES } from "./sniff.ts";
import { inspectHead, markUploaded, readHead, storeUpload } from "./upload.ts";

const ACCEPTED = ["text/csv", "text/plain", "application/csv", "application/vnd.ms-excel", "application/octet-stream"];

export function toImportDto(row: ImportRow, errors: ImportErrorRow[] = [], warnings: ImportErrorRow[] = []) {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    id: row.id,
    status: row.status,
    filename: row.filename,
    sizeBytes: row.sizeBytes,
    encoding: row.encoding,
    delimiter: row.delimiter,
    mapping: row.mapping ?? null,
    options: row.options,
    counts: { rowsRead: row.rowsRead, imported: row.imported, merged: row.merged, rejected: row.rejected },
    warningCount: row.warningCount,
    error: row.error,
    errorCode: row.errorCode,
    errors,
    warnings,
    createdAt: row.createdAt.toISOString(),
    startedAt: iso(row.startedAt),
    finishedAt: iso(row.finishedAt),
  };
}

export function importRoutes(deps: { db: Database; queues: Queues; maxBytes: number }): RouteDef[] {
  const { db, queues } = deps;

  async function receive(
    params: { orgId: string },
    query: z.infer<typeof ZImportUploadQuery>,
    principal: Principal,
    req: Request,
  ): Promise<{ status: number; body: unknown }> {
    if (req.is("multipart/*") || req.is(["application/json", "application/*+json"])) {
      throw new AppError("unsupported_media_type", "send the CSV file itself as the body (Content-Type text/csv)");
    }
    const userId = principal.userId;
    const defaultCountry = await withOrg(db, principal, params.orgId, MARKETING_ROLES, async (tx) => {
      if (query.listId && !(await findList(tx, params.orgId, query.listId)))
        throw new AppError("not_found", "list not found");
      return query.defaultCountry ?? (await findDefaultCountry(tx, params.orgId));
    });
    const { head, rest, ended } = await readHead(req, SNIFF_BYTES);
    const inspected = inspectHead(head, ended, query);
    const importId = await withOrg(db, principal, params.orgId, MARKETING_ROLES, async (tx) => {
      const id = await createImport(tx, {
        orgId: params.orgId,
        filename: query.filename ?? null,
        options: { tags: query.tags, listId: query.listId ?? null, defaultCountry },
        createdBy: userId,
      });
      await audit(tx, req, {
        orgId: params.orgId,
        action: "contacts.import",
        targetType: "import",
        targetId: id,
        detail: { filename: query.filename ?? null, listId: query.listId ?? null, tags: query.tags },
      });
      return id;
    });
    try {
      const sizeBytes = await storeUpload(db, {
        importId,
        orgId: params.orgId,
        head,
        rest,
        ended,
        maxBytes: deps.maxBytes,
      });
      await markUploaded(db, importId, { sizeBytes, inspected });
      await queues.enqueue("importContacts", { importId, orgId: params.orgId }, { jobId: `import-${importId}` });
    } catch (error) {
      await db.asService((tx) => deleteImport(tx, params.orgId, importId)).catch(() => undefined);
      throw error;
    }
    const row = await withOrg(db, principal, params.orgId, ALL_ROLES, (tx) => findImport(tx, params.orgId, importId));
    if (!row) throw new AppError("not_found", "import not found");
    return { status: 202, body: toImportDto(row) };
  }
  return [
    defineRoute({
      method: "post",
      path: "/orgs/:orgId/imports",
      summary: "Import contacts from a CSV file (the request body is the file)",
      description:
        "Send the file as the raw body (Content-Type text/csv). The encoding (UTF-8 with or without BOM, " +
        "Windows-1252, UTF-16), the delimiter (`,` `;` tab `|`) and the column mapping (pt/es/en headers) are " +
        "detected; override them with the query. Numbers are merged: the same number within the file or already in " +
        "the organization updates one contact. Answers 202 with the import record; progress arrives as " +
        "`import:progress` socket.io events and on GET …/imports/{importId}. A binary file, a workbook, an empty " +
        "file, a header without rows or a file without a phone column is refused (400/415) and nothing is stored.",
      tags: ["imports"],
      auth: { kind: "any", scopes: ["campaigns"] },
      roles: MARKETING_ROLES,
      params: ZOrgIdParams,
      query: ZImportUploadQuery,
      rawBody: { contentTypes: ACCEPTED, description: "The CSV file, as exported by Excel, Google Contacts, Outlook…" },
      responses: { 202: { description: "The import, queued", schema: ZImport } },
      async handler({ params, query, principal }, req, res) {
        try {
          return await receive(params, query, principal, req);
        } catch (error) {
          // A refusal may come before the body was read: the connection cannot carry another request.
          if (!req.complete) res.setHeader("Connection", "close");
          throw error;
        }
      },
    }),
    defineRoute({
      method: "post",
      path: "/orgs/:orgId/imports/preview",
      summary: "Dry run of an import on the beginning of a file: detection, mapping and the first rows as stored",
      description:
        "Send the file (or its first 64 KiB, with `partial=true`) as the raw body, with the same overrides as the " +
        "upload. Answers what the upload would detect (encoding, delimiter, mapping from the header) and its first " +
        "20 rows as they would be stored (E.164 numbers, name, tags, custom fields) or the reason each would be " +
        "rejected, with its line number, and what the import would do to each besides: an invalid extra number " +
        "left out, a merge with an earlier row, a number stored although not valid in its country " +
        "(`number_unlikely`), a contact of the organization it would rename (`renames_contact`, read as the " +
        "caller). Only the first 64 KiB are read; nothing is stored.",
      tags: ["imports"],
      auth: { kind: "any", scopes: ["campaigns"] },
      roles: MARKETING_ROLES,
      params: ZOrgIdParams,
      query: ZImportPreviewQuery,
      rawBody: { contentTypes: ACCEPTED, description: "The CSV file, or its first 64 KiB" },
      responses: { 200: { description: "What the import would do", schema: ZImportPreview } },
      async handler({ params, query, principal }, req, res) {
        try {
          if (req.is("multipart/*") || req.is(["application/json", "application/*+json"])) {
            throw new AppError(
              "unsupported_media_type",
              "send the CSV file itself as the body (Content-Type text/csv)",
            );
          }
          const defaultCountry = await withOrg(
            db,
            principal,
            params.orgId,
            MARKETING_ROLES,
            async (tx) => query.defaultCountry ?? (await findDefaultCountry(tx, params.orgId)),
          );
          const { head, ended } = await readHead(req, SNIFF_BYTES);
          // Only the head is read: the rest of a larger body leaves the connection unusable for another request.
          if (!ended) res.setHeader("Connection", "close");
          const complete = ended && head.length <= SNIFF_BYTES && query.partial !== "true";
          const preview = previewImport(head.subarray(0, SNIFF_BYTES), complete, {
            mapping: query.mapping,
            encoding: query.encoding,
            delimiter: query.delimiter,
            defaultCountry,
            tags: query.tags,
          });
          // The stored contacts the rows would update, read as the caller (RLS), to say which they would rename.
          const numbers = [...new Set(upsertNumbers(preview).values())];
          const current = await withOrg(db, principal, params.orgId, MARKETING_ROLES, (tx) =>
            findContactNames(tx, params.orgId, numbers),
          );
          return { status: 200, body: withRenames(preview, current) };
        } catch (error) {
          // A refusal may come before the body was read: the connection cannot carry another request.
          if (!req.complete) res.setHeader("Connection", "close");
          throw error;
        }
      },
    }),
    defineRoute({
      method: "get",
      path: "/orgs/:orgId/imports",
      summary: "The organization's latest imports",
      tags: ["imports"],
      auth: { kind: "any", scopes: ["read", "campaigns"] },
      roles: ALL_ROLES,
      params: ZOrgIdParams,
      responses: {
        200: {
          description: "Imports, newest first",
          schema: ZImportList,
          example: { items: [ZImport.meta()?.example] },
        },
      },
      async handler({ params, principal }) {
        const rows = await withOrg(db, principal, params.orgId, ALL_ROLES, (tx) => listImports(tx, params.orgId, 100));
        return { status: 200, body: { items: rows.map((r) => toImportDto(r)) } };
      },
    }),
    defineRoute({
      method: "get",
      path: "/orgs/:orgId/imports/:importId",
      summary: "An import: status, counts, its first 100 rejected lines and its first 100 warnings",
      tags: ["imports"],
      auth: { kind: "any", scopes: ["read", "campaigns"] },
      roles: ALL_ROLES,
      params: ZImportParams,
      responses: { 200: { description: "The import", schema: ZImport } },
      async handler({ params, principal }) {
        const out = await withOrg(db, principal, params.orgId, ALL_ROLES, async (tx) => {
          const row = await findImport(tx, params.orgId, params.importId);
          if (!row) throw new AppError("not_found", "import not found");
          return toImportDto(
            row,
            await listImportErrors(tx, params.orgId, params.importId, 100),
            await listImportErrors(tx, params.orgId, params.importId, 100, "warnings"),
          );
        });
        return { status: 200, body: out };
      },
    }),
    defineRoute({
      method: "get",
      path: "/orgs/:orgId/imports/:importId/errors.csv",
      summary: "Every rejected line of an import, as CSV (line, column, raw value, reason, reason code)",
      description:
        "With `kind=warnings`, every number imported with a warning instead (same columns; the code is a " +
        "`ZImportWarningCode`, e.g. `number_unlikely`).",
      tags: ["imports"],
      auth: { kind: "any", scopes: ["read", "campaigns"] },
      roles: ALL_ROLES,
      params: ZImportParams,
      query: ZImportErrorsQuery,
      responses: {
        200: {
          description: "UTF-8 CSV with BOM",
          contentType: "text/csv",
          example:
            "line,column,raw,reason,code\r\n7,Celular,abc,the phone number is not written as a number,not_a_number\r\n",
        },
      },
      async handler({ params, query, principal }, _req, res) {
        const kind = query.kind ?? "rejections";
        await withOrg(db, principal, params.orgId, ALL_ROLES, async (tx) => {
          const row = await findImport(tx, params.orgId, params.importId);
          if (!row) throw new AppError("not_found", "import not found");
          await sendCsv(
            res,
            `import-${params.importId}-${kind === "warnings" ? "warnings" : "errors"}.csv`,
            // The code beside the English sentence: what a spreadsheet filters on, in any language.
            ["line", "column", "raw", "reason", "code"],
            cursorImportErrors(tx, params.orgId, params.importId, kind),
            (e) => [e.line, e.column, e.raw, e.reason, e.code],
          );
        });
        return { status: 200 };
      },
    }),
  ];
}
