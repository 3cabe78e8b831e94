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

export const ZBlacklistSource = z.enum(["manual", "opt_out", "import", "api", "bounce"]);
export type TBlacklistSource = z.infer<typeof ZBlacklistSource>;

export const ZWebhookDeliveryStatus = z.enum(["pending", "delivering", "delivered", "failed", "dead"]);
export type TWebhookDeliveryStatus = z.infer<typeof ZWebhookDeliveryStatus>;

export const ZApiKeyScope = z.enum(["read", "send", "instances", "campaigns", "admin"]);
export type TApiKeyScope = z.infer<typeof ZApiKeyScope>;

/** E.164: a plus, a non-zero country digit, 7 to 15 digits in all. */
export const ZPhoneE164 = z.string().regex(/^\+[1-9][0-9]{6,14}$/, "must be an E.164 phone number like +5511999990000");
