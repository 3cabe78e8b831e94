"use client";

import { useTranslations } from "next-intl";
import { useCallback } from "react";
import { ApiError } from "./api";
import { errorDetail } from "./error-detail";
import { toast } from "./toast";

const KNOWN = new Set([
  "network",
  "bad_request",
  "validation_failed",
  "unsupported_media_type",
  "payload_too_large",
  "unauthenticated",
  "invalid_credentials",
  "account_locked",
  "forbidden",
  "insufficient_scope",
  "not_found",
  "conflict",
  "last_owner",
  "invitation_invalid",
  "account_exists",
  "unsafe_webhook_target",
  "rate_limited",
  "service_unavailable",
  "internal",
]);

/**
 * Turns an error into words for people: a translated sentence for the problem's code, and as the detail the
 * problem's `reasonCode` in the user's language when the catalogue words it (a refused upload: "this is a
 * workbook, save it as CSV"), else the API's own reason (problem+json `detail`, plus the field errors that add
 * something to it: see errorDetail). Never a stack trace.
 */
export function useErrorMessage() {
  const t = useTranslations("errors");
  const describe = useCallback(
    (err: unknown): { title: string; detail: string | undefined } => {
      if (err instanceof ApiError) {
        const title = t(KNOWN.has(err.code) ? (err.code as "internal") : "internal");
        const refusal = err.problem?.reasonCode ? `refusals.${err.problem.reasonCode}` : undefined;
        if (refusal && t.has(refusal)) return { title, detail: t(refusal as "internal") };
        return { title, detail: errorDetail(err.detail, err.problem?.errors) };
      }
      return { title: t("internal"), detail: undefined };
    },
    [t],
  );
  const toastError = useCallback(
    (err: unknown) => {
      const { title, detail } = describe(err);
      toast.error(title, { description: detail });
    },
    [describe],
  );
  return { describe, toastError };
}
