import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { CampaignPage } from "@/features/campaigns/campaign-page";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("campaignLive"))("title") };
}

export default async function CampaignRoute({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <CampaignPage key={id} id={id} />;
}
