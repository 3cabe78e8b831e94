import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { ContactDetail } from "@/features/audience/contact-detail";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("contactPage"))("title") };
}

export default async function ContactPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <ContactDetail id={id} />;
}
