import { listOf, ZOrgIdParams } from "@mirage/contracts/common";
import type { TApiKeyScope, TOrgRole } from "@mirage/contracts/enums";
import type { Database, Tx } from "@mirage/db";
import type { Request } from "express";
import type { z } from "zod";
import { audit } from "../audit/record.ts";
import { ALL_ROLES, MARKETING_ROLES, type Principal, withOrg } from "../auth/principal.ts";
import { AppError } from "./app-error.ts";
import { defineRoute, type RouteDef } from "./route.ts";

type Auth = { kind: "any"; scopes: readonly TApiKeyScope[] };
type OrgParams = { orgId: string };

/** What every route of one resource shares; see {@link resourceRoutes}. */
export type Resource<P extends OrgParams, Row extends { id: string }> = {
  db: Database;
  /** OpenAPI tags of every route. */
  tags: string[];
  /** Who may read (list, get): any of these scopes for an API key; people with `readRoles`. */
  read: Auth;
  /** Who may write (create, update, delete): any of these scopes for an API key; people with `writeRoles`. */
  write: Auth;
  /** Default ALL_ROLES. */
  readRoles?: readonly TOrgRole[];
  /** Default MARKETING_ROLES. */
  writeRoles?: readonly TOrgRole[];
  /** Path parameters of one item (`{ orgId, <thing>Id }`) and the item id among them. */
  params: z.ZodType<P>;
  id: (params: P) => string;
  /** The item's response schema. */
  schema: z.ZodType;
  /** Row → response body, inside the transaction (some DTOs read more). */
  toDto: (row: Row, tx: Tx, orgId: string) => unknown;
  /** The not_found message, e.g. "segment not found". */
  notFound: string;
  /** Audit: the target type, and the action prefix (`<prefix>.create|update|delete`). */
  targetType: string;
  auditPrefix?: string;
};

type Doc = { path: string; summary: string; description?: string };
type Write<P, B> = { params: P; body: B; principal: Principal; req: Request };

/**
 * The handler shapes the audience features (contacts, lists, segments, templates, blacklist) repeat, each one route:
 * list (every item of the organization), get by id (404 when absent), create (201, audited), update (200, 404,
 * audited) and delete (204, 404, audited). Reads run as the caller with `readRoles`, writes with `writeRoles`, each in
 * one transaction that also writes the audit entry. Routes whose logic differs keep their own `defineRoute`.
 */
export function resourceRoutes<P extends OrgParams, Row extends { id: string }>(r: Resource<P, Row>) {
  const readRoles = r.readRoles ?? ALL_ROLES;
  const writeRoles = r.writeRoles ?? MARKETING_ROLES;
  const prefix = r.auditPrefix ?? r.targetType;
  /** What every route of the resource documents the same way: tags, path, summary, who may call it. */
  const base = (d: Doc, method: "get" | "post" | "patch" | "delete", write: boolean) => ({
    method,
    path: d.path,
    summary: d.summary,
    ...(d.description ? { description: d.description } : {}),
    tags: r.tags,
    auth: write ? r.write : r.read,
    roles: write ? writeRoles : readRoles,
  });
  /** The audit entry of a write: `<prefix>.<action>` on the item. */
  const record = (tx: Tx, req: Request, orgId: string, action: string, targetId: string, detail?: object) =>
    audit(tx, req, {
      orgId,
      action: `${prefix}.${action}`,
      targetType: r.targetType,
      targetId,
      ...(detail ? { detail: { ...detail } } : {}),
    });
  return {
    /** GET: `{ items }`, every item `load` answers, in its order. */
    list(d: Doc & { response: string; load: (tx: Tx, orgId: string) => Promise<Row[]> }): RouteDef {
      return defineRoute({
        ...base(d, "get", false),
        params: ZOrgIdParams,
        responses: {
          200: {
            description: d.response,
            schema: listOf(r.schema),
            example: { items: [r.schema.meta()?.example] },
          },
        },
        async handler({ params, principal }) {
          const items = await withOrg(r.db, principal, params.orgId, readRoles, async (tx) => {
            const rows = await d.load(tx, params.orgId);
            return Promise.all(rows.map((row) => r.toDto(row, tx, params.orgId)));
          });
          return { status: 200, body: { items } };
        },
      });
    },
    /**
     * GET one item: 404 with `notFound` when `find` answers nothing. `schema` and `toDto` replace the resource's when
     * one item says more than a list's item (a contact's blacklist state).
     */
    get(
      d: Doc & {
        response: string;
        find: (tx: Tx, params: P) => Promise<Row | undefined>;
        schema?: z.ZodType;
        toDto?: (row: Row, tx: Tx, orgId: string) => unknown;
      },
    ): RouteDef {
      const toDto = d.toDto ?? r.toDto;
      return defineRoute({
        ...base(d, "get", false),
        params: r.params,
        responses: { 200: { description: d.response, schema: d.schema ?? r.schema } },
        async handler({ params, principal }) {
          const body = await withOrg(r.db, principal, params.orgId, readRoles, async (tx) => {
            const row = await d.find(tx, params);
            if (!row) throw new AppError("not_found", r.notFound);
            return toDto(row, tx, params.orgId);
          });
          return { status: 200, body };
        },
      });
    },
    /** POST: `create` the item (throwing its own conflicts), audit `<prefix>.create`, answer 201 with it. */
    create<B>(
      d: Doc & {
        response: string;
        body: z.ZodType<B>;
        create: (tx: Tx, input: Write<OrgParams, B>) => Promise<Row>;
      },
    ): RouteDef {
      return defineRoute({
        ...base(d, "post", true),
        params: ZOrgIdParams,
        body: d.body,
        responses: { 201: { description: d.response, schema: r.schema } },
        async handler({ params, body, principal }, req) {
          const out = await withOrg(r.db, principal, params.orgId, writeRoles, async (tx) => {
            const row = await d.create(tx, { params, body, principal, req });
            await record(tx, req, params.orgId, "create", row.id);
            return r.toDto(row, tx, params.orgId);
          });
          return { status: 201, body: out };
        },
      });
    },
    /** PATCH: `update` answers the changed item or nothing (404); audited as `<prefix>.update`, with `detail`. */
    update<B>(
      d: Doc & {
        response: string;
        body: z.ZodType<B>;
        update: (tx: Tx, input: Write<P, B>) => Promise<Row | undefined>;
        detail?: (body: B) => Record<string, unknown>;
      },
    ): RouteDef {
      return defineRoute({
        ...base(d, "patch", true),
        params: r.params,
        body: d.body,
        responses: { 200: { description: d.response, schema: r.schema } },
        async handler({ params, body, principal }, req) {
          const out = await withOrg(r.db, principal, params.orgId, writeRoles, async (tx) => {
            const row = await d.update(tx, { params, body, principal, req });
            if (!row) throw new AppError("not_found", r.notFound);
            await record(tx, req, params.orgId, "update", row.id, d.detail?.(body));
            return r.toDto(row, tx, params.orgId);
          });
          return { status: 200, body: out };
        },
      });
    },
    /** DELETE: `remove` answers whether the item existed (404 when not); audited as `<prefix>.<action>`, 204. */
    remove(
      d: Doc & {
        response?: string;
        /** Audit action suffix (default "delete"). */
        action?: string;
        remove: (tx: Tx, params: P) => Promise<boolean>;
      },
    ): RouteDef {
      return defineRoute({
        ...base(d, "delete", true),
        params: r.params,
        responses: { 204: { description: d.response ?? "Deleted" } },
        async handler({ params, principal }, req) {
          await withOrg(r.db, principal, params.orgId, writeRoles, async (tx) => {
            // Recorded first, while the item still exists: the entry keeps its name (rolled back with a 404).
            await record(tx, req, params.orgId, d.action ?? "delete", r.id(params));
            if (!(await d.remove(tx, params))) throw new AppError("not_found", r.notFound);
          });
          return { status: 204 };
        },
      });
    },
  };
}

/**
 * A `.catch` handler for inserts and updates guarded by a unique index: a unique violation (23505) becomes
 * AppError `conflict` with `message`; anything else is rethrown as it is.
 */
export function uniqueConflict(message: string): (e: unknown) => never {
  return (e) => {
    throw (e as { code?: string }).code === "23505" ? new AppError("conflict", message) : e;
  };
}
