import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { TemplatesView } from "@/features/templates/templates-view";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("templates"))("title") };
}

export default function TemplatesPage() {
  return <TemplatesView />;
}
