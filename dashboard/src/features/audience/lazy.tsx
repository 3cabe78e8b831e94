"use client";

import dynamic from "next/dynamic";
import { useTranslations } from "next-intl";
import { Skeleton } from "@/components/ui/skeleton";
import { LazySegmentBuilder } from "./segments-view";
import { useAudienceWriter } from "./ui-bits";

// The wizard (CSV preview, mapping editor, progress) is code only the import page needs.
const ImportWizard = dynamic(() => import("./import-wizard"), {
  ssr: false,
  loading: () => <Skeleton className="h-64" />,
});

/** The import page: the wizard for members who may import, a sentence for the others. */
export function ImportPage() {
  const t = useTranslations("importWizard");
  const writer = useAudienceWriter();
  if (!writer) return <p className="text-muted-foreground">{t("notAllowed")}</p>;
  return <ImportWizard />;
}

export function NewSegmentPage() {
  return <LazySegmentBuilder />;
}
