import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { Members } from "@/features/settings/members";
import { AdminOnly } from "@/features/shell/admin-only";
import { ClientMessages } from "@/i18n/client-messages";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("members"))("title") };
}

export default function Page() {
  return (
    <ClientMessages namespaces={["members"]}>
      <AdminOnly>
        <Members />
      </AdminOnly>
    </ClientMessages>
  );
}
