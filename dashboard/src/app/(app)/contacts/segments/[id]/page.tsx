import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { SegmentEditor } from "@/features/audience/segments-view";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("segments"))("title") };
}

export default async function SegmentPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <SegmentEditor id={id} />;
}
