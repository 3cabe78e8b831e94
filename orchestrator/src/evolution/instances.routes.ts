import { randomUUID } from "node:crypto";
import type { TOrgRole } from "@mirage/contracts/enums";
import {
  ZEvolutionConnectionState,
  ZEvolutionCreateInstanceRequest,
  ZEvolutionFetchInstancesQuery,
  ZEvolutionInstanceParams,
  ZEvolutionInstanceSummary,
  ZEvolutionQrCode,
  ZEvolutionStatusResponse,
} from "@mirage/contracts/evolution";
import { insertEvolutionToken } from "@mirage/db/evolution";
import {
  deleteInstance,
  findInstanceStatus,
  type InstanceView,
  insertInstance,
  listInstanceViews,
} from "@mirage/db/instances";
import { parsePhone } from "@mirage/phone";
import { z } from "zod";
import { audit } from "../audit/record.ts";
import { ALL_ROLES, withOrg } from "../auth/principal.ts";
import { AppError } from "../http/app-error.ts";
import { defineRoute, type RouteDef } from "../http/route.ts";
import { type EvolutionDeps, evolutionRouteBase, evolutionState, orgOf, tokenHash, withInstance } from "./context.ts";
import { saveEvolutionWebhook } from "./webhooks.routes.ts";

const OPERATORS: readonly TOrgRole[] = ["owner", "admin", "operator"];

type Qr = z.infer<typeof ZEvolutionQrCode>;

export function evolutionInstanceRoutes(deps: EvolutionDeps): RouteDef[] {
  const { db, control } = deps;
  const base = evolutionRouteBase(deps.basePath);

  /** Waits (up to qrWaitMs) for the worker's QR code, then asks for a pairing code when a number was given. */
  async function connectCode(inst: InstanceView, number: string | undefined, count: number): Promise<Qr> {
    const deadline = Date.now() + deps.qrWaitMs;
    let qr = await control.latestQr(inst.id);
    while (!qr && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      qr = await control.latestQr(inst.id);
      // Still paired, it logged in again without one: no QR is coming.
      const now = qr ? undefined : await db.asService((tx) => findInstanceStatus(tx, inst.id));
      if (now && evolutionState(now.status) === "open") break;
    }
    let pairingCode: string | null = null;
    if (number) {
      const parsed = parsePhone(number);
      if (!parsed.ok) throw new AppError("validation_failed", `number: the phone number ${parsed.message}`);
      const result = await control.pairingCode(inst.id, parsed.phone.e164.slice(1));
      if (result.ok && result.pairingCode) pairingCode = result.pairingCode;
    }
    return { pairingCode, code: qr?.qr ?? null, base64: qr?.dataUrl ?? null, count: qr?.attempt ?? count };
  }

  const connectionState = (inst: InstanceView) => ({
    instance: { instanceName: inst.name, state: evolutionState(inst.status) },
  });

  return [
    defineRoute({
      ...base,
      method: "post",
      path: "/instance/create",
      summary: "Evolution: create an instance (answers its token once, as `hash`, and the first QR with qrcode: true)",
      description:
        "Needs an organization API key with scope `instances`. `number` also asks for a pairing code. `webhook` sets " +
        "the instance's Evolution webhook. Settings Mirage has no use for (reject calls, always online…) are ignored; " +
        "`proxy*`, `chatwoot*`, `rabbitmq`, `sqs` are refused by name.",
      auth: { kind: "any", scopes: ["instances"] },
      roles: OPERATORS,
      body: ZEvolutionCreateInstanceRequest,
      responses: {
        201: {
          description: "The instance",
          schema: ZEvolutionInstanceSummary,
          example: ZEvolutionInstanceSummary.meta()?.example,
        },
      },
      async handler({ body, principal }, req, res) {
        const orgId = orgOf(principal);
        if (res.locals.evolutionInstanceId) {
          throw new AppError("forbidden", "creating instances needs the organization API key, not an instance token");
        }
        const refused = Object.keys(body).filter((k) => /^(proxy|chatwoot|rabbitmq|sqs|nats|websocket)/i.test(k));
        if (refused.length > 0) {
          throw new AppError("bad_request", `Mirage does not support ${refused.join(", ")}`);
        }
        if (body.webhook && principal.kind === "api_key" && !principal.scopes.includes("admin")) {
          // Checked before anything is created: an instance without the webhook it asked for would be half-done.
          throw new AppError("insufficient_scope", "setting a webhook needs an API key with scope admin");
        }
        const phone = body.number ? parsePhone(body.number) : undefined;

        if (phone && !phone.ok) throw new AppError("validation_failed", `number: the phone number ${phone.message}`);
        const token = body.token ?? randomUUID().toUpperCase();
        const created = await withOrg(db, principal, orgId, OPERATORS, async (tx) => {
          const inst = await insertInstance(tx, {
            orgId,
            name: body.instanceName,
            phone: phone?.ok ? phone.phone.e164 : null,
            hourlyCap: null,
            dailyCap: null,
            createdBy: null,
          });
          if (principal.kind === "api_key") {
            await insertEvolutionToken(tx, {
              instanceId: inst.id,
              orgId,
              tokenHash: tokenHash(token),
              apiKeyId: principal.keyId,
            });
          }
          await audit(tx, req, {
            orgId,
            action: "instance.create",
            targetType: "instance",
            targetId: inst.id,
            detail: { via: "evolution" },
          });
          return inst;
        }).catch((err: unknown) => {
          if ((err as { code?: string }).code === "23505") {
            throw new AppError("forbidden", `This name "${body.instanceName}" is already in use.`);
          }
          throw err;
        });
        const webhook = body.webhook
          ? await saveEvolutionWebhook(deps, principal, req, created, body.webhook)
          : undefined;
        await control.placeNew();
        const qrcode = body.qrcode || body.number ? await connectCode(created, body.number, 0) : undefined;
        return {
          status: 201,
          body: {
            instance: {
              instanceName: created.name,
              instanceId: created.id,
              integration: "WHATSAPP-BAILEYS",
              status: "connecting",
            },
            hash: token,
            webhook: webhook
              ? { webhookUrl: webhook.url, webhookByEvents: webhook.webhookByEvents, webhookBase64: false }
              : {},
            settings: {},
            ...(qrcode ? { qrcode } : {}),
          },
        };
      },
    }),
    defineRoute({
      ...base,
      method: "get",
      path: "/instance/connect/:instanceName",
      summary: "Evolution: the QR code to scan (base64 data URL) and, with ?number=, a pairing code",
      description:
        "A connected (or restricted) instance answers its connection state instead, as Evolution does; so does one " +
        "still paired that logs in again without a QR (stopped, banned, failed): its state after the wait.",
      auth: { kind: "any", scopes: ["instances"] },
      roles: OPERATORS,
      params: ZEvolutionInstanceParams,
      query: z.looseObject({ number: z.string().optional() }),
      responses: {
        200: {
          description: "The QR code (or the connection state, see above)",
          schema: z.union([ZEvolutionQrCode, ZEvolutionConnectionState]),
          example: {
            pairingCode: "WZYEH1YY",
            code: "2@y8eK+bjtEjUWy9/FOM...",
            base64: "data:image/png;base64,iVBOR...",
            count: 1,
          },
        },
      },
      async handler({ params, query, principal }, req, res) {
        const inst = await withInstance(deps, principal, res, params.instanceName, OPERATORS, async (tx, i) => {
          await audit(tx, req, { orgId: i.orgId, action: "instance.connect", targetType: "instance", targetId: i.id });
          return i;
        });
        const state = evolutionState(inst.status);
        if (state === "open") return { status: 200, body: connectionState(inst) };
        if (state === "close") await control.start(inst.id);
        const qr = await connectCode(inst, query.number, 0);
        if (qr.code || qr.pairingCode) return { status: 200, body: qr };
        // No QR: a number still paired (stopped, banned, failed with its credentials) logs in again instead of
        // showing one. Its state then says where it went, rather than an empty QR.
        const now = await db.asService((tx) => findInstanceStatus(tx, inst.id));
        return { status: 200, body: connectionState(now ? { ...inst, status: now.status } : inst) };
      },
    }),
    defineRoute({
      ...base,
      method: "get",
      path: "/instance/connectionState/:instanceName",
      summary: "Evolution: open, connecting or close",
      auth: { kind: "any", scopes: ["read", "instances"] },
      roles: ALL_ROLES,
      params: ZEvolutionInstanceParams,
      responses: {
        200: {
          description: "The state",
          schema: ZEvolutionConnectionState,
          example: ZEvolutionConnectionState.meta()?.example,
        },
      },
      async handler({ params, principal }, _req, res) {
        const inst = await withInstance(deps, principal, res, params.instanceName, ALL_ROLES, async (_tx, i) => i);
        const [live] = await control.withLiveness([inst]);
        return { status: 200, body: connectionState(live ?? inst) };
      },
    }),
    defineRoute({
      ...base,
      method: "get",
      path: "/instance/fetchInstances",
      summary: "Evolution: the organization's instances (filters instanceName, instanceId)",
      auth: { kind: "any", scopes: ["read", "instances"] },
      roles: ALL_ROLES,
      query: ZEvolutionFetchInstancesQuery,
      responses: {
        200: {
          description: "Instances",
          schema: z.array(z.record(z.string(), z.unknown())),
          example: [
            {
              id: "6b1c4a77-3e2f-4f5e-9a55-2f4d8a0c9e11",
              name: "vendas",
              connectionStatus: "open",
              ownerJid: "5511999990001@s.whatsapp.net",
              integration: "WHATSAPP-BAILEYS",
              number: "5511999990001",
            },
          ],
        },
      },
      async handler({ query, principal }, _req, res) {
        const orgId = orgOf(principal);
        const only = res.locals.evolutionInstanceId as string | undefined;
        const rows = await withOrg(db, principal, orgId, ALL_ROLES, (tx) => listInstanceViews(tx, orgId));
        const views = (await control.withLiveness(rows)).filter(
          (v) =>
            (!only || v.id === only) &&
            (!query.instanceName || v.name === query.instanceName) &&
            (!query.instanceId || v.id === query.instanceId),
        );
        return {
          status: 200,
          body: views.map((v) => ({
            id: v.id,
            name: v.name,
            connectionStatus: evolutionState(v.status),
            ownerJid: v.waJid,
            profileName: null,
            profilePicUrl: null,
            integration: "WHATSAPP-BAILEYS",
            number: (v.linkedPhone ?? v.phone)?.slice(1) ?? null,
            token: null,
            disconnectionReasonCode: null,
            disconnectionObject: v.statusReason,
            disconnectionAt: null,
            createdAt: v.createdAt.toISOString(),
            updatedAt: v.createdAt.toISOString(),
          })),
        };
      },
    }),
    defineRoute({
      ...base,
      method: "post",
      path: "/instance/restart/:instanceName",
      summary: "Evolution: close and reopen the instance's connection",
      auth: { kind: "any", scopes: ["instances"] },
      roles: OPERATORS,
      params: ZEvolutionInstanceParams,
      responses: {
        200: {
          description: "The state after the restart",
          schema: ZEvolutionConnectionState,
          example: { instance: { instanceName: "vendas", state: "connecting" } },
        },
      },
      async handler({ params, principal }, req, res) {
        const inst = await withInstance(deps, principal, res, params.instanceName, OPERATORS, async (tx, i) => {
          if (evolutionState(i.status) === "close") {
            throw new AppError("bad_request", `The "${i.name}" instance is not connected`);
          }
          await audit(tx, req, { orgId: i.orgId, action: "instance.restart", targetType: "instance", targetId: i.id });
          return i;
        });
        const result = await control.restart(inst.id);
        const state = result.status ? evolutionState(result.status) : "connecting";
        return { status: 200, body: { instance: { instanceName: inst.name, state } } };
      },
    }),
    defineRoute({
      ...base,
      method: "delete",
      path: "/instance/logout/:instanceName",
      summary: "Evolution: unlink the instance from the phone (a new QR is needed to use it again)",
      auth: { kind: "any", scopes: ["instances"] },
      roles: OPERATORS,
      params: ZEvolutionInstanceParams,
      responses: {
        200: {
          description: "Logged out",
          schema: ZEvolutionStatusResponse,
          example: { status: "SUCCESS", error: false, response: { message: "Instance logged out" } },
        },
      },
      async handler({ params, principal }, req, res) {
        const inst = await withInstance(deps, principal, res, params.instanceName, OPERATORS, async (tx, i) => {
          if (evolutionState(i.status) === "close") {
            throw new AppError("bad_request", `The "${i.name}" instance is not connected`);
          }
          await audit(tx, req, { orgId: i.orgId, action: "instance.logout", targetType: "instance", targetId: i.id });
          return i;
        });
        await control.logout(inst.id);
        return { status: 200, body: { status: "SUCCESS", error: false, response: { message: "Instance logged out" } } };
      },
    }),
    defineRoute({
      ...base,
      method: "delete",
      path: "/instance/delete/:instanceName",
      summary: "Evolution: delete the instance (unlinked from the phone, with its token, webhook and history)",
      auth: { kind: "any", scopes: ["instances"] },
      roles: OPERATORS,
      params: ZEvolutionInstanceParams,
      responses: {
        200: {
          description: "Deleted",
          schema: ZEvolutionStatusResponse,
          example: { status: "SUCCESS", error: false, response: { message: "Instance deleted" } },
        },
      },
      async handler({ params, principal }, req, res) {
        const inst = await withInstance(deps, principal, res, params.instanceName, OPERATORS, async (_tx, i) => i);
        await control.remove(inst.id);
        await withOrg(db, principal, inst.orgId, OPERATORS, async (tx) => {
          // Audited before the row goes: the entry keeps the instance's name.
          await audit(tx, req, {
            orgId: inst.orgId,
            action: "instance.delete",
            targetType: "instance",
            targetId: inst.id,
            detail: { via: "evolution" },
          });
          await deleteInstance(tx, inst.orgId, inst.id);
        });
        return { status: 200, body: { status: "SUCCESS", error: false, response: { message: "Instance deleted" } } };
      },
    }),
  ];
}
