import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { Webhooks } from "@/features/settings/webhooks";
import { AdminOnly } from "@/features/shell/admin-only";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("webhooks"))("title") };
}

export default function Page() {
  return (
    <AdminOnly>
      <Webhooks />
    </AdminOnly>
  );
}
