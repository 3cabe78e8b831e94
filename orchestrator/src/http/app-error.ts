import type { TErrorCode } from "@mirage/contracts/errors";

/** The single code → HTTP status table. Every error the API renders has one of these codes. */
export const ERROR_STATUS: Record<TErrorCode, number> = {
  bad_request: 400,
  validation_failed: 400,
  malformed_json: 400,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unauthenticated: 401,
  invalid_token: 401,
  token_expired: 401,
  invalid_credentials: 401,
  account_locked: 429,
  refresh_token_reused: 401,
  forbidden: 403,
  insufficient_scope: 403,
  not_found: 404,
  conflict: 409,
  last_owner: 409,
  unsafe_webhook_target: 422,
  invalid_phone: 422,
  invitation_invalid: 410,
  account_exists: 409,
  rate_limited: 429,
  instance_unavailable: 409,
  idempotency_conflict: 409,
  invalid_message: 422,
  message_not_cancellable: 409,
  campaign_not_startable: 422,
  invalid_campaign_state: 409,
  service_unavailable: 503,
  dependency_unavailable: 503,
  internal: 500,
};

export const ERROR_TITLE: Record<TErrorCode, string> = {
  bad_request: "Bad request",
  validation_failed: "Validation failed",
  malformed_json: "Malformed JSON",
  payload_too_large: "Payload too large",
  unsupported_media_type: "Unsupported media type",
  unauthenticated: "Authentication required",
  invalid_token: "Invalid token",
  token_expired: "Token expired",
  invalid_credentials: "Invalid credentials",
  account_locked: "Account temporarily locked",
  refresh_token_reused: "Refresh token reused",
  forbidden: "Forbidden",
  insufficient_scope: "Insufficient scope",
  not_found: "Not found",
  conflict: "Conflict",
  last_owner: "Last owner",
  unsafe_webhook_target: "Unsafe webhook target",
  invalid_phone: "Invalid phone number",
  invitation_invalid: "Invitation not valid",
  account_exists: "Account exists",
  rate_limited: "Too many requests",
  instance_unavailable: "Instance cannot send",
  idempotency_conflict: "Idempotency key reused",
  invalid_message: "Invalid message",
  message_not_cancellable: "Message can no longer be cancelled",
  campaign_not_startable: "Campaign cannot start",
  invalid_campaign_state: "Not possible in the campaign's state",
  service_unavailable: "Service unavailable",
  dependency_unavailable: "Dependency unavailable",
  internal: "Internal error",
};

export type AppErrorOptions = {
  /** Field-level details for validation errors. */
  errors?: { path: string; message: string }[];
  /** Seconds, for 429/503 answers. */
  retryAfter?: number;
  /** A finer code for the reason, for clients to word it (the problem's `reasonCode`). */
  reasonCode?: string;
  cause?: unknown;
};

/** Thrown anywhere; rendered only by the error middleware. `message` is the human reason sent to the client. */
export class AppError extends Error {
  readonly code: TErrorCode;
  readonly status: number;
  readonly errors: { path: string; message: string }[] | undefined;
  readonly retryAfter: number | undefined;
  readonly reasonCode: string | undefined;

  constructor(code: TErrorCode, message: string, opts: AppErrorOptions = {}) {
    super(message, { cause: opts.cause });
    this.name = "AppError";
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.errors = opts.errors;
    this.retryAfter = opts.retryAfter;
    this.reasonCode = opts.reasonCode;
  }
}
