"use client";

import { useTranslations } from "next-intl";
import { useCallback } from "react";
import { ApiError } from "./api";
import { errorDetail, errorMessage } from "./error-detail";
import { toast } from "./toast";

/**
 * Codes whose sentence is the whole story for people: the API's detail for them is a developer's note in English
 * ("wrong email or password", "the access token has expired") that would replace the user's language with nothing
 * more to say.
 */
const WORDED_BY_CODE: ReadonlySet<string> = new Set([
  "invalid_credentials",
  "account_locked",
  "unauthenticated",
  "invalid_token",
  "token_expired",
  "refresh_token_reused",
  "internal",
]);

/** An error in words: `title` always, `detail` only when it adds something to it (see errorMessage). */
export type ErrorWords = { title: string; detail: string | undefined };

/**
 * Turns an error into words for people: the problem's `reasonCode` in the user's language when the catalogue words
 * it (a refused upload: "this is a workbook, save it as CSV"); else the translated sentence for the problem's code,
 * with the API's own reason under it (problem+json `detail`, plus the field errors that add something to it: see
 * errorDetail) when it says more. `message` joins the two for places with room for one line. Never a stack trace.
 */
export function useErrorMessage() {
  const t = useTranslations("errors");
  const describe = useCallback(
    (err: unknown): ErrorWords => {
      if (!(err instanceof ApiError)) return { title: t("internal"), detail: undefined };
      // Every code the API answers has its sentence (catalogues.test.ts); one this version does not know reads as
      // the generic one rather than the code.
      const generic = t(t.has(err.code) ? (err.code as "internal") : "internal");
      const refusal = err.problem?.reasonCode ? `refusals.${err.problem.reasonCode}` : undefined;
      // Only a problem body's own detail is the API's reason: without one (a proxy's error page, the network), the
      // `detail` is the HTTP status text or the dashboard's own note, in English and less useful than `generic`.
      const fromApi = typeof err.problem?.detail === "string" || Boolean(err.problem?.errors);
      const detail =
        fromApi && !WORDED_BY_CODE.has(err.code) ? errorDetail(err.detail, err.problem?.errors) : undefined;
      return errorMessage({
        reason: refusal && t.has(refusal) ? t(refusal as "internal") : undefined,
        detail,
        generic,
      });
    },
    [t],
  );
  const message = useCallback(
    (err: unknown): string => {
      const { title, detail } = describe(err);
      return detail ? `${title} ${detail}` : title;
    },
    [describe],
  );
  const toastError = useCallback(
    (err: unknown) => {
      const { title, detail } = describe(err);
      toast.error(title, { description: detail });
    },
    [describe],
  );
  return { message, describe, toastError };
}
