import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { ListsView } from "@/features/audience/lists-view";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("lists"))("title") };
}

export default function ListsPage() {
  return <ListsView />;
}
