import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { OverviewView } from "@/features/overview/overview-view";
import { ClientMessages } from "@/i18n/client-messages";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("overview"))("title") };
}

export default function OverviewPage() {
  // The numbers needing attention come with their advice and their state (instances' status module).
  return (
    <ClientMessages namespaces={["advice", "instances"]}>
      <OverviewView />
    </ClientMessages>
  );
}
