"use client";

import type { TImportPreview, TImportPreviewWarning } from "@mirage/contracts/import-preview";
import { useTranslations } from "next-intl";
import { Badge } from "@/components/ui/badge";

/**
 * What the import will do to a previewed row besides storing it, in the user's language: an extra number left out
 * (with why), the row merged into an earlier one with the same number, a number stored although it is not valid in
 * its country (with how it is read), or a stored contact the row renames (both names) — the marketer sees it before
 * importing rather than as a "merged" count afterwards.
 */
export function ImportPreviewWarnings({ warnings }: { warnings: readonly TImportPreviewWarning[] }) {
  const t = useTranslations("importWizard");
  if (warnings.length === 0) return null;
  return (
    <ul className="space-y-0.5 text-sm" data-testid="preview-warnings">
      {warnings.map((w) => (
        <li key={`${w.code}-${w.raw}`} data-code={w.code}>
          <Badge variant="warning">{t("warningBadge")}</Badge> {warningText(t, w)}
        </li>
      ))}
    </ul>
  );
}

function warningText(t: ReturnType<typeof useTranslations<"importWizard">>, w: TImportPreviewWarning): string {
  switch (w.code) {
    case "extra_number_dropped":
      return t("warnings.extra_number_dropped", { raw: w.raw, cause: t(`rejectionReason.${w.cause}`) });
    case "duplicate_number":
      return t("warnings.duplicate_number", { line: w.firstLine, raw: w.raw });
    case "number_unlikely":
      return t("warnings.number_unlikely", { raw: w.raw, phone: w.phone, country: w.country ?? "none" });
    case "renames_contact":
      return t("warnings.renames_contact", { raw: w.raw, currentName: w.currentName, newName: w.newName });
  }
}

/**
 * Above the previewed rows, what deserves a look before importing, with counts: numbers that will be stored though
 * not valid in their country, and rows that will rename a contact the organization already has. Null when neither.
 */
export function ImportPreviewNotes({
  preview,
}: {
  preview: Pick<TImportPreview, "unlikelyNumbers" | "renamedContacts">;
}) {
  const t = useTranslations("importWizard");
  const notes = [
    preview.unlikelyNumbers > 0
      ? ["number_unlikely", t("previewNotes.unlikely", { count: preview.unlikelyNumbers })]
      : null,
    preview.renamedContacts > 0
      ? ["renames_contact", t("previewNotes.renames", { count: preview.renamedContacts })]
      : null,
  ].filter((n): n is [string, string] => n !== null);
  if (notes.length === 0) return null;
  return (
    <div
      role="status"
      className="space-y-1 rounded-md border border-warning/40 bg-warning/10 p-3 text-sm"
      data-testid="preview-notes"
    >
      {notes.map(([code, text]) => (
        <p key={code} data-code={code}>
          {text}
        </p>
      ))}
      <p className="text-muted-foreground text-xs">{t("previewNotes.onlyPreviewed")}</p>
    </div>
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
