import { z } from "zod";

/** Every machine-readable error code the API answers with; the HTTP status is fixed per code (see the app). */
export const ZErrorCode = z.enum([
  "bad_request",
  "validation_failed",
  "malformed_json",
  "payload_too_large",
  "unsupported_media_type",
  "unauthenticated",
  "invalid_token",
  "token_expired",
  "invalid_credentials",
  "account_locked",
  "refresh_token_reused",
  "forbidden",
  "insufficient_scope",
  "not_found",
  "conflict",
  "last_owner",
  "unsafe_webhook_target",
  "invalid_phone",
  "invitation_invalid",
  "account_exists",
  "rate_limited",
  "instance_unavailable",
  "idempotency_conflict",
  "invalid_message",
  "message_not_cancellable",
  "campaign_not_startable",
  "invalid_campaign_state",
  "service_unavailable",
  "dependency_unavailable",
  "internal",
]);
export type TErrorCode = z.infer<typeof ZErrorCode>;

/** RFC 9457 problem details, with our machine-readable `code`. */
export const ZProblem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: ZErrorCode,
    detail: z.string(),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    /**
     * A finer code for `detail` that clients may word in their language (e.g. an upload's ZFileRefusalCode); absent
     * when there is none. The set grows: a client that does not know a code shows `detail`.
     */
    reasonCode: z.string().optional(),
    /** Field-level problems for validation_failed: path → messages. */
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: "Problem" });
export type TProblem = z.infer<typeof ZProblem>;

/**
 * Why a send, an inbox reply, a reaction or a note was refused, as the problem's `reasonCode`: the API's `detail`
 * is English, and a client words these in its user's language (the dashboard's catalogue has one sentence each).
 */
export const ZSendRefusalCode = z.enum([
  "recipient_invalid",
  "text_empty",
  "text_too_long",
  "expires_in_past",
  "idempotency_key_invalid",
  "idempotency_key_mismatch",
  "idempotency_key_reused",
  "reply_to_unknown",
  "recipient_erased",
  "role_cannot_send",
  "instance_not_found",
  "instance_not_connected",
  "instance_restricted",
  "instance_rate_limited",
  "conversation_not_found",
  "organization_not_found",
  "reaction_target_not_found",
  "note_not_found",
]);
export type TSendRefusalCode = z.infer<typeof ZSendRefusalCode>;
