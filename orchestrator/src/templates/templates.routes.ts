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
import type { z } from "zod";
import { ALL_ROLES, withOrg } from "../auth/principal.ts";
import { contactSelection } from "../contacts/index.ts";
import { AppError } from "../http/app-error.ts";
import { resourceRoutes, uniqueConflict } from "../http/crud.ts";
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

export function templateRoutes(deps: { db: Database }): RouteDef[] {
  const { db } = deps;
  const templates = resourceRoutes({
    db,
    tags: ["templates"],
    read: READ,
    write: WRITE,
    params: ZTemplateParams,
    id: (p) => p.templateId,
    schema: ZTemplate,
    toDto: (t: TemplateRow, tx, orgId) => toDto(tx, orgId, t),
    notFound: "template not found",
    targetType: "template",
  });
  const conflict = (name: string | undefined) => uniqueConflict(`a template named "${name}" exists`);

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
      contacts = (await listContacts(tx, { ...sel, limit: req.count })).slice(0, req.count);
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
    templates.list({
      path: "/orgs/:orgId/templates",
      summary: "Message templates, with their variables and warnings",
      response: "Templates",
      load: listTemplates,
    }),
    templates.create({
      path: "/orgs/:orgId/templates",
      summary: "Create a template: `{{first_name|cliente}}` variables, `{Olá|Oi}` spintax (nested), variations",
      response: "The template with its warnings",
      body: ZCreateTemplateRequest,
      create: (tx, { params, body, principal }) =>
        insertTemplate(tx, {
          orgId: params.orgId,
          name: body.name,
          body: body.body,
          variations: body.variations ?? [],
          createdBy: principal.userId,
        }).catch(conflict(body.name)),
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
    templates.get({
      path: "/orgs/:orgId/templates/:templateId",
      summary: "One template",
      response: "The template",
      find: (tx, p) => findTemplate(tx, p.orgId, p.templateId),
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
    templates.update({
      path: "/orgs/:orgId/templates/:templateId",
      summary: "Change a template",
      response: "The template",
      body: ZUpdateTemplateRequest,
      update: (tx, { params, body }) =>
        updateTemplate(tx, params.orgId, params.templateId, body).catch(conflict(body.name)),
    }),
    templates.remove({
      path: "/orgs/:orgId/templates/:templateId",
      summary: "Delete a template",
      remove: (tx, p) => deleteTemplate(tx, p.orgId, p.templateId),
    }),
  ];
}
