import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { InstanceDetail } from "@/features/instances/instance-detail";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("instance"))("title") };
}

export default async function InstancePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <InstanceDetail id={id} />;
}
