import type { TOrgRole } from "@mirage/contracts/enums";
import {
  EVOLUTION_EVENTS,
  type TEvolutionEvent,
  ZEvolutionInstanceParams,
  ZEvolutionWebhook,
  ZEvolutionWebhookSetRequest,
} from "@mirage/contracts/evolution";
import { type EvolutionWebhook, findEvolutionWebhook, upsertEvolutionWebhook } from "@mirage/db/evolution";
import type { InstanceView } from "@mirage/db/instances";
import { setWebhookSecret } from "@mirage/db/webhooks";
import type { Request } from "express";
import type { z } from "zod";
import { audit } from "../audit/record.ts";
import { type Principal, withOrg } from "../auth/principal.ts";
import { AppError } from "../http/app-error.ts";
import { defineRoute, type RouteDef } from "../http/route.ts";
import { type EvolutionDeps, evolutionRouteBase, withInstance } from "./context.ts";
import { MIRAGE_SOURCES } from "./events.ts";

/** Webhook endpoints are the organization's owners' and admins' to change (as in Mirage's own API). */
const ADMINS: readonly TOrgRole[] = ["owner", "admin"];

type WebhookInput = z.infer<typeof ZEvolutionWebhookSetRequest>["webhook"];

function toDto(w: EvolutionWebhook) {
  return {
    id: w.id,
    url: w.url,
    enabled: w.enabled,
    events: w.events.filter((e) => (EVOLUTION_EVENTS as readonly string[]).includes(e)),
    webhookByEvents: w.byEvents,
    webhookBase64: false,
    createdAt: w.createdAt.toISOString(),
    updatedAt: w.updatedAt.toISOString(),
    instanceId: w.instanceId,
  };
}

/** Evolution event names → what the endpoint stores: the names, plus the Mirage event types they come from. */
function eventFilter(events: string[]): string[] {
  const unknown = events.filter((e) => !(EVOLUTION_EVENTS as readonly string[]).includes(e));
  if (unknown.length > 0) {
    throw new AppError(
      "bad_request",
      `Mirage does not deliver the events ${unknown.join(", ")}; it delivers ${EVOLUTION_EVENTS.join(", ")}`,
    );
  }
  const chosen = (events.length === 0 ? [...EVOLUTION_EVENTS] : events) as TEvolutionEvent[];
  return [...new Set([...chosen, ...chosen.map((e) => MIRAGE_SOURCES[e])])];
}

/**
 * Creates or replaces the instance's Evolution webhook: an endpoint of Mirage's durable outbox in Evolution's
 * format, for this instance only, with a signing secret like every endpoint. Audited.
 */
export async function saveEvolutionWebhook(
  deps: Pick<EvolutionDeps, "db" | "sealSecret" | "policy">,
  principal: Principal,
  req: Request,
  inst: InstanceView,
  input: WebhookInput,
): Promise<ReturnType<typeof toDto>> {
  if (input.base64) throw new AppError("bad_request", "Mirage does not support webhookBase64 (it sends no media)");
  if (input.headers && Object.keys(input.headers).length > 0) {
    throw new AppError("bad_request", "Mirage does not support custom webhook headers; it signs each delivery");
  }
  const events = eventFilter(input.events);
  const check = await deps.policy.checkUrl(input.url);
  if (!check.ok) {
    throw new AppError("unsafe_webhook_target", `refused webhook target: ${check.reason}`, {
      errors: [{ path: "body.webhook.url", message: check.reason }],
    });
  }
  return withOrg(deps.db, principal, inst.orgId, ADMINS, async (tx) => {
    const { webhook, created } = await upsertEvolutionWebhook(tx, {
      orgId: inst.orgId,
      instanceId: inst.id,
      url: input.url,
      enabled: input.enabled,
      events,
      byEvents: input.byEvents,
      createdBy: principal.userId,
    });
    if (created) await setWebhookSecret(tx, { endpointId: webhook.id, ...deps.sealSecret(webhook.id) });
    await audit(tx, req, {
      orgId: inst.orgId,
      action: created ? "webhook.create" : "webhook.update",
      targetType: "webhook_endpoint",
      targetId: webhook.id,
      detail: { via: "evolution", instanceId: inst.id },
    });
    return toDto(webhook);
  });
}

export function evolutionWebhookRoutes(deps: EvolutionDeps): RouteDef[] {
  const base = evolutionRouteBase(deps.basePath);
  return [
    defineRoute({
      ...base,
      method: "post",
      path: "/webhook/set/:instanceName",
      summary: "Evolution: set the instance's webhook (events, webhookByEvents), delivered by Mirage's durable outbox",
      description:
        `Events: ${EVOLUTION_EVENTS.join(", ")}; an empty list means all of them. Deliveries survive restarts and ` +
        "are retried with backoff; each carries Mirage's signature header.",
      auth: { kind: "any", scopes: ["admin"] },
      roles: ADMINS,
      params: ZEvolutionInstanceParams,
      body: ZEvolutionWebhookSetRequest,
      responses: {
        201: { description: "The webhook", schema: ZEvolutionWebhook, example: ZEvolutionWebhook.meta()?.example },
      },
      async handler({ params, body, principal }, req, res) {
        const inst = await withInstance(deps, principal, res, params.instanceName, ADMINS, async (_tx, i) => i);
        return { status: 201, body: await saveEvolutionWebhook(deps, principal, req, inst, body.webhook) };
      },
    }),
    defineRoute({
      ...base,
      method: "get",
      path: "/webhook/find/:instanceName",
      summary: "Evolution: the instance's webhook (null when none is set)",
      auth: { kind: "any", scopes: ["admin"] },
      roles: ADMINS,
      params: ZEvolutionInstanceParams,
      responses: {
        200: {
          description: "The webhook",
          schema: ZEvolutionWebhook.nullable(),
          example: ZEvolutionWebhook.meta()?.example,
        },
      },
      async handler({ params, principal }, _req, res) {
        const found = await withInstance(deps, principal, res, params.instanceName, ADMINS, (tx, i) =>
          findEvolutionWebhook(tx, i.orgId, i.id),
        );
        return { status: 200, body: found ? toDto(found) : null };
      },
    }),
  ];
}
