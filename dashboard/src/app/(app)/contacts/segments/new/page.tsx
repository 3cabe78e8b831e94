import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { NewSegmentPage } from "@/features/audience/lazy";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("segments"))("newTitle") };
}

export default function SegmentNewPage() {
  return <NewSegmentPage />;
}
