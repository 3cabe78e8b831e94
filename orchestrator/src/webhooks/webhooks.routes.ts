import { randomBytes } from "node:crypto";
import { listOf, pageOf, ZOrgIdParams } from "@mirage/contracts/common";
import {
  ZCreatedWebhookEndpoint,
  ZCreateWebhookRequest,
  ZDeliveryParams,
  ZListDeliveriesQuery,
  ZUpdateWebhookRequest,
  ZWebhookDelivery,
  ZWebhookDeliveryDetail,
  ZWebhookEndpoint,
  ZWebhookParams,
  ZWebhookTestResponse,
} from "@mirage/contracts/webhooks";
import type { Database } from "@mirage/db";
import {
  deleteWebhookEndpoint,
  enqueueWebhookEvent,
  findWebhookDelivery,
  findWebhookDeliveryDetail,
  findWebhookEndpoint,
  insertWebhookEndpoint,
  listWebhookDeliveries,
  listWebhookEndpoints,
  requestWebhookRedelivery,
  setWebhookSecret,
  updateWebhookEndpoint,
  type WebhookEndpoint,
} from "@mirage/db/webhooks";
import type { KeyRing } from "@mirage/secrets";
import { audit } from "../audit/record.ts";
import { ADMIN_ROLES, withOrg } from "../auth/principal.ts";
import { AppError } from "../http/app-error.ts";
import { toPage } from "../http/pagination.ts";
import { defineRoute, type RouteDef } from "../http/route.ts";
import type { TargetPolicy } from "./ssrf.ts";
import { sealWebhookSecret } from "./webhook-secrets.ts";

/**
 * 404 when there is no such endpoint; 409 with `why` for one the Evolution compatibility routes made (one instance,
 * Evolution's event names and body format), which those routes manage.
 */
function notEvolution(endpoint: WebhookEndpoint | undefined, why: string): asserts endpoint is WebhookEndpoint {
  if (!endpoint) throw new AppError("not_found", "webhook endpoint not found");
  if (endpoint.format === "evolution") throw new AppError("conflict", why);
}

export function webhookRoutes(deps: { db: Database; keyRing: KeyRing; policy: TargetPolicy }): RouteDef[] {
  const { db } = deps;
  const auth = { kind: "any", scopes: ["admin"] } as const;
  const endpointExample = ZWebhookEndpoint.meta()?.example;
  const deliveryExample = ZWebhookDelivery.meta()?.example;

  async function assertSafe(url: string): Promise<void> {
    const check = await deps.policy.checkUrl(url);
    if (!check.ok) {
      throw new AppError("unsafe_webhook_target", `refused webhook target: ${check.reason}`, {
        errors: [{ path: "body.url", message: check.reason }],
      });
    }
  }

  return [
    defineRoute({
      method: "get",
      path: "/orgs/:orgId/webhooks",
      summary: "List webhook endpoints",
      tags: ["webhooks"],
      auth,
      roles: ADMIN_ROLES,
      params: ZOrgIdParams,
      responses: {
        200: { description: "Endpoints", schema: listOf(ZWebhookEndpoint), example: { items: [endpointExample] } },
      },
      async handler({ params, principal }) {
        const items = await withOrg(db, principal, params.orgId, ADMIN_ROLES, (tx) =>
          listWebhookEndpoints(tx, params.orgId),
        );
        return { status: 200, body: { items } };
      },
    }),
    defineRoute({
      method: "post",
      path: "/orgs/:orgId/webhooks",
      summary: "Create a webhook endpoint; the signing secret is in this response only",
      description:
        "Each delivery is a POST with a JSON envelope {id, type, orgId, createdAt, data} and the headers " +
        "Mirage-Event, Mirage-Event-Id (dedupe on it: delivery is at-least-once), Mirage-Delivery and " +
        "Mirage-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + '.' + raw body)>. Refuse signatures " +
        "older than a few minutes. Failed deliveries retry with exponential backoff and jitter, then go dead " +
        "(redeliver them from the deliveries list). Private and loopback targets are refused (422) unless the " +
        "server allows them (WEBHOOK_ALLOW_PRIVATE; the phone-free demo allows its own machine).",
      tags: ["webhooks"],
      auth,
      roles: ADMIN_ROLES,
      params: ZOrgIdParams,
      body: ZCreateWebhookRequest,
      errors: ["unsafe_webhook_target"],
      responses: {
        201: {
          description: "The endpoint with its secret",
          schema: ZCreatedWebhookEndpoint,
          example: { ...(endpointExample as object), secret: "whsec_J1c…" },
        },
      },
      async handler({ params, body, principal }, req) {
        await assertSafe(body.url);
        const secret = `whsec_${randomBytes(32).toString("base64url")}`;
        const row = await withOrg(db, principal, params.orgId, ADMIN_ROLES, async (tx) => {
          const created = await insertWebhookEndpoint(tx, {
            orgId: params.orgId,
            url: body.url,
            events: [...new Set(body.events)],
            enabled: body.enabled,
            description: body.description ?? null,
            createdBy: principal.kind === "user" ? principal.userId : null,
          });
          await setWebhookSecret(tx, {
            endpointId: created.id,
            ...sealWebhookSecret(deps.keyRing, created.id, secret),
          });
          await audit(tx, req, {
            orgId: params.orgId,
            action: "webhook.create",
            targetType: "webhook_endpoint",
            targetId: created.id,
            detail: { url: body.url, events: body.events },
          });
          return created;
        });
        return { status: 201, body: { ...row, secret } };
      },
    }),
    defineRoute({
      method: "get",
      path: "/orgs/:orgId/webhooks/:webhookId",
      summary: "Get a webhook endpoint",
      tags: ["webhooks"],
      auth,
      roles: ADMIN_ROLES,
      params: ZWebhookParams,
      responses: { 200: { description: "The endpoint", schema: ZWebhookEndpoint } },
      async handler({ params, principal }) {
        const row = await withOrg(db, principal, params.orgId, ADMIN_ROLES, (tx) =>
          findWebhookEndpoint(tx, { orgId: params.orgId, id: params.webhookId }),
        );
        if (!row) throw new AppError("not_found", "webhook endpoint not found");
        return { status: 200, body: row };
      },
    }),
    defineRoute({
      method: "patch",
      path: "/orgs/:orgId/webhooks/:webhookId",
      summary: "Change a webhook endpoint's URL, event filter, description or enabled flag",
      tags: ["webhooks"],
      auth,
      roles: ADMIN_ROLES,
      params: ZWebhookParams,
      body: ZUpdateWebhookRequest,
      errors: ["unsafe_webhook_target"],
      responses: { 200: { description: "The endpoint", schema: ZWebhookEndpoint } },
      async handler({ params, body, principal }, req) {
        if (body.url) await assertSafe(body.url);
        const row = await withOrg(db, principal, params.orgId, ADMIN_ROLES, async (tx) => {
          notEvolution(
            await findWebhookEndpoint(tx, { orgId: params.orgId, id: params.webhookId }),
            "an Evolution-format endpoint is edited with POST /evolution/webhook/set/{instance}",
          );
          const updated = await updateWebhookEndpoint(tx, {
            orgId: params.orgId,
            id: params.webhookId,
            url: body.url,
            events: body.events ? [...new Set(body.events)] : undefined,
            enabled: body.enabled,
            description: body.description,
          });
          if (!updated) throw new AppError("not_found", "webhook endpoint not found");
          await audit(tx, req, {
            orgId: params.orgId,
            action: "webhook.update",
            targetType: "webhook_endpoint",
            targetId: params.webhookId,
            detail: body,
          });
          return updated;
        });
        return { status: 200, body: row };
      },
    }),
    defineRoute({
      method: "delete",
      path: "/orgs/:orgId/webhooks/:webhookId",
      summary: "Delete a webhook endpoint and its delivery history",
      tags: ["webhooks"],
      auth,
      roles: ADMIN_ROLES,
      params: ZWebhookParams,
      responses: { 204: { description: "Deleted" } },
      async handler({ params, principal }, req) {
        await withOrg(db, principal, params.orgId, ADMIN_ROLES, async (tx) => {
          await audit(tx, req, {
            orgId: params.orgId,
            action: "webhook.delete",
            targetType: "webhook_endpoint",
            targetId: params.webhookId,
          });
          if (!(await deleteWebhookEndpoint(tx, { orgId: params.orgId, id: params.webhookId }))) {
            throw new AppError("not_found", "webhook endpoint not found");
          }
        });
        return { status: 204 };
      },
    }),
    defineRoute({
      method: "post",
      path: "/orgs/:orgId/webhooks/:webhookId/rotate-secret",
      summary: "Replace the endpoint's signing secret; the new one is in this response only",
      description: "Deliveries from now on are signed with the new secret only (including retries of older events).",
      tags: ["webhooks"],
      auth,
      roles: ADMIN_ROLES,
      params: ZWebhookParams,
      responses: {
        200: {
          description: "The endpoint with its new secret",
          schema: ZCreatedWebhookEndpoint,
          example: { ...(endpointExample as object), secret: "whsec_8fK…" },
        },
      },
      async handler({ params, principal }, req) {
        const secret = `whsec_${randomBytes(32).toString("base64url")}`;
        const row = await withOrg(db, principal, params.orgId, ADMIN_ROLES, async (tx) => {
          const endpoint = await findWebhookEndpoint(tx, { orgId: params.orgId, id: params.webhookId });
          if (!endpoint) throw new AppError("not_found", "webhook endpoint not found");
          await setWebhookSecret(tx, {
            endpointId: endpoint.id,
            ...sealWebhookSecret(deps.keyRing, endpoint.id, secret),
          });
          await audit(tx, req, {
            orgId: params.orgId,
            action: "webhook.rotate_secret",
            targetType: "webhook_endpoint",
            targetId: endpoint.id,
          });
          return endpoint;
        });
        return { status: 200, body: { ...row, secret } };
      },
    }),
    defineRoute({
      method: "post",
      path: "/orgs/:orgId/webhooks/:webhookId/test",
      summary: "Send a webhook:test event to this endpoint (through the outbox, like any event)",
      description:
        "Delivered whatever events the endpoint subscribed to. 409 `conflict` for a disabled endpoint, and for an " +
        "Evolution-format one (Evolution has no test event).",
      tags: ["webhooks"],
      auth,
      roles: ADMIN_ROLES,
      params: ZWebhookParams,
      responses: {
        202: {
          description: "Queued",
          schema: ZWebhookTestResponse,
          example: ZWebhookTestResponse.meta()?.example,
        },
      },
      async handler({ params, principal }, req) {
        const ids = await withOrg(db, principal, params.orgId, ADMIN_ROLES, async (tx) => {
          const endpoint = await findWebhookEndpoint(tx, { orgId: params.orgId, id: params.webhookId });
          if (!endpoint) throw new AppError("not_found", "webhook endpoint not found");
          if (!endpoint.enabled) throw new AppError("conflict", "the endpoint is disabled");
          notEvolution(
            endpoint,
            "an Evolution-format endpoint receives Evolution's events only, and Evolution has no test event",
          );
          await audit(tx, req, {
            orgId: params.orgId,
            action: "webhook.test",
            targetType: "webhook_endpoint",
            targetId: params.webhookId,
          });
          return enqueueWebhookEvent(tx, {
            orgId: params.orgId,
            type: "webhook:test",
            payload: { message: "Hello from Mirage" },
            endpointId: params.webhookId,
          });
        });
        return { status: 202, body: { deliveryIds: ids } };
      },
    }),
    defineRoute({
      method: "get",
      path: "/orgs/:orgId/webhooks/:webhookId/deliveries",
      summary: "List an endpoint's deliveries, newest first (filter by status, e.g. dead)",
      tags: ["webhooks"],
      auth,
      roles: ADMIN_ROLES,
      params: ZWebhookParams,
      query: ZListDeliveriesQuery,
      responses: {
        200: {
          description: "Deliveries",
          schema: pageOf(ZWebhookDelivery),
          example: { items: [deliveryExample], nextBeforeId: null },
        },
      },
      async handler({ params, query, principal }) {
        const rows = await withOrg(db, principal, params.orgId, ADMIN_ROLES, async (tx) => {
          // The parent first, like the delivery detail: another organization's endpoint or none is a 404, not [].
          if (!(await findWebhookEndpoint(tx, { orgId: params.orgId, id: params.webhookId }))) {
            throw new AppError("not_found", "webhook endpoint not found");
          }
          return listWebhookDeliveries(tx, {
            orgId: params.orgId,
            endpointId: params.webhookId,
            status: query.status,
            beforeId: query.beforeId,
            limit: query.limit + 1,
          });
        });
        return { status: 200, body: toPage(rows, query.limit) };
      },
    }),
    defineRoute({
      method: "get",
      path: "/orgs/:orgId/webhooks/:webhookId/deliveries/:deliveryId",
      summary: "Get one delivery with its payload, last status code and error",
      tags: ["webhooks"],
      auth,
      roles: ADMIN_ROLES,
      params: ZDeliveryParams,
      responses: { 200: { description: "The delivery", schema: ZWebhookDeliveryDetail } },
      async handler({ params, principal }) {
        const row = await withOrg(db, principal, params.orgId, ADMIN_ROLES, (tx) =>
          findWebhookDeliveryDetail(tx, { orgId: params.orgId, endpointId: params.webhookId, id: params.deliveryId }),
        );
        if (!row) throw new AppError("not_found", "delivery not found");
        return { status: 200, body: row };
      },
    }),
    defineRoute({
      method: "post",
      path: "/orgs/:orgId/webhooks/:webhookId/deliveries/:deliveryId/redeliver",
      summary: "Redeliver one delivery (for example a dead one), with the same event id",
      tags: ["webhooks"],
      auth,
      roles: ADMIN_ROLES,
      params: ZDeliveryParams,
      responses: { 202: { description: "Queued again", schema: ZWebhookDelivery } },
      async handler({ params, principal }, req) {
        const row = await withOrg(db, principal, params.orgId, ADMIN_ROLES, async (tx) => {
          const found = await findWebhookDelivery(tx, {
            orgId: params.orgId,
            endpointId: params.webhookId,
            id: params.deliveryId,
          });
          if (!found || !(await requestWebhookRedelivery(tx, found.id))) {
            throw new AppError("not_found", "delivery not found");
          }
          await audit(tx, req, {
            orgId: params.orgId,
            action: "webhook.redeliver",
            targetType: "webhook_delivery",
            targetId: String(found.id),
          });
          return findWebhookDelivery(tx, { orgId: params.orgId, endpointId: params.webhookId, id: found.id });
        });
        return { status: 202, body: row };
      },
    }),
  ];
}
