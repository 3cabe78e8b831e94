import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { ContactsView } from "@/features/audience/contacts-view";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("contacts"))("title") };
}

export default async function ContactsPage({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  const sp = await searchParams;
  const pick = (v: unknown) => (typeof v === "string" && /^[0-9a-f-]{36}$/.test(v) ? v : undefined);
  return <ContactsView initial={{ listId: pick(sp.listId), segmentId: pick(sp.segmentId) }} />;
}
