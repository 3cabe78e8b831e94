import type { TSendRefusalCode } from "@mirage/contracts/errors";
import { AppError } from "../http/app-error.ts";

/**
 * The client's idempotency key of a send, a reply or an Evolution sendText: the `Idempotency-Key` header (trimmed),
 * the body's `clientId`, or both when they agree; null when neither is given.
 * @throws AppError validation_failed (`idempotency_key_invalid`) for a header that is blank or over 200 characters,
 *   (`idempotency_key_mismatch`) when the header and `clientId` differ — a key is never cut or picked silently, or
 *   two different messages could share one.
 */
export function clientRefOf(header: string | string[] | undefined, clientId?: string): string | null {
  const key = typeof header === "string" ? header.trim() : undefined;
  if (key !== undefined && (key.length === 0 || key.length > 200)) {
    throw new AppError("validation_failed", "the Idempotency-Key header must have 1 to 200 characters", {
      reasonCode: "idempotency_key_invalid" satisfies TSendRefusalCode,
    });
  }
  if (key && clientId && key !== clientId) {
    throw new AppError("validation_failed", "the Idempotency-Key header and the body's clientId differ", {
      reasonCode: "idempotency_key_mismatch" satisfies TSendRefusalCode,
    });
  }
  return key ?? clientId ?? null;
}
