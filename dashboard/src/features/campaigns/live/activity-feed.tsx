"use client";

import { CheckCheckIcon, CheckIcon, MessageCircleReplyIcon, TriangleAlertIcon } from "lucide-react";
import Link from "next/link";
import { useFormatter, useTranslations } from "next-intl";
import { filtersQuery } from "@/features/inbox/filters";

export type ActivityItem = {
  key: string;
  at: number;
  kind: "delivered" | "read" | "failed" | "reply";
  messageId: number;
};

const ICON = { delivered: CheckIcon, read: CheckCheckIcon, failed: TriangleAlertIcon, reply: MessageCircleReplyIcon };

/**
 * How many people replied to the campaign in all (its stats), and the receipts and replies that arrived over the
 * socket since this page opened, newest first: the two are labelled as such, so a count with no row under it
 * (replies before the page opened) does not read as a contradiction. The replies themselves are in the inbox,
 * filtered to this campaign's.
 */
export function ActivityFeed({
  items,
  replied,
  campaignId,
  timeZone,
}: {
  items: ActivityItem[];
  replied: number;
  campaignId: string;
  /** The campaign's (IANA): every time on its page is on its clock. */
  timeZone: string;
}) {
  const t = useTranslations("campaignLive.activity");
  const format = useFormatter();
  return (
    <div className="space-y-2">
      <p className="text-sm" data-testid="replied-total">
        {t("replied", { count: replied })}{" "}
        {replied > 0 && (
          <Link
            href={`/inbox${filtersQuery({ status: "all", mine: false, campaign: campaignId })}`}
            data-testid="read-replies"
            className="text-primary underline-offset-4 hover:underline"
          >
            {t("readReplies")}
          </Link>
        )}
      </p>
      {items.length > 0 && <p className="text-muted-foreground text-xs">{t("sinceOpened")}</p>}
      {items.length === 0 ? (
        <p className="text-muted-foreground text-sm">{t("waiting")}</p>
      ) : (
        <ul className="max-h-72 space-y-1 overflow-y-auto text-sm" data-testid="activity">
          {items.map((i) => {
            const Icon = ICON[i.kind];
            return (
              <li key={i.key} className="flex items-center gap-2" data-kind={i.kind}>
                <Icon className="size-4 shrink-0 text-muted-foreground" aria-hidden />
                <span className="mr-auto">{t(i.kind, { id: i.messageId })}</span>
                <span className="text-muted-foreground text-xs tabular-nums">
                  {format.dateTime(new Date(i.at), { timeStyle: "medium", timeZone })}
                </span>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
