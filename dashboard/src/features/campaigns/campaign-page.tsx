"use client";

import dynamic from "next/dynamic";
import { ErrorBox } from "@/components/page-parts";
import { Skeleton } from "@/components/ui/skeleton";
import { useCampaign } from "./queries";

const CampaignWizard = dynamic(() => import("./wizard/campaign-wizard").then((m) => m.CampaignWizard), {
  loading: () => <Skeleton className="h-96" />,
});
const CampaignLive = dynamic(() => import("./live/campaign-live").then((m) => m.CampaignLive), {
  loading: () => <Skeleton className="h-96" />,
});

/** A draft opens in the wizard (still editable); anything started opens the live view. */
export function CampaignPage({ id }: { id: string }) {
  const c = useCampaign(id);
  if (c.isPending) return <Skeleton className="h-96" />;
  if (c.error) return <ErrorBox error={c.error} />;
  return c.data.status === "draft" ? <CampaignWizard initial={c.data} /> : <CampaignLive campaign={c.data} />;
}
