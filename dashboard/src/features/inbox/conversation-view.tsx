"use client";

import { ArrowLeftIcon, BanIcon, CheckCircle2Icon, RotateCcwIcon } from "lucide-react";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { ErrorBox } from "@/components/page-parts";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { useInstance } from "@/features/instances/queries";
import { useSession } from "@/features/shell/session-context";
import { can } from "@/lib/permissions";
import { useErrorMessage } from "@/lib/use-error-message";
import { Composer } from "./composer";
import { peerLabel } from "./conversation-list";
import { AssignSelect, TagsEditor } from "./conversation-tools";
import { filtersFromParams, filtersQuery } from "./filters";
import { useConversation, useConversationActions } from "./queries";
import type { Quote } from "./quote";
import { Timeline } from "./timeline";

/** One conversation: who, from which number, its tags and assignee, its timeline, and the reply or note box. */
export function ConversationView({ id }: { id: string }) {
  const t = useTranslations("inbox");
  const { org } = useSession();
  const conversation = useConversation(id);
  const { update } = useConversationActions(id);
  const { toastError } = useErrorMessage();
  const c = conversation.data;
  const instance = useInstance(c?.instanceId ?? "");
  // The message the next reply quotes, chosen on the timeline; kept with its conversation, so another one opened in
  // the same view starts without it.
  const [chosen, setChosen] = useState<{ conversationId: string; quote: Quote } | null>(null);
  const quoting = chosen?.conversationId === id ? chosen.quote : null;
  const setQuoting = (quote: Quote | null) => setChosen(quote ? { conversationId: id, quote } : null);
  const writer = can(org.role, "conversations.write");
  // Back to the list with the filter it was opened from.
  const listHref = `/inbox${filtersQuery(filtersFromParams(useSearchParams()))}`;

  // Opening a conversation reads it (those who work the inbox only: a viewer's look does not clear the badge).
  const unread = c?.unreadCount ?? 0;
  const markRead = update.mutate;
  useEffect(() => {
    if (writer && unread > 0) markRead({ read: true });
  }, [writer, unread, markRead]);

  if (conversation.isPending) {
    return (
      <div className="space-y-3 p-4">
        <Skeleton className="h-8 w-1/2" />
        <Skeleton className="h-40" />
      </div>
    );
  }
  if (conversation.error || !c) {
    return (
      <ErrorBox error={conversation.error} className="m-4 p-3 text-sm">
        <Link href={listHref} className="mt-2 inline-block underline">
          {t("backToList")}
        </Link>
      </ErrorBox>
    );
  }
  const closed = c.status === "closed";
  return (
    <div className="flex min-h-0 flex-1 flex-col" data-testid="conversation" data-status={c.status}>
      <header className="space-y-2 border-b p-3">
        <div className="flex flex-wrap items-center gap-2">
          <Button asChild variant="ghost" size="icon" className="md:hidden">
            <Link href={listHref} aria-label={t("backToList")}>
              <ArrowLeftIcon aria-hidden />
            </Link>
          </Button>
          <div className="min-w-0 flex-1">
            <h2 className="truncate font-semibold text-lg" data-testid="conversation-title">
              {peerLabel(c)}
            </h2>
            <p className="truncate text-muted-foreground text-sm tabular-nums">
              {[c.peerName ? c.peerPhone : null, t("via", { name: instance.data?.name ?? "…" })]
                .filter(Boolean)
                .join(" · ")}
            </p>
          </div>
          {closed && <Badge variant="secondary">{t("closed")}</Badge>}
          {writer && (
            <Button
              variant="outline"
              size="sm"
              data-testid="toggle-status"
              disabled={update.isPending}
              onClick={() => update.mutate({ status: closed ? "open" : "closed" }, { onError: toastError })}
            >
              {closed ? <RotateCcwIcon aria-hidden /> : <CheckCircle2Icon aria-hidden />}
              <span className="sr-only sm:not-sr-only">{closed ? t("reopen") : t("close")}</span>
            </Button>
          )}
        </div>
        {(c.blacklisted || c.optedOutAt) && (
          <p
            className="flex items-center gap-2 rounded-md border border-destructive/40 bg-destructive/10 px-3 py-2 text-sm"
            data-testid="opted-out"
          >
            <BanIcon className="size-4 shrink-0 text-destructive" aria-hidden />
            <span>
              <span className="font-medium">{c.blacklisted ? t("blacklistedTitle") : t("optedOutTitle")}</span>{" "}
              <span className="text-muted-foreground">{t("blacklistedBody")}</span>
            </span>
          </p>
        )}
        <div className="flex flex-col gap-2 sm:flex-row sm:flex-wrap sm:items-start sm:gap-3">
          <AssignSelect conversation={c} disabled={!writer} />
          <TagsEditor conversation={c} disabled={!writer} />
        </div>
      </header>
      <div className="min-h-0 flex-1 overflow-y-auto">
        {/* No reply arrows where no reply can go (the person opted out). */}
        <Timeline id={id} peerName={c.peerName} {...(writer && !c.blacklisted ? { onReply: setQuoting } : {})} />
      </div>
      {writer ? (
        <Composer conversation={c} instance={instance.data} quoting={quoting} onQuoteDone={() => setQuoting(null)} />
      ) : (
        <p className="border-t p-3 text-muted-foreground text-sm">{t("readOnly")}</p>
      )}
    </div>
  );
}
