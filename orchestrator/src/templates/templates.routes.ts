import { ZOrgIdParams } from "@mirage/contracts/common";
import {
  ZCreateTemplateRequest,
  ZTemplate,
  ZTemplateParams,
  ZTemplatePreview,
  ZTemplatePreviewRequest,
  ZUpdateTemplateRequest,
} from "@mirage/contracts/templates";
import type { Database, Tx } from "@mirage/db";
import { type ContactRow, customFieldKeys, findContacts, listContacts } from "@mirage/db/contacts";
import {
  deleteTemplate,
  findTemplate,
  insertTemplate,
  listTemplates,
  type TemplateRow,
  updateTemplate,
} from "@mirage/db/templates";
import { analyzeTemplate, pickVariant, renderTemplate, seededRandom } from "@mirage/templates";
import { z } from "zod";
import { audit } from "../audit/record.ts";
import { ALL_ROLES, MARKETING_ROLES, withOrg } from "../auth/principal.ts";
import { contactSelection } from "../contacts/index.ts";
import { AppError } from "../http/app-error.ts";
import { defineRoute, type RouteDef } from "../http/route.ts";

const READ = { kind: "any", scopes: ["read", "campaigns"] } as const;
const WRITE = { kind: "any", scopes: ["campaigns"] } as const;

async function toDto(tx: Tx, orgId: string, t: TemplateRow) {
  const a = analyzeTemplate([t.body, ...t.variations], { knownFields: await customFieldKeys(tx, orgId) });
  return {
    ...t,
    variables: a.variables,
    warnings: a.warnings,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
  };
}

const isUniqueViolation = (e: unknown) => (e as { code?: string }).code === "23505";

export function templateRoutes(deps: { db: Database }): RouteDef[] {
  const { db } = deps;

  /** Renders the variants for real contacts: the same seed gives the same texts (what a worker would send). */
  async function preview(
    tx: Tx,
    orgId: string,
    variants: string[],
    req: z.infer<typeof ZTemplatePreviewRequest>,
  ): Promise<z.infer<typeof ZTemplatePreview>> {
    let contacts: ContactRow[];
    if (req.contactIds) {
      contacts = await findContacts(tx, orgId, req.contactIds);
      if (contacts.length !== new Set(req.contactIds).size) throw new AppError("not_found", "some contacts not found");
    } else {
      const sel = await contactSelection(tx, orgId, { listId: req.listId, segmentId: req.segmentId });
      contacts = (await listContacts(tx, { ...sel, limit: req.count })).items;
    }
    const sample = contacts.map((c) => ({ name: c.name, phone: c.phone, customFields: c.customFields, tags: c.tags }));
    const analysis = analyzeTemplate(variants, {
      knownFields: await customFieldKeys(tx, orgId),
      sampleContacts: sample,
    });
    const renderings = contacts.map((c, i) => {
      const random = seededRandom(`${req.seed ?? "preview"}:${c.id}`);
      const variant = pickVariant(variants.length, random);
      const out = renderTemplate(variants[variant] ?? "", sample[i] ?? {}, random);
      return { contactId: c.id, phone: c.phone, variant, text: out.text, missing: out.missing };
    });
    return { renderings, ...analysis };
  }

  return [
    defineRoute({
      method: "get",
      path: "/orgs/:orgId/templates",
      summary: "Message templates, with their variables and warnings",
      tags: ["templates"],
      auth: READ,
      roles: ALL_ROLES,
      params: ZOrgIdParams,
      responses: {
        200: {
          description: "Templates",
          schema: z.object({ items: z.array(ZTemplate) }),
          example: { items: [ZTemplate.meta()?.example] },
        },
      },
      async handler({ params, principal }) {
        const items = await withOrg(db, principal, params.orgId, ALL_ROLES, async (tx) => {
          const rows = await listTemplates(tx, params.orgId);
          return Promise.all(rows.map((t) => toDto(tx, params.orgId, t)));
        });
        return { status: 200, body: { items } };
      },
    }),
    defineRoute({
      method: "post",
      path: "/orgs/:orgId/templates",
      summary: "Create a template: `{{first_name|cliente}}` variables, `{Olá|Oi}` spintax (nested), variations",
      tags: ["templates"],
      auth: WRITE,
      roles: MARKETING_ROLES,
      params: ZOrgIdParams,
      body: ZCreateTemplateRequest,
      responses: { 201: { description: "The template with its warnings", schema: ZTemplate } },
      async handler({ params, body, principal }, req) {
        const out = await withOrg(db, principal, params.orgId, MARKETING_ROLES, async (tx) => {
          const t = await insertTemplate(tx, {
            orgId: params.orgId,
            name: body.name,
            body: body.body,
            variations: body.variations ?? [],
            createdBy: principal.userId,
          }).catch((e) => {
            throw isUniqueViolation(e) ? new AppError("conflict", `a template named "${body.name}" exists`) : e;
          });
          await audit(tx, req, {
            orgId: params.orgId,
            action: "template.create",
            targetType: "template",
            targetId: t.id,
          });
          return toDto(tx, params.orgId, t);
        });
        return { status: 201, body: out };
      },
    }),
    defineRoute({
      method: "post",
      path: "/orgs/:orgId/templates/preview",
      summary: "Preview unsaved template text for real contacts",
      tags: ["templates"],
      auth: READ,
      roles: ALL_ROLES,
      params: ZOrgIdParams,
      body: ZTemplatePreviewRequest,
      responses: { 200: { description: "Renderings and warnings", schema: ZTemplatePreview } },
      async handler({ params, body, principal }) {
        if (!body.body) throw new AppError("validation_failed", "give the text to preview as body");
        const variants = [body.body, ...(body.variations ?? [])];
        const out = await withOrg(db, principal, params.orgId, ALL_ROLES, (tx) =>
          preview(tx, params.orgId, variants, body),
        );
        return { status: 200, body: out };
      },
    }),
    defineRoute({
      method: "get",
      path: "/orgs/:orgId/templates/:templateId",
      summary: "One template",
      tags: ["templates"],
      auth: READ,
      roles: ALL_ROLES,
      params: ZTemplateParams,
      responses: { 200: { description: "The template", schema: ZTemplate } },
      async handler({ params, principal }) {
        const out = await withOrg(db, principal, params.orgId, ALL_ROLES, async (tx) => {
          const t = await findTemplate(tx, params.orgId, params.templateId);
          if (!t) throw new AppError("not_found", "template not found");
          return toDto(tx, params.orgId, t);
        });
        return { status: 200, body: out };
      },
    }),
    defineRoute({
      method: "post",
      path: "/orgs/:orgId/templates/:templateId/preview",
      summary: "Render the template for N real contacts (of a list or segment, or named), with warnings",
      tags: ["templates"],
      auth: READ,
      roles: ALL_ROLES,
      params: ZTemplateParams,
      body: ZTemplatePreviewRequest,
      responses: { 200: { description: "Renderings and warnings", schema: ZTemplatePreview } },
      async handler({ params, body, principal }) {
        const out = await withOrg(db, principal, params.orgId, ALL_ROLES, async (tx) => {
          const t = await findTemplate(tx, params.orgId, params.templateId);
          if (!t) throw new AppError("not_found", "template not found");
          return preview(tx, params.orgId, [body.body ?? t.body, ...(body.variations ?? t.variations)], body);
        });
        return { status: 200, body: out };
      },
    }),
    defineRoute({
      method: "patch",
      path: "/orgs/:orgId/templates/:templateId",
      summary: "Change a template",
      tags: ["templates"],
      auth: WRITE,
      roles: MARKETING_ROLES,
      params: ZTemplateParams,
      body: ZUpdateTemplateRequest,
      responses: { 200: { description: "The template", schema: ZTemplate } },
      async handler({ params, body, principal }, req) {
        const out = await withOrg(db, principal, params.orgId, MARKETING_ROLES, async (tx) => {
          const t = await updateTemplate(tx, params.orgId, params.templateId, body).catch((e) => {
            throw isUniqueViolation(e) ? new AppError("conflict", `a template named "${body.name}" exists`) : e;
          });
          if (!t) throw new AppError("not_found", "template not found");
          await audit(tx, req, {
            orgId: params.orgId,
            action: "template.update",
            targetType: "template",
            targetId: t.id,
          });
          return toDto(tx, params.orgId, t);
        });
        return { status: 200, body: out };
      },
    }),
    defineRoute({
      method: "delete",
      path: "/orgs/:orgId/templates/:templateId",
      summary: "Delete a template",
      tags: ["templates"],
      auth: WRITE,
      roles: MARKETING_ROLES,
      params: ZTemplateParams,
      responses: { 204: { description: "Deleted" } },
      async handler({ params, principal }, req) {
        await withOrg(db, principal, params.orgId, MARKETING_ROLES, async (tx) => {
          if (!(await deleteTemplate(tx, params.orgId, params.templateId)))
            throw new AppError("not_found", "template not found");
          await audit(tx, req, {
            orgId: params.orgId,
            action: "template.delete",
            targetType: "template",
            targetId: params.templateId,
          });
        });
        return { status: 204 };
      },
    }),
  ];
}
