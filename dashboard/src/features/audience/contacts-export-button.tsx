"use client";

import { useMutation } from "@tanstack/react-query";
import { DownloadIcon } from "lucide-react";
import { useTranslations } from "next-intl";
import { Button } from "@/components/ui/button";
import { useSession } from "@/features/shell/session-context";
import { apiBlob, saveBlob } from "@/lib/api";
import { useErrorMessage } from "@/lib/use-error-message";
import { type ContactFilters, filterQuery } from "./queries";

/**
 * "Export CSV": the contacts the current filters match (GET …/contacts/export.csv takes the list's filters), fetched
 * through the BFF as a Blob and saved, so an expired session or a refusal shows as an error, not as a saved file.
 */
export function ContactsExportButton({ filters }: { filters: ContactFilters }) {
  const t = useTranslations("contacts");
  const { org } = useSession();
  const { toastError } = useErrorMessage();
  const exportCsv = useMutation({
    mutationFn: async () => {
      const qs = filterQuery(filters).toString();
      saveBlob(await apiBlob(`/orgs/${org.id}/contacts/export.csv${qs ? `?${qs}` : ""}`), "contacts.csv");
    },
    onError: toastError,
  });
  return (
    <Button
      variant="outline"
      onClick={() => exportCsv.mutate()}
      disabled={exportCsv.isPending}
      aria-busy={exportCsv.isPending}
      title={t("exportCsvTitle")}
      data-testid="contacts-export"
    >
      <DownloadIcon aria-hidden /> {t("exportCsv")}
    </Button>
  );
}
