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
 * Turns an error into words for people: a translated sentence for the problem's code, and the API's own reason
 * (problem+json `detail`, plus the field errors that add something to it: see errorDetail) as the detail. Never a
 * stack trace.
 */
export function useErrorMessage() {
  const t = useTranslations("errors");
  const describe = useCallback(
    (err: unknown): { title: string; detail: string | undefined } => {
      if (err instanceof ApiError) {
        const title = t(KNOWN.has(err.code) ? (err.code as "internal") : "internal");
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
