import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { TemplateEditor } from "@/features/templates/template-editor";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("templates"))("editTitle") };
}

export default async function TemplatePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <TemplateEditor key={id} id={id} />;
}
