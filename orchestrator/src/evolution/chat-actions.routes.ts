import { ZReactionRequest } from "@mirage/contracts/conversations";
import {
  ZEvolutionInstanceParams,
  ZEvolutionPresenceResponse,
  ZEvolutionReadMessagesRequest,
  ZEvolutionSendPresenceRequest,
  ZEvolutionSendReactionRequest,
  ZEvolutionSetPresenceRequest,
  ZEvolutionWhatsAppNumbers,
  ZEvolutionWhatsAppNumbersRequest,
} from "@mirage/contracts/evolution";
import { listConversations, updateConversation } from "@mirage/db/conversations";
import { findInboundByWaIds, setOwnReaction } from "@mirage/db/inbound-messages";
import { z } from "zod";
import { audit } from "../audit/record.ts";
import { AppError } from "../http/app-error.ts";
import { defineRoute, type RouteDef } from "../http/route.ts";
import { SENDERS } from "../messaging/send-service.ts";
import { type EvolutionDeps, evolutionRouteBase, withInstance } from "./context.ts";
import { recipientOf } from "./messages.routes.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const USER_JID = /^[0-9]{5,20}@(s\.whatsapp\.net|lid)$/;

/**
 * Evolution's chat actions that go through the instance's socket: `whatsappNumbers` (the send path's on-WhatsApp
 * check, cached), `sendPresence` / `setPresence`, and `markMessageAsRead` (Mirage's inbox and real read receipts).
 * Each needs a connected instance: otherwise 503 at once, in Evolution's error shape.
 */
export function evolutionChatActionRoutes(deps: EvolutionDeps): RouteDef[] {
  const { control } = deps;
  const base = evolutionRouteBase(deps.basePath);
  const unavailable = { description: "The instance is not connected (or its worker did not answer in time)" };

  return [
    defineRoute({
      ...base,
      method: "post",
      path: "/chat/whatsappNumbers/:instanceName",
      summary: "Evolution: which numbers have a WhatsApp account (asked through the instance, cached)",
      description:
        "One answer per number, in the order asked: `exists`, `jid` (the id WhatsApp has — for Brazilian mobiles, " +
        "with or without the ninth digit as registered) and `number` as asked. Answers are shared with the send " +
        "path's own check and cached (`WA_LOOKUP_MAX_AGE_HOURS`). A number that cannot be a phone number answers " +
        "`exists: false`. At most 50 numbers per request.",
      auth: { kind: "any", scopes: ["messages:send"] },
      roles: SENDERS,
      params: ZEvolutionInstanceParams,
      body: ZEvolutionWhatsAppNumbersRequest,
      responses: {
        200: {
          description: "Checked",
          schema: ZEvolutionWhatsAppNumbers,
          example: ZEvolutionWhatsAppNumbers.meta()?.example,
        },
        503: unavailable,
      },
      async handler({ params, body, principal }, _req, res) {
        const inst = await withInstance(deps, principal, res, params.instanceName, SENDERS, async (_tx, i) => i);
        const asked = body.numbers.map((number) => {
          try {
            return { number, ...recipientOf(number) };
          } catch {
            return { number, phone: null, lid: null };
          }
        });
        const phones = [...new Set(asked.flatMap((a) => (a.phone ? [a.phone] : [])))];
        const found = phones.length > 0 ? await control.onWhatsApp(inst.id, phones) : [];
        const byPhone = new Map(found.map((f) => [f.phone, f]));
        return {
          status: 200,
          body: asked.map((a) => {
            if (a.lid) return { exists: true, jid: a.lid, number: a.number };
            const hit = a.phone ? byPhone.get(a.phone) : undefined;
            if (hit?.onWhatsApp && hit.jid) {
              return { exists: true, jid: hit.jid, number: a.number, ...(hit.lid ? { lid: hit.lid } : {}) };
            }
            // A JID of another kind (a group, a broadcast list) is not a number: answered as it was written.
            if (!a.phone && /@(?!s\.whatsapp\.net$)/.test(a.number))
              return { exists: false, jid: a.number, number: a.number };
            const digits = a.phone ? a.phone.slice(1) : a.number.replace(/@.*$/, "").replace(/\D/g, "");
            return { exists: false, jid: `${digits}@s.whatsapp.net`, number: a.number };
          }),
        };
      },
    }),
    defineRoute({
      ...base,
      method: "post",
      path: "/chat/sendPresence/:instanceName",
      summary: "Evolution: show typing… or recording… in a chat for `delay` ms, then paused",
      description:
        "`presence` `composing` (typing…), `recording` (recording audio…) or `paused`; `available` and " +
        "`unavailable` set the account's presence as /instance/setPresence does. Like Evolution, answers once the " +
        "`delay` has passed (at most 60 s); the chat state is cleared with `paused` then. A number that is not on " +
        "WhatsApp is 400.",
      auth: { kind: "any", scopes: ["messages:send"] },
      roles: SENDERS,
      params: ZEvolutionInstanceParams,
      body: ZEvolutionSendPresenceRequest,
      responses: {
        201: { description: "Shown", schema: ZEvolutionPresenceResponse, example: { presence: "composing" } },
        503: unavailable,
      },
      async handler({ params, body, principal }, _req, res) {
        const presence = body.presence ?? body.options?.presence ?? "composing";
        const delay = body.delay ?? body.options?.delay ?? 0;
        const recipient = recipientOf(body.number);
        const inst = await withInstance(deps, principal, res, params.instanceName, SENDERS, async (_tx, i) => i);
        const to = recipient.phone ?? recipient.lid ?? undefined;
        const result = await control.presence({
          instanceId: inst.id,
          presence,
          ...(to ? { to } : {}),
          durationMs: delay,
          pushName: inst.name,
        });
        if (!result.ok) {
          if (result.outcome === "not_on_whatsapp") {
            throw new AppError("bad_request", `The number ${body.number} is not on WhatsApp`);
          }
          throw new AppError("service_unavailable", `the presence was not sent (${result.outcome})`);
        }
        if (presence !== "paused" && delay > 0) await sleep(delay);
        return { status: 201, body: { presence } };
      },
    }),
    defineRoute({
      ...base,
      method: "post",
      path: "/instance/setPresence/:instanceName",
      summary: "Evolution: the account's presence (available: online; unavailable: offline)",
      auth: { kind: "any", scopes: ["messages:send"] },
      roles: SENDERS,
      params: ZEvolutionInstanceParams,
      body: ZEvolutionSetPresenceRequest,
      responses: {
        201: { description: "Set", schema: ZEvolutionPresenceResponse, example: { presence: "available" } },
        503: unavailable,
      },
      async handler({ params, body, principal }, _req, res) {
        const inst = await withInstance(deps, principal, res, params.instanceName, SENDERS, async (_tx, i) => i);
        await control.presence({ instanceId: inst.id, presence: body.presence, pushName: inst.name });
        return { status: 201, body: { presence: body.presence } };
      },
    }),
    defineRoute({
      ...base,
      method: "post",
      path: "/chat/markMessageAsRead/:instanceName",
      summary: "Evolution: send read receipts (blue ticks) and mark the chats read in Mirage's inbox",
      description:
        "For each received message in `readMessages` (`fromMe: true` keys are ignored), WhatsApp gets a read " +
        "receipt from the instance, addressed to the chat the message came from; the chats' unread counts in " +
        "Mirage's inbox are cleared first, in one audited transaction. A disconnected instance answers 503 after " +
        "the inbox was marked read (no receipt was sent).",
      auth: { kind: "any", scopes: ["messages:send"] },
      roles: SENDERS,
      params: ZEvolutionInstanceParams,
      body: ZEvolutionReadMessagesRequest,
      responses: {
        201: {
          description: "Receipts sent",
          schema: z.object({ message: z.string(), read: z.string() }),
          example: { message: "Read messages", read: "success" },
        },
        503: unavailable,
      },
      async handler({ params, body, principal }, req, res) {
        const received = body.readMessages.filter((m) => m.fromMe !== true);
        const peers = body.readMessages.map((m) => recipientOf(m.remoteJid));
        const { inst, keys } = await withInstance(deps, principal, res, params.instanceName, SENDERS, async (tx, i) => {
          const stored = await findInboundByWaIds(tx, {
            orgId: i.orgId,
            instanceId: i.id,
            waMessageIds: received.map((m) => m.id),
          });
          const byId = new Map(stored.map((s) => [s.waMessageId, s]));
          const conversationIds = new Set(stored.flatMap((s) => (s.conversationId ? [s.conversationId] : [])));
          const convs = await listConversations(tx, { orgId: i.orgId, instanceId: i.id, limit: 500 });
          for (const c of convs) {
            const named = peers.some((p) => (p.phone && p.phone === c.peerPhone) || (p.lid && p.lid === c.peerLid));
            if (named || conversationIds.has(c.id)) {
              await updateConversation(tx, { orgId: i.orgId, id: c.id, read: true });
              await audit(tx, req, {
                orgId: i.orgId,
                action: "conversation.read",
                targetType: "conversation",
                targetId: c.id,
              });
            }
          }
          // The chat as WhatsApp addressed the message (a LID chat stays a LID chat); else as the caller named it.
          const receiptKeys = received.flatMap((m) => {
            const remoteJid = byId.get(m.id)?.fromJid ?? m.remoteJid.replace(/@c\.us$/, "@s.whatsapp.net");
            return USER_JID.test(remoteJid) ? [{ remoteJid, id: m.id }] : [];
          });
          return { inst: i, keys: receiptKeys };
        });
        if (keys.length > 0) await control.readReceipts(inst.id, keys);
        return { status: 201, body: { message: "Read messages", read: "success" } };
      },
    }),
    defineRoute({
      ...base,
      method: "post",
      path: "/message/sendReaction/:instanceName",
      summary: "Evolution: react to a message the instance received (an empty reaction takes it back)",
      description:
        "Sent at once through the instance's socket (a reaction is not queued: sending it again leaves the same " +
        "reaction). `key.id` must name a message the instance received (`fromMe: true` keys are refused: Mirage " +
        "reacts to what people sent); the inbox shows it as the number's reaction. 503 when not connected.",
      auth: { kind: "any", scopes: ["messages:send"] },
      roles: SENDERS,
      params: ZEvolutionInstanceParams,
      body: ZEvolutionSendReactionRequest,
      responses: {
        201: {
          description: "Sent",
          schema: z.looseObject({ key: z.looseObject({}), status: z.string() }),
          example: {
            key: { remoteJid: "5511999990001@s.whatsapp.net", fromMe: true, id: "3EB0A1B2C3D4E5F6" },
            message: {
              reactionMessage: {
                key: { remoteJid: "5511999990001@s.whatsapp.net", fromMe: false, id: "3EB0C767D26A1D8E" },
                text: "👍",
              },
            },
            messageType: "reactionMessage",
            messageTimestamp: 1764583200,
            status: "PENDING",
          },
        },
        503: unavailable,
      },
      async handler({ params, body, principal }, _req, res) {
        if (body.key.fromMe === true) {
          throw new AppError("bad_request", "Mirage reacts to messages the instance received (key.fromMe false)");
        }
        if (!ZReactionRequest.safeParse({ emoji: body.reaction }).success) {
          throw new AppError("validation_failed", "reaction is one emoji (👍, ❤️…), or empty to take it back");
        }
        const { inst, target } = await withInstance(
          deps,
          principal,
          res,
          params.instanceName,
          SENDERS,
          async (tx, i) => {
            const [found] = await findInboundByWaIds(tx, {
              orgId: i.orgId,
              instanceId: i.id,
              waMessageIds: [body.key.id],
            });
            return { inst: i, target: found };
          },
        );
        if (!target) throw new AppError("not_found", "the instance received no message with this key.id");
        const sentId = await control.react(inst.id, target.fromJid, target.waMessageId, body.reaction);
        await deps.db.asService((tx) =>
          setOwnReaction(tx, { id: target.id, emoji: body.reaction || null, waMessageId: sentId ?? null }),
        );
        const reacted = { remoteJid: target.fromJid, fromMe: false, id: target.waMessageId };
        return {
          status: 201,
          body: {
            key: { remoteJid: target.fromJid, fromMe: true, id: sentId ?? null },
            message: { reactionMessage: { key: reacted, text: body.reaction } },
            messageType: "reactionMessage",
            messageTimestamp: Math.floor(Date.now() / 1000),
            status: "PENDING",
          },
        };
      },
    }),
  ];
}
