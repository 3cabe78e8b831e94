import { ZReactionParams, ZReactionRequest, ZReactionResponse } from "@mirage/contracts/conversations";
import type { TSendRefusalCode } from "@mirage/contracts/errors";
import type { Database } from "@mirage/db";
import { findConversation } from "@mirage/db/conversations";
import { findConversationInbound, setOwnReaction } from "@mirage/db/inbound-messages";
import { withOrg } from "../auth/principal.ts";
import { AppError } from "../http/app-error.ts";
import { defineRoute, type RouteDef } from "../http/route.ts";
import type { InstanceControl } from "../instances/instance-control.ts";
import { INBOX_WRITERS } from "./send-service.ts";

/**
 * The number's own reactions to what people sent it: a 👍 from the inbox or an integration, through the instance's
 * socket (a worker command, like read receipts). A reaction is not a message row: sending it twice leaves the same
 * reaction, so it needs no at-most-once bookkeeping; it is recorded on the message once WhatsApp took it.
 */
export function reactionRoutes(deps: { db: Database; control: InstanceControl }): RouteDef[] {
  const { db, control } = deps;
  return [
    defineRoute({
      method: "put",
      path: "/orgs/:orgId/conversations/:conversationId/messages/:waMessageId/reaction",
      summary: "React to a message the person sent (one emoji; empty takes the reaction back)",
      description:
        "Sent from the conversation's own number; the person's phone shows it under their message, and the timeline " +
        "shows it as `myReaction`. 404 for a message this conversation did not receive (the number's own messages, " +
        "reactions and unknown ids included) or one its sender deleted; 503 when the number is not connected.",
      tags: ["conversations"],
      auth: { kind: "any", scopes: ["messages:send"] },
      roles: INBOX_WRITERS,
      params: ZReactionParams,
      body: ZReactionRequest,
      responses: {
        200: { description: "Sent", schema: ZReactionResponse, example: ZReactionResponse.meta()?.example },
      },
      async handler({ params, body, principal }) {
        const target = await withOrg(db, principal, params.orgId, INBOX_WRITERS, async (tx) => {
          const c = await findConversation(tx, params.orgId, params.conversationId);
          if (!c)
            throw new AppError("not_found", "conversation not found", {
              reasonCode: "conversation_not_found" satisfies TSendRefusalCode,
            });
          const m = await findConversationInbound(tx, {
            orgId: params.orgId,
            conversationId: c.id,
            waMessageId: params.waMessageId,
          });
          if (!m || m.deleted) {
            throw new AppError("not_found", "this conversation received no such message (or its sender deleted it)", {
              reasonCode: "reaction_target_not_found" satisfies TSendRefusalCode,
            });
          }
          return m;
        });
        const sentId = await control.react(target.instanceId, target.fromJid, params.waMessageId, body.emoji);
        const emoji = body.emoji === "" ? null : body.emoji;
        await db.asService((tx) => setOwnReaction(tx, { id: target.id, emoji, waMessageId: sentId ?? null }));
        return { status: 200, body: { waMessageId: params.waMessageId, emoji } };
      },
    }),
  ];
}
