import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { HealthBoard } from "@/features/health/health-board";
import { AdminOnly } from "@/features/shell/admin-only";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("health"))("title") };
}

export default function HealthPage() {
  return (
    <AdminOnly>
      <HealthBoard />
    </AdminOnly>
  );
}
