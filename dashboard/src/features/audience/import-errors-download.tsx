"use client";

import { DownloadIcon } from "lucide-react";
import { useTranslations } from "next-intl";
import { useState } from "react";
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
  const [busy, setBusy] = useState(false);
  const onClick = async () => {
    setBusy(true);
    try {
      const csv = await (await apiBlob(`/orgs/${orgId}/imports/${importId}/errors.csv`)).text();
      const localized = localizeErrorsCsv(csv, {
        headers: { line: t("line"), column: t("column"), raw: t("value"), reason: t("reason"), code: t("code") },
        reason: (code) => (t.has(`rejectionReason.${code}`) ? t(`rejectionReason.${code}`) : undefined),
      });
      saveBlob(new Blob([localized], { type: "text/csv;charset=utf-8" }), `import-${importId}-errors.csv`);
    } catch (err) {
      toastError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button variant="outline" onClick={onClick} disabled={busy} aria-busy={busy} data-testid="errors-csv">
      <DownloadIcon aria-hidden />
      {t("downloadRejected")}
    </Button>
  );
}
