import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { CampaignPage } from "@/features/campaigns/campaign-page";
import { ClientMessages } from "@/i18n/client-messages";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("campaignLive"))("title") };
}

export default async function CampaignRoute({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  // The numbers' health scores (wizard and live view) speak the instances' namespace.
  return (
    <ClientMessages namespaces={["instances"]}>
      <CampaignPage key={id} id={id} />
    </ClientMessages>
  );
}
