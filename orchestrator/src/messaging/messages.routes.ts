import { ZCampaignParams } from "@mirage/contracts/campaigns";
import { listOf, pageOf, ZOrgIdParams } from "@mirage/contracts/common";
import {
  ZListMessagesQuery,
  ZMessageParams,
  ZOptOutCheckRequest,
  ZOptOutCheckResponse,
  ZOptOutSettings,
  ZOutboundMessage,
  ZRecentSendsQuery,
  ZSendMessageHeaders,
  ZSendMessageParams,
  ZSendMessageRequest,
  ZUpdateOptOutSettings,
} from "@mirage/contracts/messages";
import type { Database } from "@mirage/db";
import { findCampaign } from "@mirage/db/campaigns";
import {
  cancelMessage,
  findMessageView,
  listMessageViews,
  listRecentSends,
  type MessageView,
} from "@mirage/db/message-views";
import { getOptOutSettings, updateOptOutSettings } from "@mirage/db/messaging-settings";
import { createOptOutMatcher, DEFAULT_OPT_OUT_PHRASES } from "@mirage/opt-out";
import { audit } from "../audit/record.ts";
import { ALL_ROLES, withOrg } from "../auth/principal.ts";
import { AppError } from "../http/app-error.ts";
import { toPage } from "../http/pagination.ts";
import { defineRoute, type RouteDef } from "../http/route.ts";
import { clientRefOf } from "./idempotency-key.ts";
import { SEND_ERRORS, SENDERS, type SendService } from "./send-service.ts";

export function toMessageDto(m: MessageView) {
  return {
    ...m,
    expiresAt: m.expiresAt ? m.expiresAt.toISOString() : null,
    createdAt: m.createdAt.toISOString(),
    updatedAt: m.updatedAt.toISOString(),
    history: m.history.map((s) => ({ state: s.state, at: s.at.toISOString() })),
  };
}

const SETTINGS_WRITERS = ["owner", "admin", "marketer"] as const;

export function messageRoutes(deps: { db: Database; send: SendService }): RouteDef[] {
  const { db, send } = deps;
  return [
    defineRoute({
      method: "post",
      path: "/orgs/:orgId/instances/:instanceId/messages",
      hot: true,
      summary: "Send a text from this instance (answers at once; the state follows by events)",
      description:
        "Queues the text and answers 202 with the message. A worker then checks the number on WhatsApp (Brazilian " +
        "numbers with or without the ninth digit), sends it at most once, and the state moves " +
        "`queued → claimed → sending → sent → delivered → read` (or `failed` with the reason, e.g. " +
        "`not_on_whatsapp`): follow it by socket.io (`message:status`), webhooks, or GET …/messages/{id}. " +
        "Retries are safe with an `Idempotency-Key` header (or `clientId`): the same key answers the first message " +
        "(200, header `Idempotent-Replayed: true`); the same key with another body is a 409. 409 " +
        "`instance_unavailable` when the instance is not connected (restricted, banned, logged out, …); 422 for an " +
        "empty text or one over 65,536 characters; 429 past the instance's rate limit. With `expiresAt`, a message " +
        "that has not gone out by then is cancelled (errorCode `expired`) instead of being sent late. A queued message " +
        "can be cancelled with POST …/messages/{id}/cancel.",
      tags: ["messages"],
      errors: SEND_ERRORS,
      auth: { kind: "any", scopes: ["messages:send"] },
      roles: SENDERS,
      params: ZSendMessageParams,
      headers: ZSendMessageHeaders,
      body: ZSendMessageRequest,
      responses: {
        202: { description: "Queued", schema: ZOutboundMessage, example: ZOutboundMessage.meta()?.example },
        200: {
          description: "Already queued under this idempotency key",
          schema: ZOutboundMessage,
          example: ZOutboundMessage.meta()?.example,
        },
      },
      async handler({ params, body, principal }, req, res) {
        const clientRef = clientRefOf(req.headers["idempotency-key"], body.clientId);
        const { message, created } = await send.send(principal, {
          orgId: params.orgId,
          instanceId: params.instanceId,
          recipient: await send.recipient(principal, params.orgId, body.to),
          text: body.text,
          clientRef,
          typing: body.typing,
          source: "api",
          ...(body.replyTo ? { replyTo: { waMessageId: body.replyTo, required: true } } : {}),
          expiresAt: body.expiresAt ? new Date(body.expiresAt) : null,
        });
        if (!created) res.setHeader("Idempotent-Replayed", "true");
        return { status: created ? 202 : 200, body: toMessageDto(message) };
      },
    }),
    defineRoute({
      method: "post",
      path: "/orgs/:orgId/messages/:messageId/cancel",
      summary: "Cancel a message that has not gone out yet",
      description:
        "A message still `queued` (or `claimed` by a worker that has not committed it as `sending`) becomes " +
        "`cancelled` with errorCode `cancelled_by_request`, and is never written to WhatsApp. Cancelling a cancelled " +
        "message answers it again (200). From `sending` on, the message may already be on its way: 409 " +
        "`message_not_cancellable` with its state.",
      tags: ["messages"],
      errors: ["message_not_cancellable"],
      auth: { kind: "any", scopes: ["messages:send"] },
      roles: SENDERS,
      params: ZMessageParams,
      responses: {
        200: { description: "Cancelled", schema: ZOutboundMessage, example: ZOutboundMessage.meta()?.example },
      },
      async handler({ params, principal }, req) {
        const message = await withOrg(db, principal, params.orgId, SENDERS, async (tx) => {
          const state = await cancelMessage(tx, {
            orgId: params.orgId,
            id: params.messageId,
            reason: "cancelled_by_request",
          });
          if (!state) throw new AppError("not_found", "message not found");
          if (state !== "cancelled") {
            const why =
              state === "sending" || state === "unknown"
                ? "it may already be on its way to WhatsApp"
                : state === "sent" || state === "delivered" || state === "read"
                  ? "WhatsApp already has it"
                  : "it has ended";
            throw new AppError("message_not_cancellable", `the message is ${state}: ${why}`);
          }
          const view = await findMessageView(tx, params.orgId, params.messageId);
          if (!view) throw new AppError("not_found", "message not found");
          await audit(tx, req, {
            orgId: params.orgId,
            action: "message.cancel",
            targetType: "outbound_message",
            targetId: String(params.messageId),
          });
          return view;
        });
        return { status: 200, body: toMessageDto(message) };
      },
    }),
    defineRoute({
      method: "get",
      path: "/orgs/:orgId/messages/:messageId",
      summary: "One outbound message with every state it went through",
      tags: ["messages"],
      auth: { kind: "any", scopes: ["read", "messages:send"] },
      roles: ALL_ROLES,
      params: ZMessageParams,
      responses: {
        200: { description: "The message", schema: ZOutboundMessage, example: ZOutboundMessage.meta()?.example },
      },
      async handler({ params, principal }) {
        const message = await withOrg(db, principal, params.orgId, ALL_ROLES, (tx) =>
          findMessageView(tx, params.orgId, params.messageId),
        );
        if (!message) throw new AppError("not_found", "message not found");
        return { status: 200, body: toMessageDto(message) };
      },
    }),
    defineRoute({
      method: "get",
      path: "/orgs/:orgId/messages",
      summary: "Outbound messages, newest first, by instance, chat (number or LID), state or campaign",
      tags: ["messages"],
      auth: { kind: "any", scopes: ["read", "messages:send"] },
      roles: ALL_ROLES,
      params: ZOrgIdParams,
      query: ZListMessagesQuery,
      responses: {
        200: {
          description: "A page; pass nextBeforeId as beforeId",
          schema: pageOf(ZOutboundMessage),
          example: { items: [ZOutboundMessage.meta()?.example], nextBeforeId: null },
        },
      },
      async handler({ params, query, principal }) {
        const chat = query.to ? await send.recipient(principal, params.orgId, query.to) : { phone: null, lid: null };
        const rows = await withOrg(db, principal, params.orgId, ALL_ROLES, (tx) =>
          listMessageViews(tx, {
            orgId: params.orgId,
            ...(query.instanceId ? { instanceId: query.instanceId } : {}),
            ...(query.campaignId ? { campaignId: query.campaignId } : {}),
            ...(query.state ? { state: query.state } : {}),
            ...(chat.phone ? { phone: chat.phone } : {}),
            ...(chat.lid ? { lid: chat.lid } : {}),
            ...(query.beforeId ? { beforeId: query.beforeId } : {}),
            limit: query.limit + 1,
          }),
        );
        const page = toPage(rows, query.limit);
        return { status: 200, body: { items: page.items.map(toMessageDto), nextBeforeId: page.nextBeforeId } };
      },
    }),
    defineRoute({
      method: "get",
      path: "/orgs/:orgId/campaigns/:campaignId/recent-sends",
      summary: "A campaign's most recent sends, newest first by the time each went out",
      description:
        "The messages of the campaign that reached the point of sending (`sending` or any state after it), ordered by " +
        "that instant, newest first: the order they went out, which message ids (the planning order) do not follow.",
      tags: ["campaigns"],
      auth: { kind: "any", scopes: ["read", "campaigns"] },
      roles: ALL_ROLES,
      params: ZCampaignParams,
      query: ZRecentSendsQuery,
      responses: {
        200: {
          description: "At most `limit` messages",
          schema: listOf(
            ZOutboundMessage,
            "The latest sends, newest first by the time each went out; at most `limit`.",
          ),
          example: { items: [ZOutboundMessage.meta()?.example] },
        },
      },
      async handler({ params, query, principal }) {
        const rows = await withOrg(db, principal, params.orgId, ALL_ROLES, async (tx) => {
          if (!(await findCampaign(tx, params.orgId, params.campaignId)))
            throw new AppError("not_found", "campaign not found");
          return listRecentSends(tx, { orgId: params.orgId, campaignId: params.campaignId, limit: query.limit });
        });
        return { status: 200, body: { items: rows.map(toMessageDto) } };
      },
    }),
    defineRoute({
      method: "get",
      path: "/orgs/:orgId/messaging/opt-out",
      summary: "The words that opt a person out when they reply with them",
      tags: ["messages"],
      auth: { kind: "any", scopes: ["read", "campaigns"] },
      roles: ALL_ROLES,
      params: ZOrgIdParams,
      responses: {
        200: { description: "Opt-out words", schema: ZOptOutSettings, example: ZOptOutSettings.meta()?.example },
      },
      async handler({ params, principal }) {
        const s = await withOrg(db, principal, params.orgId, ALL_ROLES, (tx) => getOptOutSettings(tx, params.orgId));
        return { status: 200, body: { ...s, defaults: [...DEFAULT_OPT_OUT_PHRASES] } };
      },
    }),
    defineRoute({
      method: "put",
      path: "/orgs/:orgId/messaging/opt-out",
      summary: "Change the opt-out words (the organization's own, and whether the built-in list applies)",
      description: "Workers pick the change up within 30 seconds.",
      tags: ["messages"],
      auth: { kind: "any", scopes: ["campaigns"] },
      roles: SETTINGS_WRITERS,
      params: ZOrgIdParams,
      body: ZUpdateOptOutSettings,
      responses: {
        200: { description: "Opt-out words", schema: ZOptOutSettings, example: ZOptOutSettings.meta()?.example },
      },
      async handler({ params, body, principal }, req) {
        const s = await withOrg(db, principal, params.orgId, SETTINGS_WRITERS, async (tx) => {
          const out = await updateOptOutSettings(tx, params.orgId, {
            ...(body.words ? { words: [...new Set(body.words)] } : {}),
            ...(body.useDefaults !== undefined ? { useDefaults: body.useDefaults } : {}),
          });
          await audit(tx, req, { orgId: params.orgId, action: "messaging.opt_out_words", detail: { ...out } });
          return out;
        });
        return { status: 200, body: { ...s, defaults: [...DEFAULT_OPT_OUT_PHRASES] } };
      },
    }),
    defineRoute({
      method: "post",
      path: "/orgs/:orgId/messaging/opt-out/check",
      summary: "Would this reply opt the person out? (tries the organization's words without sending anything)",
      tags: ["messages"],
      auth: { kind: "any", scopes: ["read", "campaigns"] },
      roles: ALL_ROLES,
      params: ZOrgIdParams,
      body: ZOptOutCheckRequest,
      responses: {
        200: {
          description: "The verdict",
          schema: ZOptOutCheckResponse,
          example: ZOptOutCheckResponse.meta()?.example,
        },
      },
      async handler({ params, body, principal }) {
        const s = await withOrg(db, principal, params.orgId, ALL_ROLES, (tx) => getOptOutSettings(tx, params.orgId));
        const hit = createOptOutMatcher({ words: s.words, useDefaults: s.useDefaults }).match(body.text);
        return {
          status: 200,
          body: { optOut: hit !== undefined, phrase: hit?.phrase ?? null, distance: hit?.distance ?? null },
        };
      },
    }),
  ];
}
