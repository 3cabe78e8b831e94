import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { InstancesView } from "@/features/instances/instances-view";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("instances"))("title") };
}

export default function InstancesPage() {
  return <InstancesView />;
}
