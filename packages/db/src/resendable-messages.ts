import type { Db } from "./client.ts";

// What a recipient's retry receipt asks the worker to write again: the content of messages the instance wrote,
// wherever they are kept (texts in outbound_messages, the instance's own reactions on the inbound message).

/**
 * What a message the instance wrote carried, as needed to write it again: a text (with the message it quoted, if
 * any), or its latest reaction to a received message (`target`: that message's WhatsApp id and chat JID; `emoji`
 * null when the reaction was taken back).
 */
export type ResendableMessage =
  | { kind: "text"; body: string; replyTo: { id: string; fromMe: boolean; text: string } | null }
  | { kind: "reaction"; target: { id: string; remoteJid: string }; emoji: string | null };

/**
 * Service: the content of a message this instance already wrote to WhatsApp, by its WhatsApp id, for a recipient's
 * retry receipt (its phone could not decrypt the first copy and asks for it again): a text in `sending` or later
 * (not failed), or the instance's current reaction to a received message. Undefined when the instance has no such
 * message: never written, failed, cancelled, a reaction replaced since, or erased with its contact.
 */
export async function findResendableMessage(
  db: Db,
  input: { instanceId: string; waMessageId: string },
): Promise<ResendableMessage | undefined> {
  const [text] = await db<{ body: string; replyTo: { id: string; fromMe: boolean; text: string } | null }[]>`
    select body,
      case when reply_to_wa_id is null then null
           else json_build_object('id', reply_to_wa_id, 'fromMe', reply_to_from_me, 'text', reply_to_text) end
        as "replyTo"
    from public.outbound_messages
    where instance_id = ${input.instanceId} and wa_message_id = ${input.waMessageId}
      and state in ('sending', 'sent', 'delivered', 'read', 'unknown')`;
  if (text) return { kind: "text", ...text };
  const [reaction] = await db<{ id: string; remoteJid: string; emoji: string | null }[]>`
    select wa_message_id as id, from_jid as "remoteJid", my_reaction as emoji from public.inbound_messages
    where instance_id = ${input.instanceId} and my_reaction_wa_id = ${input.waMessageId}`;
  return reaction
    ? { kind: "reaction", target: { id: reaction.id, remoteJid: reaction.remoteJid }, emoji: reaction.emoji }
    : undefined;
}
