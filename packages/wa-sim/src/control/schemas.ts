import { z } from "zod";
import { ScheduledFaultSchema } from "../core/faults.ts";

export const PhoneParam = z.string().regex(/^[1-9]\d{6,14}$/, "digits with country code, no '+'");

export const ScanRequest = z.object({ qr: z.string().min(10) });
export const PairingCodeRequest = z.object({ code: z.string().min(8).max(9) });
export const FaultRequest = ScheduledFaultSchema;

const ContactMediaSchema = z.enum(["image", "video", "audio", "voice", "document", "sticker", "location", "contact"]);

export const ScriptedReplySchema = z
  .object({
    match: z.string().optional(),
    text: z.string().default(""),
    media: ContactMediaSchema.optional(),
    delayMs: z.number().int().nonnegative().optional(),
    typingMs: z.number().int().nonnegative().optional(),
    once: z.boolean().optional(),
  })
  .refine((r) => r.media !== undefined || r.text.length > 0, { message: "text is required without media" });

export const ContactBehaviourPatch = z
  .object({
    onWhatsApp: z.boolean(),
    hasLid: z.boolean(),
    name: z.string().min(1),
    deliveryDelayMs: z.number().int().nonnegative().nullable(),
    readDelayMs: z.number().int().nonnegative().nullable(),
    replies: z.array(ScriptedReplySchema),
    addressing: z.enum(["pn", "lid", "lid-with-pn"]),
    decryptFailures: z.number().int().nonnegative(),
    retryDelayMs: z.number().int().nonnegative().nullable(),
  })
  .partial();

export const ContactSendRequest = z
  .object({
    to: PhoneParam,
    /** The text, or with `media` its caption. */
    text: z.string().default(""),
    /** A reply: the WhatsApp id of the chat's message it quotes. */
    quote: z.string().min(1).optional(),
    /** Media instead of a text, sent without a file (its kind and the caption arrive). */
    media: ContactMediaSchema.optional(),
  })
  .refine((r) => r.media !== undefined || r.text.length > 0, { message: "text is required without media" });
/** A reaction to a message of the chat, or an edit or deletion for everyone of one of the contact's own. */
export const ContactActionRequest = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("reaction"), to: PhoneParam, messageId: z.string().min(1), emoji: z.string().max(16) }),
  z.object({ kind: z.literal("edit"), to: PhoneParam, messageId: z.string().min(1), text: z.string().min(1) }),
  z.object({ kind: z.literal("delete"), to: PhoneParam, messageId: z.string().min(1) }),
]);
export const ContactTypingRequest = z.object({
  to: PhoneParam,
  state: z.enum(["composing", "paused", "recording"]).default("composing"),
});
export const MessagesQuery = z.object({ account: PhoneParam.optional(), contact: PhoneParam.optional() });
