import { listOf, pageOf, ZOrgIdParams } from "@mirage/contracts/common";
import type { TOrgRole } from "@mirage/contracts/enums";
import {
  type TInstanceDailySends,
  ZCreateInstanceRequest,
  ZInstance,
  ZInstanceActionResponse,
  ZInstanceEvent,
  ZInstanceEventsQuery,
  ZInstanceHealthSample,
  ZInstanceParams,
  ZInstanceQrResponse,
  ZPairingCodeRequest,
  ZPairingCodeResponse,
  ZQrQuery,
} from "@mirage/contracts/instances";
import type { Database } from "@mirage/db";
import {
  deleteInstance,
  findInstanceView,
  type InstanceView,
  insertInstance,
  isInstanceNameTaken,
  isInstancePhoneTaken,
  listHealthSamples,
  listInstanceDailySends,
  listInstanceEvents,
  listInstanceViews,
} from "@mirage/db/instances";
import { toWhatsAppUser } from "@mirage/phone";
import { z } from "zod";
import { audit } from "../audit/record.ts";
import { ALL_ROLES, withOrg } from "../auth/principal.ts";
import { AppError } from "../http/app-error.ts";
import { toPage } from "../http/pagination.ts";
import { defineRoute, type RouteDef } from "../http/route.ts";
import { normalizeOrgPhone } from "../organizations/phone-input.ts";
import { dailySends, NO_SENDS } from "./daily-sends.ts";
import type { InstanceControl } from "./instance-control.ts";

const OPERATORS: readonly TOrgRole[] = ["owner", "admin", "operator"];

function toDto(v: InstanceView, sends: TInstanceDailySends = NO_SENDS) {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    ...v,
    dailySends: sends,
    restrictedUntil: iso(v.restrictedUntil),
    lastConnectedAt: iso(v.lastConnectedAt),
    lastInboundAt: iso(v.lastInboundAt),
    lastOutboundAt: iso(v.lastOutboundAt),
    createdAt: v.createdAt.toISOString(),
  };
}

export function instanceRoutes(deps: { db: Database; control: InstanceControl }): RouteDef[] {
  const { db, control } = deps;

  /** Reads the instance through RLS (404 for another organization's) and checks the caller's role. */
  const visible = (
    principal: Parameters<typeof withOrg>[1],
    orgId: string,
    instanceId: string,
    roles: readonly TOrgRole[],
  ) =>
    withOrg(db, principal, orgId, roles, async (tx) => {
      const inst = await findInstanceView(tx, orgId, instanceId);
      if (!inst) throw new AppError("not_found", "instance not found");
      return inst;
    });

  const action = (name: "start" | "stop" | "restart" | "logout", summary: string, description: string): RouteDef =>
    defineRoute({
      method: "post",
      path: `/orgs/:orgId/instances/:instanceId/${name}`,
      summary,
      description,
      tags: ["instances"],
      auth: { kind: "any", scopes: ["instances"] },
      roles: OPERATORS,
      params: ZInstanceParams,
      responses: {
        200: {
          description: "What the worker did",
          schema: ZInstanceActionResponse,
          example: ZInstanceActionResponse.meta()?.example,
        },
      },
      async handler({ params, principal }, req) {
        await visible(principal, params.orgId, params.instanceId, OPERATORS);
        const result = await control[name](params.instanceId);
        await withOrg(db, principal, params.orgId, OPERATORS, (tx) =>
          audit(tx, req, {
            orgId: params.orgId,
            action: `instance.${name}`,
            targetType: "instance",
            targetId: params.instanceId,
          }),
        );
        return {
          status: 200,
          body: {
            instanceId: params.instanceId,
            outcome: result.outcome,
            status: result.status ?? null,
            ...(result.phoneUnlinked !== undefined ? { phoneUnlinked: result.phoneUnlinked } : {}),
          },
        };
      },
    });

  return [
    defineRoute({
      method: "get",
      path: "/orgs/:orgId/instances",
      summary: "List the organization's instances with status and health",
      tags: ["instances"],
      auth: { kind: "any", scopes: ["read", "instances"] },
      roles: ALL_ROLES,
      params: ZOrgIdParams,
      responses: {
        200: { description: "Instances", schema: listOf(ZInstance), example: { items: [ZInstance.meta()?.example] } },
      },
      async handler({ params, principal }) {
        const now = new Date();
        const [rows, sends] = await withOrg(db, principal, params.orgId, ALL_ROLES, async (tx) => [
          await listInstanceViews(tx, params.orgId),
          dailySends(await listInstanceDailySends(tx, params.orgId, now), now),
        ]);
        return {
          status: 200,
          body: { items: (await control.withLiveness(rows)).map((v) => toDto(v, sends.get(v.id))) },
        };
      },
    }),
    defineRoute({
      method: "post",
      path: "/orgs/:orgId/instances",
      summary: "Create an instance; a worker starts it and QR codes follow",
      description:
        "The instance is placed on the least-loaded live worker, which opens a socket and publishes QR codes " +
        "(`instance:qr` events, or GET …/qr). Or request a pairing code with POST …/pairing-code.",
      tags: ["instances"],
      auth: { kind: "any", scopes: ["instances"] },
      roles: OPERATORS,
      params: ZOrgIdParams,
      body: ZCreateInstanceRequest,
      errors: ["invalid_phone"],
      responses: { 201: { description: "The new instance", schema: ZInstance, example: ZInstance.meta()?.example } },
      async handler({ params, body, principal }, req) {
        const created = await withOrg(db, principal, params.orgId, OPERATORS, async (tx) => {
          const phone = body.phone ? (await normalizeOrgPhone(tx, params.orgId, body.phone, "body.phone")).e164 : null;
          if (await isInstanceNameTaken(tx, params.orgId, body.name)) {
            throw new AppError("conflict", `an instance named "${body.name}" already exists`);
          }
          if (phone && (await isInstancePhoneTaken(tx, params.orgId, phone))) {
            throw new AppError("conflict", `an instance for ${phone} already exists`);
          }
          const inst = await insertInstance(tx, {
            orgId: params.orgId,
            name: body.name,
            phone,
            hourlyCap: body.hourlyCap ?? null,
            dailyCap: body.dailyCap ?? null,
            createdBy: principal.kind === "user" ? principal.claims.sub : null,
          });
          await audit(tx, req, {
            orgId: params.orgId,
            action: "instance.create",
            targetType: "instance",
            targetId: inst.id,
          });
          return inst;
        });
        await control.placeNew();
        return { status: 201, body: toDto(created) };
      },
    }),
    defineRoute({
      method: "get",
      path: "/orgs/:orgId/instances/:instanceId",
      summary: "One instance with its status and health",
      tags: ["instances"],
      auth: { kind: "any", scopes: ["read", "instances"] },
      roles: ALL_ROLES,
      params: ZInstanceParams,
      responses: { 200: { description: "The instance", schema: ZInstance, example: ZInstance.meta()?.example } },
      async handler({ params, principal }) {
        const [view] = await control.withLiveness([
          await visible(principal, params.orgId, params.instanceId, ALL_ROLES),
        ]);
        if (!view) throw new AppError("not_found", "instance not found");
        const now = new Date();
        const sends = await withOrg(db, principal, params.orgId, ALL_ROLES, async (tx) =>
          dailySends(await listInstanceDailySends(tx, params.orgId, now, params.instanceId), now),
        );
        return { status: 200, body: toDto(view, sends.get(view.id)) };
      },
    }),
    defineRoute({
      method: "get",
      path: "/orgs/:orgId/instances/:instanceId/qr",
      summary: "The current QR code to scan (JSON with a data URL, or a PNG)",
      description: "404 no QR while the instance is not waiting for a scan (connected, or between codes).",
      tags: ["instances"],
      auth: { kind: "any", scopes: ["instances"] },
      roles: OPERATORS,
      params: ZInstanceParams,
      query: ZQrQuery,
      responses: {
        200: {
          description: "The QR (application/json), or image/png with ?format=png",
          schema: ZInstanceQrResponse,
          example: ZInstanceQrResponse.meta()?.example,
        },
      },
      async handler({ params, query, principal }, _req, res) {
        await visible(principal, params.orgId, params.instanceId, OPERATORS);
        const qr = await control.latestQr(params.instanceId);
        if (!qr)
          throw new AppError("not_found", "no QR code right now: the instance is connected or not waiting for a scan");
        res.setHeader("Cache-Control", "no-store");
        if (query.format === "png") {
          const png = Buffer.from(qr.dataUrl.slice(qr.dataUrl.indexOf(",") + 1), "base64");
          res.status(200).type("image/png").send(png);
          return { status: 200 };
        }
        return { status: 200, body: { qr: qr.qr, dataUrl: qr.dataUrl, attempt: qr.attempt, expiresAt: qr.expiresAt } };
      },
    }),
    defineRoute({
      method: "post",
      path: "/orgs/:orgId/instances/:instanceId/pairing-code",
      summary: "Link by phone number: get the 8-character code to type on the phone",
      description:
        "On the phone: WhatsApp → Linked devices → Link a device → Link with phone number instead, then type the code.",
      tags: ["instances"],
      auth: { kind: "any", scopes: ["instances"] },
      roles: OPERATORS,
      params: ZInstanceParams,
      body: ZPairingCodeRequest,
      errors: ["invalid_phone"],
      responses: {
        200: { description: "The code", schema: ZPairingCodeResponse, example: ZPairingCodeResponse.meta()?.example },
      },
      async handler({ params, body, principal }, req) {
        const phone = await withOrg(db, principal, params.orgId, OPERATORS, async (tx) => {
          if (!(await findInstanceView(tx, params.orgId, params.instanceId))) {
            throw new AppError("not_found", "instance not found");
          }
          return (await normalizeOrgPhone(tx, params.orgId, body.phone, "body.phone")).e164;
        });
        const result = await control.pairingCode(params.instanceId, toWhatsAppUser(phone));
        if (result.outcome === "already_paired") {
          throw new AppError("conflict", "this instance is already linked to a phone; log it out first");
        }
        if (!result.ok || !result.pairingCode) {
          throw new AppError("service_unavailable", `the worker could not produce a pairing code (${result.outcome})`);
        }
        await withOrg(db, principal, params.orgId, OPERATORS, (tx) =>
          audit(tx, req, {
            orgId: params.orgId,
            action: "instance.pairing_code",
            targetType: "instance",
            targetId: params.instanceId,
          }),
        );
        return {
          status: 200,
          body: {
            code: result.pairingCode,
            phone,
            expiresAt: result.pairingCodeExpiresAt ?? new Date().toISOString(),
          },
        };
      },
    }),
    action(
      "start",
      "Start the instance (a no-op that says so when it already runs)",
      "Also resumes a stopped, logged-out or expired instance: a logged-out one shows new QR codes.",
    ),
    action(
      "stop",
      "Stop the instance: the socket closes, the link to the phone stays",
      "It stays stopped across restarts until started again.",
    ),
    action("restart", "Close and reopen the socket with the same credentials", "Useful when an instance is degraded."),
    action(
      "logout",
      "Unlink from the phone and wipe the credentials",
      "A new QR or pairing code is needed afterwards.",
    ),
    defineRoute({
      method: "delete",
      path: "/orgs/:orgId/instances/:instanceId",
      summary: "Delete the instance: unlink it from the phone and remove it with its history",
      tags: ["instances"],
      auth: { kind: "any", scopes: ["instances"] },
      roles: OPERATORS,
      params: ZInstanceParams,
      description:
        "204 when the linked device was removed from the phone (or none was linked). 200 with " +
        "`phoneUnlinked: false` when WhatsApp could not confirm it: the phone may still list the device under " +
        "Linked devices, where it can be removed by hand.",
      responses: {
        200: { description: "Deleted; the phone may still list the device", schema: ZInstanceActionResponse },
        204: { description: "Deleted and unlinked" },
      },
      async handler({ params, principal }, req) {
        await visible(principal, params.orgId, params.instanceId, OPERATORS);
        const result = await control.remove(params.instanceId);
        await withOrg(db, principal, params.orgId, OPERATORS, async (tx) => {
          // Audited before the row goes: the entry keeps the instance's name.
          await audit(tx, req, {
            orgId: params.orgId,
            action: "instance.delete",
            targetType: "instance",
            targetId: params.instanceId,
          });
          await deleteInstance(tx, params.orgId, params.instanceId);
        });
        if (result.phoneUnlinked === false) {
          return {
            status: 200,
            body: { instanceId: params.instanceId, outcome: "deleted", status: null, phoneUnlinked: false },
          };
        }
        return { status: 204 };
      },
    }),
    defineRoute({
      method: "get",
      path: "/orgs/:orgId/instances/:instanceId/events",
      summary: "The instance's state history, newest first",
      tags: ["instances"],
      auth: { kind: "any", scopes: ["read", "instances"] },
      roles: ALL_ROLES,
      params: ZInstanceParams,
      query: ZInstanceEventsQuery,
      responses: {
        200: {
          description: "State changes",
          schema: pageOf(ZInstanceEvent),
          example: { items: [ZInstanceEvent.meta()?.example], nextBeforeId: null },
        },
      },
      async handler({ params, query, principal }) {
        const rows = await withOrg(db, principal, params.orgId, ALL_ROLES, async (tx) => {
          if (!(await findInstanceView(tx, params.orgId, params.instanceId)))
            throw new AppError("not_found", "instance not found");
          return listInstanceEvents(tx, params.instanceId, { beforeId: query.beforeId, limit: query.limit + 1 });
        });
        const page = toPage(rows, query.limit);
        return { status: 200, body: { ...page, items: page.items.map((r) => ({ ...r, at: r.at.toISOString() })) } };
      },
    }),
    defineRoute({
      method: "get",
      path: "/orgs/:orgId/instances/:instanceId/health",
      summary: "The instance's health score over time, with its reasons",
      tags: ["instances"],
      auth: { kind: "any", scopes: ["read", "instances"] },
      roles: ALL_ROLES,
      params: ZInstanceParams,
      query: z.strictObject({
        hours: z.coerce
          .number()
          .int()
          .min(1)
          .max(24 * 30)
          .default(24),
      }),
      responses: {
        200: {
          description: "Health samples, oldest first",
          schema: listOf(ZInstanceHealthSample),
          example: { items: [ZInstanceHealthSample.meta()?.example] },
        },
      },
      async handler({ params, query, principal }) {
        const since = new Date(Date.now() - query.hours * 3_600_000);
        const rows = await withOrg(db, principal, params.orgId, ALL_ROLES, async (tx) => {
          if (!(await findInstanceView(tx, params.orgId, params.instanceId)))
            throw new AppError("not_found", "instance not found");
          return listHealthSamples(tx, params.instanceId, since);
        });
        return { status: 200, body: { items: rows.map((r) => ({ ...r, at: r.at.toISOString() })) } };
      },
    }),
  ];
}
