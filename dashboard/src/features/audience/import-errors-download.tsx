"use client";

import { useMutation } from "@tanstack/react-query";
import { DownloadIcon } from "lucide-react";
import { useTranslations } from "next-intl";
import { Button } from "@/components/ui/button";
import { apiBlob, saveBlob } from "@/lib/api";
import { useErrorMessage } from "@/lib/use-error-message";
import { localizeErrorsCsv } from "./import-errors-csv";

/**
 * "Download rejected rows (CSV)": every rejected line of the import (`GET …/imports/{id}/errors.csv`), fetched
 * through the BFF and saved in the reader's language — headers and reasons from the same catalog as the table above,
 * the code column as the API wrote it. With `kind="warnings"`, "Download warnings (CSV)": every number imported with
 * a warning (`errors.csv?kind=warnings`), the same way.
 */
export function ImportErrorsDownload({
  orgId,
  importId,
  kind = "rejections",
}: {
  orgId: string;
  importId: string;
  kind?: "rejections" | "warnings";
}) {
  const t = useTranslations("importWizard");
  const { toastError } = useErrorMessage();
  const download = useMutation({
    mutationFn: async () => {
      const warnings = kind === "warnings";
      const path = `/orgs/${orgId}/imports/${importId}/errors.csv${warnings ? "?kind=warnings" : ""}`;
      const csv = await (await apiBlob(path)).text();
      const reasons = warnings ? "warningReason" : "rejectionReason";
      const localized = localizeErrorsCsv(csv, {
        headers: { line: t("line"), column: t("column"), raw: t("value"), reason: t("reason"), code: t("code") },
        reason: (code) => (t.has(`${reasons}.${code}`) ? t(`${reasons}.${code}`) : undefined),
      });
      const name = `import-${importId}-${warnings ? "warnings" : "errors"}.csv`;
      saveBlob(new Blob([localized], { type: "text/csv;charset=utf-8" }), name);
    },
    onError: toastError,
  });
  return (
    <Button
      variant="outline"
      onClick={() => download.mutate()}
      disabled={download.isPending}
      aria-busy={download.isPending}
      data-testid={kind === "warnings" ? "warnings-csv" : "errors-csv"}
    >
      <DownloadIcon aria-hidden />
      {kind === "warnings" ? t("downloadWarnings") : t("downloadRejected")}
    </Button>
  );
}
