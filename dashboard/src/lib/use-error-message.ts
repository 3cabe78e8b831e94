"use client";

import { useTranslations } from "next-intl";
import { useCallback } from "react";
import { ApiError } from "./api";
import { errorDetail } from "./error-detail";
import { toast } from "./toast";

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
        // Every code the API answers has its sentence (catalogues.test.ts); one this version does not know reads as
        // the generic one rather than the code.
        const title = t(t.has(err.code) ? (err.code as "internal") : "internal");
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
