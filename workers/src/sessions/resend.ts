import type { ResendableMessage } from "@mirage/db/resendable-messages";
import type { Logger } from "@mirage/logger";
import { generateWAMessage, type proto, type WAMessageKey } from "@whiskeysockets/baileys";

/** The content of a message this instance wrote, by its WhatsApp id (undefined: none to write again). */
export type ResendLookup = (waMessageId: string) => Promise<ResendableMessage | undefined>;

/**
 * Baileys' `getMessage`: when a recipient's phone could not decrypt a message it sends a retry receipt, and Baileys
 * writes the message again under the same id. Baileys keeps the messages of the last 5 minutes in memory (512 at
 * most); past that, or on a socket opened since (a restart, a move to another worker), it asks here, and without an
 * answer the recipient never gets the message. The content is rebuilt from the stored row as the first write built
 * it: a text with Baileys' own builder (with the quoted message of a reply), or the instance's current reaction.
 * Returns undefined for anything else (not ours, not a stored text, lookup failed: logged, the retry is dropped).
 */
export function getMessageForResend(
  lookup: ResendLookup,
  userJid: () => string | undefined,
  logger: Logger,
): (key: WAMessageKey) => Promise<proto.IMessage | undefined> {
  return async (key) => {
    const { id, remoteJid } = key;
    if (!id || !remoteJid || key.fromMe === false) return undefined;
    const found = await lookup(id).catch((err: unknown) => {
      logger.warn({ err, waMessageId: id }, "could not read a message a recipient asked to be sent again");
      return undefined;
    });
    if (!found) {
      logger.warn({ waMessageId: id }, "a recipient asked again for a message this instance has no copy of");
      return undefined;
    }
    logger.debug({ waMessageId: id, kind: found.kind }, "writing a message again for a recipient's retry receipt");
    if (found.kind === "reaction") {
      // As `react` wrote it: the reaction message naming the received message (an empty text takes it back).
      return {
        reactionMessage: {
          key: { remoteJid: found.target.remoteJid, id: found.target.id, fromMe: false },
          text: found.emoji ?? "",
          senderTimestampMs: Date.now(),
        },
      };
    }
    const quoted = found.replyTo
      ? {
          key: { remoteJid, id: found.replyTo.id, fromMe: found.replyTo.fromMe },
          message: { conversation: found.replyTo.text },
        }
      : undefined;
    const rebuilt = await generateWAMessage(
      remoteJid,
      { text: found.body },
      {
        userJid: userJid() ?? "",
        messageId: id,
        ...(quoted ? { quoted } : {}),
        upload: () => Promise.reject(new Error("a text has nothing to upload")),
      },
    );
    return rebuilt.message ?? undefined;
  };
}
