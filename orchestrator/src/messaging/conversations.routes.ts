import { ZOrgIdParams } from "@mirage/contracts/common";
import {
  ZConversation,
  ZConversationList,
  ZConversationMessages,
  ZConversationMessagesQuery,
  ZConversationParams,
  ZListConversationsQuery,
  ZNote,
  ZNoteParams,
  ZNoteRequest,
  ZReplyRequest,
  ZUpdateConversationRequest,
} from "@mirage/contracts/conversations";
import type { TSendRefusalCode } from "@mirage/contracts/errors";
import { ZOutboundMessage, ZSendMessageHeaders } from "@mirage/contracts/messages";
import type { Database, Tx } from "@mirage/db";
import {
  addConversationNote,
  type ConversationView,
  deleteConversationNote,
  findConversation,
  listConversations,
  listConversationTimeline,
  updateConversation,
} from "@mirage/db/conversations";
import { findMember } from "@mirage/db/members";
import { z } from "zod";
import { audit } from "../audit/record.ts";
import { ALL_ROLES, withOrg } from "../auth/principal.ts";
import { AppError } from "../http/app-error.ts";
import { readCursor, toCursorPage } from "../http/pagination.ts";
import { defineRoute, type RouteDef } from "../http/route.ts";
import { clientRefOf } from "./idempotency-key.ts";
import { toMessageDto } from "./messages.routes.ts";
import { INBOX_WRITERS, SEND_ERRORS, type SendService } from "./send-service.ts";

/**
 * A conversation is assigned to someone who can answer it: a viewer cannot reply, so the assignment would leave it
 * with nobody. Someone who is not a member is left to the foreign key (400 naming the field).
 */
async function mustWorkTheInbox(tx: Tx, orgId: string, userId: string): Promise<void> {
  const member = await findMember(tx, { orgId, userId });
  if (member && !INBOX_WRITERS.includes(member.role)) {
    throw new AppError(
      "validation_failed",
      `assignedTo is a ${member.role}, who cannot work the inbox; assign it to a member with one of the roles ${INBOX_WRITERS.join(", ")}`,
      { errors: [{ path: "body.assignedTo", message: `a ${member.role} cannot work the inbox` }] },
    );
  }
}

function toDto(c: ConversationView) {
  const { orgId: _org, ...rest } = c;
  return {
    ...rest,
    lastMessageAt: c.lastMessageAt.toISOString(),
    createdAt: c.createdAt.toISOString(),
    optedOutAt: c.optedOutAt?.toISOString() ?? null,
  };
}

// Keyset positions inside the opaque cursors (readCursor, toCursorPage): a conversation's last activity and id; a
// timeline entry's time, kind rank and id. Pages are read with one extra row, which only proves a next page exists.
const ZListCursor = z.tuple([z.iso.datetime({ offset: true }), z.uuid()]);
const ZTimelineCursor = z.tuple([z.iso.datetime({ offset: true }), z.number().int(), z.number().int()]);

async function visible(tx: Tx, orgId: string, id: string): Promise<ConversationView> {
  const c = await findConversation(tx, orgId, id);
  if (!c)
    throw new AppError("not_found", "conversation not found", {
      reasonCode: "conversation_not_found" satisfies TSendRefusalCode,
    });
  return c;
}

/** The inbox ("Sistema de Conversas"): everyone reads; marketers, operators and above reply, tag, assign and close. */
export function conversationRoutes(deps: { db: Database; send: SendService }): RouteDef[] {
  const { db, send } = deps;
  return [
    defineRoute({
      method: "get",
      path: "/orgs/:orgId/conversations",
      summary: "Conversations, most recently active first, with filters and search",
      tags: ["conversations"],
      auth: { kind: "any", scopes: ["read", "messages:send"] },
      roles: ALL_ROLES,
      params: ZOrgIdParams,
      query: ZListConversationsQuery,
      responses: {
        200: {
          description: "A page; pass nextCursor as cursor",
          schema: ZConversationList,
          example: { items: [ZConversation.meta()?.example], nextCursor: null },
        },
      },
      async handler({ params, query, principal }) {
        const after = readCursor(query.cursor, ZListCursor);
        const rows = await withOrg(db, principal, params.orgId, ALL_ROLES, (tx) =>
          listConversations(tx, {
            orgId: params.orgId,
            ...(query.status ? { status: query.status } : {}),
            ...(query.instanceId ? { instanceId: query.instanceId } : {}),
            ...(query.assignedTo ? { assignedTo: query.assignedTo === "none" ? null : query.assignedTo } : {}),
            ...(query.tag ? { tag: query.tag } : {}),
            ...(query.campaignId ? { campaignId: query.campaignId } : {}),
            ...(query.unread ? { unread: query.unread === "true" } : {}),
            ...(query.q ? { q: query.q } : {}),
            ...(after ? { after: { at: new Date(after[0]), id: after[1] } } : {}),
            limit: query.limit + 1,
          }),
        );
        const page = toCursorPage(rows, query.limit, (c) => [c.lastMessageAt.toISOString(), c.id]);
        return { status: 200, body: { items: page.items.map(toDto), nextCursor: page.nextCursor } };
      },
    }),
    defineRoute({
      method: "get",
      path: "/orgs/:orgId/conversations/:conversationId",
      summary: "One conversation",
      tags: ["conversations"],
      auth: { kind: "any", scopes: ["read", "messages:send"] },
      roles: ALL_ROLES,
      params: ZConversationParams,
      responses: {
        200: { description: "The conversation", schema: ZConversation, example: ZConversation.meta()?.example },
      },
      async handler({ params, principal }) {
        const c = await withOrg(db, principal, params.orgId, ALL_ROLES, (tx) =>
          visible(tx, params.orgId, params.conversationId),
        );
        return { status: 200, body: toDto(c) };
      },
    }),
    defineRoute({
      method: "patch",
      path: "/orgs/:orgId/conversations/:conversationId",
      summary: "Close or reopen, assign to a member, tag, or mark read",
      tags: ["conversations"],
      auth: { kind: "any", scopes: ["messages:send"] },
      roles: INBOX_WRITERS,
      params: ZConversationParams,
      body: ZUpdateConversationRequest,
      responses: {
        200: { description: "The conversation", schema: ZConversation, example: ZConversation.meta()?.example },
      },
      async handler({ params, body, principal }, req) {
        const c = await withOrg(db, principal, params.orgId, INBOX_WRITERS, async (tx) => {
          await visible(tx, params.orgId, params.conversationId);
          if (body.assignedTo) await mustWorkTheInbox(tx, params.orgId, body.assignedTo);
          await updateConversation(tx, {
            orgId: params.orgId,
            id: params.conversationId,
            ...(body.status ? { status: body.status } : {}),
            ...(body.assignedTo !== undefined ? { assignedTo: body.assignedTo } : {}),
            ...(body.tags ? { tags: body.tags } : {}),
            ...(body.read ? { read: true } : {}),
          });
          if (body.status || body.assignedTo !== undefined || body.tags) {
            await audit(tx, req, {
              orgId: params.orgId,
              action: "conversation.update",
              targetType: "conversation",
              targetId: params.conversationId,
              detail: { status: body.status, assignedTo: body.assignedTo, tags: body.tags },
            });
          }
          return visible(tx, params.orgId, params.conversationId);
        });
        return { status: 200, body: toDto(c) };
      },
    }),
    defineRoute({
      method: "get",
      path: "/orgs/:orgId/conversations/:conversationId/messages",
      summary: "The conversation's messages (both directions, campaign messages included) and notes, newest first",
      tags: ["conversations"],
      auth: { kind: "any", scopes: ["read", "messages:send"] },
      roles: ALL_ROLES,
      params: ZConversationParams,
      query: ZConversationMessagesQuery,
      responses: {
        200: {
          description: "A page; pass nextCursor as cursor",
          schema: ZConversationMessages,
          example: ZConversationMessages.meta()?.example,
        },
      },
      async handler({ params, query, principal }) {
        const before = readCursor(query.cursor, ZTimelineCursor);
        const rows = await withOrg(db, principal, params.orgId, ALL_ROLES, async (tx) => {
          const c = await visible(tx, params.orgId, params.conversationId);
          return listConversationTimeline(tx, {
            conversation: c,
            notes: query.notes === "true",
            limit: query.limit + 1,
            ...(before ? { before: { at: new Date(before[0]), k: before[1], id: before[2] } } : {}),
          });
        });
        const page = toCursorPage(rows, query.limit, (i) => [i.at.toISOString(), i.k, i.id]);
        return {
          status: 200,
          body: {
            items: page.items.map(({ k: _k, ...item }) => ({
              ...item,
              at: item.at.toISOString(),
              editedAt: item.editedAt?.toISOString() ?? null,
              deletedAt: item.deletedAt?.toISOString() ?? null,
            })),
            nextCursor: page.nextCursor,
          },
        };
      },
    }),
    defineRoute({
      method: "post",
      path: "/orgs/:orgId/conversations/:conversationId/messages",
      summary: "Reply from the conversation's own instance",
      description: "Same rules and answers as sending from an instance (202, 409 when it cannot send, 422, 429).",
      tags: ["conversations"],
      errors: SEND_ERRORS,
      auth: { kind: "any", scopes: ["messages:send"] },
      roles: INBOX_WRITERS,
      params: ZConversationParams,
      headers: ZSendMessageHeaders,
      body: ZReplyRequest,
      responses: {
        202: { description: "Queued", schema: ZOutboundMessage, example: ZOutboundMessage.meta()?.example },
        200: {
          description: "Already queued under this idempotency key",
          schema: ZOutboundMessage,
          example: ZOutboundMessage.meta()?.example,
        },
      },
      async handler({ params, body, principal }, req, res) {
        const c = await withOrg(db, principal, params.orgId, ALL_ROLES, (tx) =>
          visible(tx, params.orgId, params.conversationId),
        );
        const clientRef = clientRefOf(req.headers["idempotency-key"], body.clientId);
        const { message, created } = await send.send(principal, {
          orgId: params.orgId,
          instanceId: c.instanceId,
          // The phone when known (WhatsApp's own id for it is resolved at send time), else the LID.
          recipient: c.peerPhone ? { phone: c.peerPhone, lid: null } : { phone: null, lid: c.peerLid },
          text: body.text,
          clientRef,
          typing: body.typing,
          ...(body.replyTo ? { replyTo: { waMessageId: body.replyTo, required: true } } : {}),
          source: "inbox",
        });
        if (!created) res.setHeader("Idempotent-Replayed", "true");
        return { status: created ? 202 : 200, body: toMessageDto(message) };
      },
    }),
    defineRoute({
      method: "post",
      path: "/orgs/:orgId/conversations/:conversationId/notes",
      summary: "Add an internal note (never sent to the person)",
      tags: ["conversations"],
      auth: { kind: "any", scopes: ["messages:send"] },
      roles: INBOX_WRITERS,
      params: ZConversationParams,
      body: ZNoteRequest,
      responses: { 201: { description: "The note", schema: ZNote, example: ZNote.meta()?.example } },
      async handler({ params, body, principal }, req) {
        const note = await withOrg(db, principal, params.orgId, INBOX_WRITERS, async (tx) => {
          await visible(tx, params.orgId, params.conversationId);
          const added = await addConversationNote(tx, {
            orgId: params.orgId,
            conversationId: params.conversationId,
            body: body.text,
          });
          // That a note was written, and which: its text stays in the conversation (it may quote the person).
          await audit(tx, req, {
            orgId: params.orgId,
            action: "conversation.note.add",
            targetType: "conversation",
            targetId: params.conversationId,
            detail: { noteId: added.id },
          });
          return added;
        });
        return {
          status: 201,
          body: { id: note.id, authorId: note.authorId, text: note.body, createdAt: note.createdAt.toISOString() },
        };
      },
    }),
    defineRoute({
      method: "delete",
      path: "/orgs/:orgId/conversations/:conversationId/notes/:noteId",
      summary: "Delete a note (its author, or an admin)",
      tags: ["conversations"],
      auth: { kind: "any", scopes: ["messages:send"] },
      roles: INBOX_WRITERS,
      params: ZNoteParams,
      responses: { 204: { description: "Deleted" } },
      async handler({ params, principal }, req) {
        const ok = await withOrg(db, principal, params.orgId, INBOX_WRITERS, async (tx) => {
          const deleted = await deleteConversationNote(tx, {
            orgId: params.orgId,
            conversationId: params.conversationId,
            id: params.noteId,
          });
          if (deleted) {
            await audit(tx, req, {
              orgId: params.orgId,
              action: "conversation.note.delete",
              targetType: "conversation",
              targetId: params.conversationId,
              detail: { noteId: params.noteId },
            });
          }
          return deleted;
        });
        if (!ok)
          throw new AppError("not_found", "note not found (or not yours to delete)", {
            reasonCode: "note_not_found" satisfies TSendRefusalCode,
          });
        return { status: 204 };
      },
    }),
  ];
}
