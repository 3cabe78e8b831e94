"use client";

import type { TContact } from "@mirage/contracts/contacts";
import type { TOutboundMessage } from "@mirage/contracts/messages";
import { useQuery } from "@tanstack/react-query";
import { useFormatter, useTranslations } from "next-intl";
import { ErrorBox } from "@/components/page-parts";
import { Badge } from "@/components/ui/badge";
import { Skeleton } from "@/components/ui/skeleton";
import { audienceKeys } from "@/features/audience/queries";
import { useSession } from "@/features/shell/session-context";
import { api } from "@/lib/api";
import { useRecentSends } from "../queries";
import { sendTime } from "./recent";

const VARIANT: Record<string, "success" | "warning" | "destructive" | "secondary" | "outline"> = {
  sent: "secondary",
  delivered: "success",
  read: "success",
  failed: "destructive",
  skipped: "warning",
  unknown: "warning",
  cancelled: "outline",
};

/**
 * The campaign's latest sends, latest first, with when they went out and their state now (receipts included),
 * re-read as events arrive.
 */
export function RecentSends({
  campaignId,
  nameOf,
  timeZone,
}: {
  campaignId: string;
  nameOf: (id: string | null) => string;
  /** The campaign's (IANA): every time on its page is on its clock. */
  timeZone: string;
}) {
  const t = useTranslations("campaignLive");
  const ts = useTranslations("campaignLive.state");
  const format = useFormatter();
  const recent = useRecentSends(campaignId);
  if (recent.isPending) return <Skeleton className="h-40" />;
  if (recent.error) return <ErrorBox error={recent.error} />;
  const items = recent.data;
  if (items.length === 0) return <p className="text-muted-foreground text-sm">{t("noSendsYet")}</p>;
  return (
    <ul className="divide-y rounded-md border text-sm" data-testid="recent-sends">
      {items.map((m: TOutboundMessage) => (
        <li key={m.id} className="flex flex-wrap items-center gap-x-3 gap-y-1 px-3 py-2" data-state={m.state}>
          <Recipient contactId={m.contactId} address={m.to ?? m.toLid ?? "—"} />
          <span className="text-muted-foreground text-xs">{t("via", { name: nameOf(m.instanceId) })}</span>
          <span className="ml-auto text-muted-foreground text-xs tabular-nums">
            {format.dateTime(new Date(sendTime(m)), { timeStyle: "medium", timeZone })}
          </span>
          <Badge variant={VARIANT[m.state] ?? "outline"}>{ts(m.state as "sent")}</Badge>
          {m.errorCode && <span className="w-full text-muted-foreground text-xs">{m.errorMessage ?? m.errorCode}</span>}
        </li>
      ))}
    </ul>
  );
}

/**
 * Who a send went to: the contact's name with the number beside it when the message names a contact (one read
 * per contact, kept a while: the list is re-read on every event), else the number alone.
 */
function Recipient({ contactId, address }: { contactId: string | null; address: string }) {
  const { org } = useSession();
  const contact = useQuery({
    queryKey: audienceKeys.contact(org.id, contactId ?? ""),
    queryFn: () => api<TContact>(`/orgs/${org.id}/contacts/${contactId}`),
    enabled: contactId !== null,
    staleTime: 5 * 60_000,
    retry: false,
  });
  const name = contact.data?.name?.trim();
  if (!name) return <span className="tabular-nums">{address}</span>;
  return (
    <span className="min-w-0">
      <span className="font-medium">{name}</span>{" "}
      <span className="text-muted-foreground text-xs tabular-nums">{address}</span>
    </span>
  );
}
