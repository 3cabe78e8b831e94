import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { HealthBoard } from "@/features/health/health-board";
import { AdminOnly } from "@/features/shell/admin-only";
import { ClientMessages } from "@/i18n/client-messages";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("health"))("title") };
}

export default function HealthPage() {
  return (
    <ClientMessages namespaces={["health", "advice", "instances"]}>
      <AdminOnly>
        <HealthBoard />
      </AdminOnly>
    </ClientMessages>
  );
}
