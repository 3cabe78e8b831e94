import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { SegmentsView } from "@/features/audience/segments-view";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("segments"))("title") };
}

export default function SegmentsPage() {
  return <SegmentsView />;
}
