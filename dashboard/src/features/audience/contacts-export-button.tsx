"use client";

import { DownloadIcon } from "lucide-react";
import { useTranslations } from "next-intl";
import { useState } from "react";
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
  const [busy, setBusy] = useState(false);
  const onClick = async () => {
    setBusy(true);
    try {
      const qs = filterQuery(filters).toString();
      const blob = await apiBlob(`/orgs/${org.id}/contacts/export.csv${qs ? `?${qs}` : ""}`);
      saveBlob(blob, "contacts.csv");
    } catch (err) {
      toastError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button
      variant="outline"
      onClick={onClick}
      disabled={busy}
      aria-busy={busy}
      title={t("exportCsvTitle")}
      data-testid="contacts-export"
    >
      <DownloadIcon aria-hidden /> {t("exportCsv")}
    </Button>
  );
}
