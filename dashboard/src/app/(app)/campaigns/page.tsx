import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { CampaignsView } from "@/features/campaigns/campaigns-view";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("campaigns"))("title") };
}

export default function CampaignsPage() {
  return <CampaignsView />;
}
