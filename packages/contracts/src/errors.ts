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
