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
 * the code column as the API wrote it.
 */
export function ImportErrorsDownload({ orgId, importId }: { orgId: string; importId: string }) {
  const t = useTranslations("importWizard");
  const { toastError } = useErrorMessage();
  const download = useMutation({
    mutationFn: async () => {
      const csv = await (await apiBlob(`/orgs/${orgId}/imports/${importId}/errors.csv`)).text();
      const localized = localizeErrorsCsv(csv, {
        headers: { line: t("line"), column: t("column"), raw: t("value"), reason: t("reason"), code: t("code") },
        reason: (code) => (t.has(`rejectionReason.${code}`) ? t(`rejectionReason.${code}`) : undefined),
      });
      saveBlob(new Blob([localized], { type: "text/csv;charset=utf-8" }), `import-${importId}-errors.csv`);
    },
    onError: toastError,
  });
  return (
    <Button
      variant="outline"
      onClick={() => download.mutate()}
      disabled={download.isPending}
      aria-busy={download.isPending}
      data-testid="errors-csv"
    >
      <DownloadIcon aria-hidden />
      {t("downloadRejected")}
    </Button>
  );
}
