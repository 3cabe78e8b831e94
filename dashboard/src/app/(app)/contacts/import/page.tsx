import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { ImportPage } from "@/features/audience/lazy";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("importWizard"))("title") };
}

export default function ContactsImportPage() {
  return <ImportPage />;
}
