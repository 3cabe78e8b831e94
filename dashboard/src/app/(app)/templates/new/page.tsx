import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { TemplateEditor } from "@/features/templates/template-editor";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("templates"))("newTitle") };
}

export default function NewTemplatePage() {
  return <TemplateEditor id={null} />;
}
