import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { InboxView } from "@/features/inbox/inbox-view";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("inbox"))("title") };
}

export default async function ConversationPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <InboxView selectedId={id} />;
}
