import { z } from "zod";

// Mirrors of the Postgres enums in supabase/migrations; a test in @mirage/db compares them with the database.
export const ZOrgRole = z.enum(["owner", "admin", "operator", "marketer", "viewer"]);
export type TOrgRole = z.infer<typeof ZOrgRole>;

export const ZInstanceStatus = z.enum([
  "pending_pairing",
  "pairing_expired",
  "connecting",
  "connected",
  "degraded",
  "restricted",
  "logged_out",
  "banned",
  "stopped",
  "failed",
]);
export type TInstanceStatus = z.infer<typeof ZInstanceStatus>;

export const ZCampaignStatus = z.enum(["draft", "scheduled", "running", "paused", "completed", "cancelled"]);
export type TCampaignStatus = z.infer<typeof ZCampaignStatus>;

export const ZRoundStatus = z.enum(["planned", "running", "completed", "cancelled"]);
export type TRoundStatus = z.infer<typeof ZRoundStatus>;

export const ZMessageState = z.enum([
  "queued",
  "claimed",
  "sending",
  "sent",
  "delivered",
  "read",
  "failed",
  "skipped",
  "unknown",
  "cancelled",
]);
export type TMessageState = z.infer<typeof ZMessageState>;

export const ZConversationStatus = z.enum(["open", "closed"]);
export type TConversationStatus = z.infer<typeof ZConversationStatus>;

/**
 * What a received message is: a text, or the kind of media (recorded with its caption; the file is not downloaded).
 * `voice` is a voice note (push-to-talk), `audio` an audio file. `reaction`: an emoji reaction to a message (its
 * text is the emoji, empty when the person took it back; `replyTo` names the message it reacts to).
 */
export const ZInboundMessageType = z.enum([
  "text",
  "image",
  "video",
  "audio",
  "voice",
  "document",
  "sticker",
  "location",
  "contact",
  "reaction",
]);
export type TInboundMessageType = z.infer<typeof ZInboundMessageType>;

export const ZBlacklistSource = z.enum(["manual", "opt_out", "import", "api", "bounce"]);
export type TBlacklistSource = z.infer<typeof ZBlacklistSource>;

export const ZWebhookDeliveryStatus = z.enum(["pending", "delivering", "delivered", "failed", "dead"]);
export type TWebhookDeliveryStatus = z.infer<typeof ZWebhookDeliveryStatus>;

/**
 * What an API key may do. `messages:send` sends messages (and manages the inbox and the blacklist); `admin`
 * satisfies every scope.
 */
export const ZApiKeyScope = z.enum(["read", "messages:send", "instances", "campaigns", "admin"]);
export type TApiKeyScope = z.infer<typeof ZApiKeyScope>;

/**
 * A scope as a client may ask for it: the scopes, plus `send`, the former name of `messages:send`, still accepted
 * (and stored as `messages:send`) so scripts written for it keep working.
 */
export const ZApiKeyScopeInput = z
  .enum([...ZApiKeyScope.options, "send"])
  .describe("An API key scope; `send` is a deprecated alias of `messages:send`");
export type TApiKeyScopeInput = z.infer<typeof ZApiKeyScopeInput>;

/** Scopes with aliases replaced by their names, without duplicates (`send` → `messages:send`). */
export function canonicalScopes(scopes: readonly string[]): TApiKeyScope[] {
  const out = new Set<TApiKeyScope>();
  for (const s of scopes) out.add(s === "send" ? "messages:send" : (s as TApiKeyScope));
  return [...out];
}

/**
 * E.164 as Mirage answers it (`+` and digits). An output format only: numbers coming in are {@link ZPhoneInput} and
 * go through @mirage/phone with the organization's default country.
 */
export const ZPhoneE164 = z.string().regex(/^\+[1-9][0-9]{6,14}$/, "must be an E.164 phone number like +5511999990000");

/**
 * A phone number as a person writes it: `+55 11 99999-0001`, `(11) 99999-0001` (with the organization's default
 * country), `5511999990001`, `0055…`. The API normalizes it with @mirage/phone and answers 422 invalid_phone with the
 * reason when it cannot be a number.
 */
export const ZPhoneInput = z
  .string()
  .min(1)
  .max(64)
  .describe(
    "phone number in any common written form; without a country code the organization's default country applies",
  );
