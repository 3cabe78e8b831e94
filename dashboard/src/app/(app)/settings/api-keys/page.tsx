import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { ApiKeys } from "@/features/settings/api-keys";
import { AdminOnly } from "@/features/shell/admin-only";
import { ClientMessages } from "@/i18n/client-messages";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("apiKeys"))("title") };
}

export default function Page() {
  return (
    <ClientMessages namespaces={["apiKeys"]}>
      <AdminOnly>
        <ApiKeys />
      </AdminOnly>
    </ClientMessages>
  );
}
