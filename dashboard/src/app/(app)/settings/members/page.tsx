import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { Members } from "@/features/settings/members";
import { AdminOnly } from "@/features/shell/admin-only";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("members"))("title") };
}

export default function Page() {
  return (
    <AdminOnly>
      <Members />
    </AdminOnly>
  );
}
