"use client";

import type { TImportPreview, TImportPreviewWarning } from "@mirage/contracts/imports";
import { useTranslations } from "next-intl";
import { Badge } from "@/components/ui/badge";

/**
 * What the import will do to a previewed row besides storing it, in the user's language: an extra number left out
 * (with why), or the row merged into an earlier one with the same number — the marketer sees it before importing
 * rather than as a "merged" count afterwards.
 */
export function ImportPreviewWarnings({ warnings }: { warnings: readonly TImportPreviewWarning[] }) {
  const t = useTranslations("importWizard");
  if (warnings.length === 0) return null;
  return (
    <ul className="space-y-0.5 text-sm" data-testid="preview-warnings">
      {warnings.map((w) => (
        <li key={`${w.code}-${w.raw}`} data-code={w.code}>
          <Badge variant="warning">{t("warningBadge")}</Badge>{" "}
          {w.code === "extra_number_dropped"
            ? t("warnings.extra_number_dropped", { raw: w.raw, cause: t(`rejectionReason.${w.cause}`) })
            : t("warnings.duplicate_number", { line: w.firstLine, raw: w.raw })}
        </li>
      ))}
    </ul>
  );
}

/**
 * Why the mapping cannot apply to the file, in the user's language (the API's `problem` is English); null when it
 * applies.
 */
export function ImportPreviewProblem({ preview }: { preview: Pick<TImportPreview, "problemCode" | "missingColumns"> }) {
  const t = useTranslations("importWizard");
  if (!preview.problemCode) return null;
  return (
    <p
      role="alert"
      className="rounded-md border border-destructive/40 bg-destructive/10 p-3 text-sm"
      data-testid="preview-problem"
    >
      {preview.problemCode === "missing_columns"
        ? t("problems.missing_columns", { columns: preview.missingColumns.map((c) => `“${c}”`).join(", ") })
        : t("problems.no_phone_column")}
    </p>
  );
}
