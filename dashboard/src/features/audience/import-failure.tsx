"use client";

import type { TImport } from "@mirage/contracts/imports";
import { XCircleIcon } from "lucide-react";
import { useTranslations } from "next-intl";

/**
 * Why an import stopped, worded from its code in the user's language (the API's `error` is English), and whether
 * contacts written before it stopped stay. An import that failed before codes existed shows the API's sentence.
 */
export function ImportFailure({ imp }: { imp: Pick<TImport, "status" | "error" | "errorCode" | "counts"> }) {
  const t = useTranslations("importWizard");
  if (imp.status !== "failed") return null;
  const { imported, merged } = imp.counts;
  const text = imp.errorCode
    ? [
        t("failed", { reason: t(`failure.${imp.errorCode}`) }),
        imported + merged > 0 ? t("failureKept", { imported, merged }) : "",
      ]
        .filter(Boolean)
        .join(" ")
    : t("failed", { reason: imp.error ?? "" });
  return (
    <p
      role="alert"
      className="flex gap-2 rounded-md border border-destructive/40 bg-destructive/10 p-3 text-sm"
      data-testid="import-failure"
      data-code={imp.errorCode ?? ""}
    >
      <XCircleIcon className="size-4 shrink-0" aria-hidden />
      {text}
    </p>
  );
}
