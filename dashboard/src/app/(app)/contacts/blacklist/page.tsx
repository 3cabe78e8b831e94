import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { BlacklistView } from "@/features/audience/blacklist-view";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("blacklist"))("title") };
}

export default function BlacklistPage() {
  return <BlacklistView />;
}
