import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { CampaignWizard } from "@/features/campaigns/wizard/campaign-wizard";
import { ClientMessages } from "@/i18n/client-messages";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("campaignWizard"))("title") };
}

export default function NewCampaignPage() {
  // The numbers' health scores (senders step) speak the instances' namespace.
  return (
    <ClientMessages namespaces={["instances"]}>
      <CampaignWizard />
    </ClientMessages>
  );
}
