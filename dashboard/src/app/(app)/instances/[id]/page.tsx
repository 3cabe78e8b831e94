import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { InstanceDetail } from "@/features/instances/instance-detail";
import { ClientMessages } from "@/i18n/client-messages";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("instance"))("title") };
}

export default async function InstancePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <ClientMessages namespaces={["instance", "instances", "actions", "add"]}>
      <InstanceDetail id={id} />
    </ClientMessages>
  );
}
