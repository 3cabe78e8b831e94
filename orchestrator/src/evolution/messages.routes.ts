import {
  ZEvolutionFindRequest,
  ZEvolutionInstanceParams,
  ZEvolutionSendTextRequest,
  ZEvolutionSentMessage,
} from "@mirage/contracts/evolution";
import { listConversations, listConversationTimeline, type TimelineItem } from "@mirage/db/conversations";
import { z } from "zod";
import { ALL_ROLES } from "../auth/principal.ts";
import { AppError } from "../http/app-error.ts";
import { defineRoute, type RouteDef } from "../http/route.ts";
import { clientRefOf } from "../messaging/idempotency-key.ts";
import { parseRecipient, SENDERS } from "../messaging/send-service.ts";
import { createInstanceNameCache, type EvolutionDeps, evolutionRouteBase, withInstance } from "./context.ts";
import { evolutionContent } from "./events.ts";

/**
 * Evolution's recipients: a number with its country code in any form (as Evolution requires: no default country
 * applies, so a national number is refused rather than read as another country's), a phone JID
 * (`…@s.whatsapp.net`, its digits international by definition), or a LID (`…@lid`).
 */
export function recipientOf(number: string): { phone: string | null; lid: string | null } {
  const trimmed = number.trim();
  if (/@g\.us$/.test(trimmed)) throw new AppError("bad_request", "Mirage does not support groups: send to a person");
  if (/@broadcast$/.test(trimmed))
    throw new AppError("bad_request", "Mirage does not support broadcast lists or status");
  const jid = /^(\d+)(:\d+)?@(s\.whatsapp\.net|c\.us)$/.exec(trimmed);
  return parseRecipient(jid ? `+${jid[1]}` : trimmed, null);
}

/**
 * Evolution's `quoted`: the key's id names the message (looked up among the instance's messages); its
 * `message.conversation` (or extended text) is the text to quote when Mirage does not know the message.
 */
function replyToOf(quoted: z.infer<typeof ZEvolutionSendTextRequest>["quoted"] & object) {
  const m = quoted.message as { conversation?: unknown; extendedTextMessage?: { text?: unknown } } | undefined;
  const text = m?.conversation ?? m?.extendedTextMessage?.text;
  return {
    waMessageId: quoted.key.id,
    required: false,
    ...(quoted.key.fromMe !== undefined ? { fromMe: quoted.key.fromMe } : {}),
    ...(typeof text === "string" ? { text } : {}),
  };
}

const jidOf = (phone: string | null, lid: string | null) =>
  phone ? `${phone.slice(1)}@s.whatsapp.net` : lid ? (lid.includes("@") ? lid : `${lid}@lid`) : null;

const STATUS: Record<string, string> = {
  queued: "PENDING",
  claimed: "PENDING",
  sending: "PENDING",
  sent: "SERVER_ACK",
  delivered: "DELIVERY_ACK",
  read: "READ",
  failed: "ERROR",
};

/**
 * A record's status and its `MessageUpdate` list (Evolution's history of what happened to the message): a received
 * message the sender edited or deleted for everyone is `EDITED` / `DELETED`, as Evolution records it; a sent one
 * has the receipts MESSAGES_UPDATE reported.
 */
function statusOf(m: TimelineItem): { status: string; MessageUpdate: { status: string }[] } {
  if (m.kind === "inbound") {
    const changed = m.deletedAt ? "DELETED" : m.editedAt ? "EDITED" : undefined;
    return changed
      ? { status: changed, MessageUpdate: [{ status: changed }] }
      : { status: "DELIVERY_ACK", MessageUpdate: [] };
  }
  const receipts = m.state === "read" ? ["DELIVERY_ACK", "READ"] : m.state === "delivered" ? ["DELIVERY_ACK"] : [];
  return {
    status: STATUS[m.state ?? ""] ?? "PENDING",
    MessageUpdate: [...receipts, ...(m.state === "failed" ? ["ERROR"] : [])].map((status) => ({ status })),
  };
}

export function evolutionMessageRoutes(deps: EvolutionDeps): RouteDef[] {
  const { send } = deps;
  const names = createInstanceNameCache(deps);
  const base = evolutionRouteBase(deps.basePath);
  const remoteJidOf = (body: z.infer<typeof ZEvolutionFindRequest>) => body.where?.key?.remoteJid;

  return [
    defineRoute({
      ...base,
      method: "post",
      path: "/message/sendText/:instanceName",
      summary: "Evolution: send a text through Mirage's send path (at most once, paced, with receipts)",
      description:
        "Answers at once with the message as Evolution shapes it, `status: PENDING`, and `key.id` Mirage's message " +
        "id (the WhatsApp id exists only once it is sent: SEND_MESSAGE and MESSAGES_UPDATE webhooks carry both). " +
        "`delay` is the typing time in ms. `quoted` makes it a reply: `quoted.key.id` names a message the instance " +
        "received or sent (its text is quoted); an unknown one is quoted with `quoted.message.conversation`, or the " +
        "text goes without the quote when that is missing too; a kept quote comes back as Evolution's `contextInfo` " +
        "(`stanzaId`, `participant`, `quotedMessage.conversation`). `linkPreview` is accepted. " +
        "An `Idempotency-Key` header makes retries safe.",
      auth: { kind: "any", scopes: ["messages:send"] },
      roles: SENDERS,
      params: ZEvolutionInstanceParams,
      body: ZEvolutionSendTextRequest,
      responses: {
        201: { description: "Queued", schema: ZEvolutionSentMessage, example: ZEvolutionSentMessage.meta()?.example },
      },
      async handler({ params, body, principal }, req, res) {
        if (body.mentionsEveryOne || (body.mentioned && body.mentioned.length > 0)) {
          throw new AppError("bad_request", "Mirage does not support mentions (they belong to groups)");
        }
        const recipient = recipientOf(body.number);
        // Evolution has no such header: clients that template one in leave it blank when unset, which means none.
        const header = req.headers["idempotency-key"];
        const clientRef = clientRefOf(typeof header === "string" && header.trim() === "" ? undefined : header);
        const sendTo = (inst: { id: string; orgId: string }) =>
          send.send(principal, {
            orgId: inst.orgId,
            instanceId: inst.id,
            recipient,
            text: body.text,
            clientRef,
            typing: body.delay && body.delay > 0 ? body.delay : undefined,
            source: "api",
            ...(body.quoted ? { replyTo: replyToOf(body.quoted) } : {}),
          });
        let inst = await names.resolve(principal, res, params.instanceName);
        const { message, created, instanceJid } = await sendTo(inst).catch(async (err: unknown) => {
          // The cached id outlived its instance (deleted, perhaps re-created under the same name): resolve again.
          if (!(err instanceof AppError && err.code === "not_found")) throw err;
          names.forget(inst.orgId, params.instanceName);
          inst = await names.resolve(principal, res, params.instanceName);
          return sendTo(inst);
        });
        if (!created) res.setHeader("Idempotent-Replayed", "true");
        const remoteJid = jidOf(recipient.phone, recipient.lid) ?? body.number;
        const quote = message.replyTo;
        return {
          status: created ? 201 : 200,
          body: {
            key: { remoteJid, fromMe: true, id: message.waMessageId ?? String(message.id) },
            pushName: null,
            status: STATUS[message.state] ?? "PENDING",
            message: { conversation: body.text },
            ...(quote
              ? {
                  contextInfo: {
                    stanzaId: quote.waMessageId,
                    participant: quote.fromMe ? instanceJid : remoteJid,
                    quotedMessage: { conversation: quote.text },
                  },
                }
              : {}),
            messageType: "conversation",
            messageTimestamp: Math.floor(message.createdAt.getTime() / 1000),
            instanceId: inst.id,
            source: "mirage",
          },
        };
      },
    }),
    defineRoute({
      ...base,
      method: "post",
      path: "/chat/findChats/:instanceName",
      summary: "Evolution: the instance's chats (Mirage conversations), most recent first",
      auth: { kind: "any", scopes: ["read", "messages:send"] },
      roles: ALL_ROLES,
      params: ZEvolutionInstanceParams,
      body: ZEvolutionFindRequest,
      responses: {
        200: {
          description: "Chats",
          schema: z.array(z.record(z.string(), z.unknown())),
          example: [
            {
              id: "2b7d3c6e-2a0b-4bb2-9d53-6f7b8e1f2a3c",
              remoteJid: "5511999990001@s.whatsapp.net",
              pushName: "Ana",
              unreadCount: 1,
            },
          ],
        },
      },
      async handler({ params, principal }, _req, res) {
        const rows = await withInstance(deps, principal, res, params.instanceName, ALL_ROLES, (tx, i) =>
          listConversations(tx, { orgId: i.orgId, instanceId: i.id, limit: 500 }),
        );
        return {
          status: 200,
          body: rows.map((c) => ({
            id: c.id,
            remoteJid: jidOf(c.peerPhone, c.peerLid),
            pushName: c.peerName,
            profilePicUrl: null,
            unreadCount: c.unreadCount,
            updatedAt: c.lastMessageAt.toISOString(),
            createdAt: c.createdAt.toISOString(),
            instanceId: c.instanceId,
          })),
        };
      },
    }),
    defineRoute({
      ...base,
      method: "post",
      path: "/chat/findContacts/:instanceName",
      summary: "Evolution: the people the instance has talked with",
      auth: { kind: "any", scopes: ["read", "messages:send"] },
      roles: ALL_ROLES,
      params: ZEvolutionInstanceParams,
      body: z.looseObject({ where: z.looseObject({ remoteJid: z.string().optional() }).optional() }),
      responses: {
        200: {
          description: "Contacts",
          schema: z.array(z.record(z.string(), z.unknown())),
          example: [
            { id: "8f0e2d1c-4b5a-4c3d-9e8f-7a6b5c4d3e2f", remoteJid: "5511999990001@s.whatsapp.net", pushName: "Ana" },
          ],
        },
      },
      async handler({ params, body, principal }, _req, res) {
        const rows = await withInstance(deps, principal, res, params.instanceName, ALL_ROLES, (tx, i) =>
          listConversations(tx, { orgId: i.orgId, instanceId: i.id, limit: 500 }),
        );
        const wanted = body.where?.remoteJid;
        return {
          status: 200,
          body: rows
            .map((c) => ({
              id: c.contactId ?? c.id,
              remoteJid: jidOf(c.peerPhone, c.peerLid),
              pushName: c.peerName,
              profilePicUrl: null,
              createdAt: c.createdAt.toISOString(),
              updatedAt: c.lastMessageAt.toISOString(),
              instanceId: c.instanceId,
            }))
            .filter((c) => !wanted || c.remoteJid === wanted),
        };
      },
    }),
    defineRoute({
      ...base,
      method: "post",
      path: "/chat/findMessages/:instanceName",
      summary: "Evolution: messages of one chat (where.key.remoteJid), both directions, newest first",
      description:
        "A message its sender edited shows its new text with `status: EDITED`; one deleted for everyone shows no " +
        "text and `status: DELETED`; `MessageUpdate` lists what happened to each message, as Evolution's does.",
      auth: { kind: "any", scopes: ["read", "messages:send"] },
      roles: ALL_ROLES,
      params: ZEvolutionInstanceParams,
      body: ZEvolutionFindRequest,
      responses: {
        200: {
          description: "Messages, paginated",
          schema: z.record(z.string(), z.unknown()),
          example: {
            messages: {
              total: 2,
              pages: 1,
              currentPage: 1,
              records: [
                {
                  id: "inbound-42",
                  key: { id: "3EB0C767D26A1D8E", fromMe: false, remoteJid: "5511999990001@s.whatsapp.net" },
                  messageType: "conversation",
                  message: { conversation: "Quero 2, obrigado!" },
                  messageTimestamp: 1764470000,
                  status: "EDITED",
                  MessageUpdate: [{ status: "EDITED" }],
                },
                {
                  id: "outbound-7",
                  key: { id: "3EB0AA11BB22CC33", fromMe: true, remoteJid: "5511999990001@s.whatsapp.net" },
                  messageType: "conversation",
                  message: { conversation: "Quantos você quer?" },
                  messageTimestamp: 1764469900,
                  status: "READ",
                  MessageUpdate: [{ status: "DELIVERY_ACK" }, { status: "READ" }],
                },
              ],
            },
          },
        },
      },
      async handler({ params, body, principal }, _req, res) {
        const jid = remoteJidOf(body);
        if (!jid) throw new AppError("bad_request", "where.key.remoteJid is required: Mirage lists one chat at a time");
        const peer = recipientOf(jid);
        const pageSize = body.offset ?? 50;
        const page = body.page ?? 1;
        const items = await withInstance(deps, principal, res, params.instanceName, ALL_ROLES, async (tx, i) => {
          const convs = await listConversations(tx, { orgId: i.orgId, instanceId: i.id, limit: 500 });
          const c = convs.find(
            (x) => (peer.phone && x.peerPhone === peer.phone) || (peer.lid && x.peerLid === peer.lid),
          );
          if (!c) return [];
          return listConversationTimeline(tx, {
            conversation: c,
            notes: false,
            limit: Math.min(page * pageSize, 2000),
          });
        });
        const records = items.slice((page - 1) * pageSize, page * pageSize).map((m) => ({
          id: `${m.kind}-${m.id}`,
          key: { id: m.waMessageId ?? String(m.id), fromMe: m.kind === "outbound", remoteJid: jid },
          pushName: null,
          ...evolutionContent(m.text ?? "", m.replyTo, jid, m.messageType),
          messageTimestamp: Math.floor(m.at.getTime() / 1000),
          ...statusOf(m),
        }));
        return {
          status: 200,
          body: {
            messages: {
              total: items.length,
              pages: Math.max(1, Math.ceil(items.length / pageSize)),
              currentPage: page,
              records,
            },
          },
        };
      },
    }),
  ];
}
