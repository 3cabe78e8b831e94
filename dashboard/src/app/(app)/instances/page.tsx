import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { InstancesView } from "@/features/instances/instances-view";
import { ClientMessages } from "@/i18n/client-messages";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("instances"))("title") };
}

export default function InstancesPage() {
  return (
    <ClientMessages namespaces={["instances", "actions", "add"]}>
      <InstancesView />
    </ClientMessages>
  );
}
