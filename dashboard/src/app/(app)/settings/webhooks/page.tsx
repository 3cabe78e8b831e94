import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { Webhooks } from "@/features/settings/webhooks";
import { AdminOnly } from "@/features/shell/admin-only";
import { ClientMessages } from "@/i18n/client-messages";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("webhooks"))("title") };
}

export default function Page() {
  return (
    <ClientMessages namespaces={["webhooks"]}>
      <AdminOnly>
        <Webhooks />
      </AdminOnly>
    </ClientMessages>
  );
}
