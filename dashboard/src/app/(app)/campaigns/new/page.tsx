import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { CampaignWizard } from "@/features/campaigns/wizard/campaign-wizard";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("campaignWizard"))("title") };
}

export default function NewCampaignPage() {
  return <CampaignWizard />;
}
