import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { AuditLog } from "@/features/settings/audit-log";
import { AdminOnly } from "@/features/shell/admin-only";
import { ClientMessages } from "@/i18n/client-messages";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("audit"))("title") };
}

export default function Page() {
  return (
    <ClientMessages namespaces={["audit"]}>
      <AdminOnly>
        <AuditLog />
      </AdminOnly>
    </ClientMessages>
  );
}
