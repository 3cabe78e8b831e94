import type { TOrgRole } from "@mirage/contracts/enums";
import {
  ZInstanceParams,
  ZOnWhatsAppRequest,
  ZOnWhatsAppResponse,
  ZPresenceRequest,
  ZPresenceResponse,
  ZReadReceiptsRequest,
  ZReadReceiptsResponse,
} from "@mirage/contracts/instances";
import type { Database } from "@mirage/db";
import { findInboundByWaIds } from "@mirage/db/inbound-messages";
import { findInstanceView } from "@mirage/db/instances";
import { findDefaultCountry } from "@mirage/db/organizations";
import { parsePhone } from "@mirage/phone";
import { audit } from "../audit/record.ts";
import { withOrg } from "../auth/principal.ts";
import { AppError } from "../http/app-error.ts";
import { defineRoute, type RouteDef } from "../http/route.ts";
import type { InstanceControl } from "./instance-control.ts";

const SENDERS: readonly TOrgRole[] = ["owner", "admin", "operator"];
const LID = /^[0-9]{5,20}@lid$/;

/**
 * What a connected instance checks or says through its socket: which numbers are on WhatsApp (the send path's own
 * check, cached), presence, read receipts. They act as the account, so they take the `send` scope and the roles that
 * send. A disconnected instance answers 503 at once; nothing waits for a socket.
 */
export function instanceWaActionRoutes(deps: { db: Database; control: InstanceControl }): RouteDef[] {
  const { db, control } = deps;
  const unavailable = { description: "The instance is not connected (or its worker did not answer in time)" };

  /** The instance as the caller sees it, and the organization's default country for the numbers it is given. */
  const visible = (principal: Parameters<typeof withOrg>[1], orgId: string, instanceId: string) =>
    withOrg(db, principal, orgId, SENDERS, async (tx) => {
      const inst = await findInstanceView(tx, orgId, instanceId);
      if (!inst) throw new AppError("not_found", "instance not found");
      return { ...inst, defaultCountry: await findDefaultCountry(tx, orgId) };
    });

  return [
    defineRoute({
      method: "post",
      path: "/orgs/:orgId/instances/:instanceId/on-whatsapp",
      summary: "Which numbers have a WhatsApp account, asked through this instance",
      description:
        "One result per number, in order. Answers are shared with the send path's own check and cached " +
        "(`WA_LOOKUP_MAX_AGE_HOURS`, in memory and in Postgres), so asking again is cheap and asks WhatsApp nothing. " +
        "Brazilian mobiles are tried with and without the ninth digit. A number that cannot be parsed is " +
        "`onWhatsApp: false` with `phone: null`.",
      tags: ["instances"],
      auth: { kind: "any", scopes: ["messages:send"] },
      roles: SENDERS,
      params: ZInstanceParams,
      body: ZOnWhatsAppRequest,
      responses: {
        200: { description: "Checked", schema: ZOnWhatsAppResponse, example: ZOnWhatsAppResponse.meta()?.example },
        503: unavailable,
      },
      async handler({ params, body, principal }) {
        const { defaultCountry } = await visible(principal, params.orgId, params.instanceId);
        // National numbers in the organization's country, as everywhere else in the API.
        const parsed = body.numbers.map((input) => {
          const p = parsePhone(input, { defaultCountry });
          return { input, phone: p.ok ? p.phone.e164 : null };
        });
        const phones = [...new Set(parsed.flatMap((p) => (p.phone ? [p.phone] : [])))];
        const found = phones.length > 0 ? await control.onWhatsApp(params.instanceId, phones) : [];
        const byPhone = new Map(found.map((f) => [f.phone, f]));
        return {
          status: 200,
          body: {
            results: parsed.map(({ input, phone }) => {
              const hit = phone ? byPhone.get(phone) : undefined;
              return {
                input,
                phone,
                onWhatsApp: hit?.onWhatsApp ?? false,
                jid: hit?.jid ?? null,
                lid: hit?.lid ?? null,
              };
            }),
          },
        };
      },
    }),
    defineRoute({
      method: "post",
      path: "/orgs/:orgId/instances/:instanceId/presence",
      summary: "Show the account online or offline, or typing… / recording… in a chat",
      description:
        "Answers once WhatsApp has the presence; a chat state with `durationMs` is followed by `paused` after that " +
        "time (the call does not wait for it). A chat with a number that is not on WhatsApp is 422.",
      tags: ["instances"],
      auth: { kind: "any", scopes: ["messages:send"] },
      roles: SENDERS,
      params: ZInstanceParams,
      body: ZPresenceRequest,
      responses: {
        200: { description: "Shown", schema: ZPresenceResponse, example: ZPresenceResponse.meta()?.example },
        503: unavailable,
      },
      async handler({ params, body, principal }) {
        const inst = await visible(principal, params.orgId, params.instanceId);
        const chatState = body.presence !== "available" && body.presence !== "unavailable";
        let to: string | undefined;
        if (chatState) {
          if (!body.to) throw new AppError("validation_failed", "`to` is required for a chat state");
          const trimmed = body.to.trim();
          const parsed = LID.test(trimmed) ? undefined : parsePhone(trimmed, { defaultCountry: inst.defaultCountry });
          if (parsed && !parsed.ok) throw new AppError("validation_failed", `\`to\` ${parsed.message}`);
          to = parsed?.ok ? parsed.phone.e164 : trimmed;
        }
        const result = await control.presence({
          instanceId: params.instanceId,
          presence: body.presence,
          ...(to ? { to } : {}),
          ...(body.durationMs !== undefined ? { durationMs: body.durationMs } : {}),
          pushName: inst.name,
        });
        if (!result.ok) {
          if (result.outcome === "not_on_whatsapp") {
            throw new AppError("validation_failed", "the recipient is not on WhatsApp");
          }
          throw new AppError("service_unavailable", `the presence was not sent (${result.outcome})`);
        }
        return { status: 200, body: { presence: body.presence, jid: result.jid ?? null } };
      },
    }),
    defineRoute({
      method: "post",
      path: "/orgs/:orgId/instances/:instanceId/read-receipts",
      summary: "Send read receipts (blue ticks) for messages this instance received",
      description:
        "Each known message's sender sees it read; the conversation's unread count is not changed (use the " +
        "conversation's `read`). Ids the instance never received are listed in `unknown` and get no receipt.",
      tags: ["instances"],
      auth: { kind: "any", scopes: ["messages:send"] },
      roles: SENDERS,
      params: ZInstanceParams,
      body: ZReadReceiptsRequest,
      responses: {
        200: { description: "Sent", schema: ZReadReceiptsResponse, example: ZReadReceiptsResponse.meta()?.example },
        503: unavailable,
      },
      async handler({ params, body, principal }, req) {
        const ids = [...new Set(body.waMessageIds)];
        const stored = await withOrg(db, principal, params.orgId, SENDERS, async (tx) => {
          const inst = await findInstanceView(tx, params.orgId, params.instanceId);
          if (!inst) throw new AppError("not_found", "instance not found");
          const found = await findInboundByWaIds(tx, {
            orgId: params.orgId,
            instanceId: params.instanceId,
            waMessageIds: ids,
          });
          await audit(tx, req, {
            orgId: params.orgId,
            action: "instance.read_receipts",
            targetType: "instance",
            targetId: params.instanceId,
            detail: { count: found.length },
          });
          return found;
        });
        if (stored.length > 0) {
          await control.readReceipts(
            params.instanceId,
            stored.map((s) => ({ remoteJid: s.fromJid, id: s.waMessageId })),
          );
        }
        const known = new Set(stored.map((s) => s.waMessageId));
        return { status: 200, body: { sent: stored.length, unknown: ids.filter((id) => !known.has(id)) } };
      },
    }),
  ];
}
