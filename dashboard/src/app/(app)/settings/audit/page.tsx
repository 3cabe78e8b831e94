import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { AuditLog } from "@/features/settings/audit-log";
import { AdminOnly } from "@/features/shell/admin-only";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("audit"))("title") };
}

export default function Page() {
  return (
    <AdminOnly>
      <AuditLog />
    </AdminOnly>
  );
}
