import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { OrganizationSettings } from "@/features/settings/organization-settings";
import { ClientMessages } from "@/i18n/client-messages";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("orgSettings"))("title") };
}

// Every member reads the settings; the cards offer changes only to the roles the API accepts them from.
export default function Page() {
  return (
    <ClientMessages namespaces={["orgSettings"]}>
      <OrganizationSettings />
    </ClientMessages>
  );
}
