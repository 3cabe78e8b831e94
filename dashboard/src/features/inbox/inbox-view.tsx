"use client";

import type { TConversation } from "@mirage/contracts/conversations";
import { type InfiniteData, type QueryClient, useQueryClient } from "@tanstack/react-query";
import { InboxIcon } from "lucide-react";
import { useRouter, useSearchParams } from "next/navigation";
import { useTranslations } from "next-intl";
import { useEffect, useRef } from "react";
import { useSession } from "@/features/shell/session-context";
import { useConnectionState, useRealtimeEvent } from "@/lib/realtime";
import { toast } from "@/lib/toast";
import { cn } from "@/lib/utils";
import { ConversationList } from "./conversation-list";
import { ConversationView } from "./conversation-view";
import { filtersFromParams, filtersQuery } from "./filters";
import { inboxKeys } from "./queries";

/**
 * The inbox: the conversation list and the open conversation side by side on wide screens; on a phone one pane at
 * a time (the list at /inbox, a conversation at /inbox/{id} with a way back).
 */
export function InboxView({ selectedId }: { selectedId?: string }) {
  const t = useTranslations("inbox");
  useInboxLive(selectedId);
  return (
    <div className="flex flex-col gap-3 md:h-[calc(100dvh-6.5rem)]">
      <h1 className={cn("font-semibold text-2xl", selectedId && "sr-only md:not-sr-only")}>{t("title")}</h1>
      <div className="grid min-h-0 flex-1 md:grid-cols-[minmax(16rem,22rem)_1fr] md:overflow-hidden md:rounded-xl md:border">
        <section
          aria-label={t("listLabel")}
          className={cn("min-h-0 flex-col md:flex md:border-r", selectedId ? "hidden" : "flex")}
        >
          <ConversationList selectedId={selectedId} />
        </section>
        <section
          aria-label={t("conversationLabel")}
          className={cn("min-h-0 min-w-0 flex-col", selectedId ? "flex" : "hidden md:flex")}
        >
          {selectedId ? (
            <ConversationView key={selectedId} id={selectedId} />
          ) : (
            <div className="flex flex-1 flex-col items-center justify-center gap-2 p-8 text-center">
              <InboxIcon className="size-10 text-muted-foreground" aria-hidden />
              <p className="text-muted-foreground text-sm">{t("pickOne")}</p>
            </div>
          )}
        </section>
      </div>
    </div>
  );
}

/**
 * Live inbox: new messages, conversation changes and delivery states re-read the inbox queries on screen (the
 * events carry ids only). Several events in a burst cause one re-read. Back from a lost connection, everything is
 * re-read: events missed while the server itself was down never reach the replay. A deleted conversation (its
 * contact erased) leaves the list at once, and when it is the open one the view goes back to the list, saying why.
 */
function useInboxLive(selectedId: string | undefined) {
  const qc = useQueryClient();
  const t = useTranslations("inbox");
  const router = useRouter();
  const { org } = useSession();
  const listHref = `/inbox${filtersQuery(filtersFromParams(useSearchParams()))}`;
  const pending = useRef<{ timer: ReturnType<typeof setTimeout>; all: boolean } | null>(null);
  const refresh = (all: boolean) => {
    if (pending.current) {
      pending.current.all ||= all;
      return;
    }
    const p = {
      all,
      timer: setTimeout(() => {
        pending.current = null;
        void qc.invalidateQueries({ queryKey: p.all ? inboxKeys.all(org.id) : ["inbox", org.id, "timeline"] });
      }, 150),
    };
    pending.current = p;
  };
  useRealtimeEvent(["message:inbound", "conversation:changed", "blacklist:changed"], (e) => {
    if (e.type === "conversation:changed" && e.data.deleted) {
      // Off its page first: the open view's queries, forgotten next, would otherwise be read again and 404.
      if (e.data.conversationId === selectedId) {
        toast.info(t("deletedLive"));
        router.replace(listHref);
      }
      dropConversation(qc, org.id, e.data.conversationId);
    }
    refresh(true);
  });
  useRealtimeEvent(["message:status"], () => refresh(false));
  const state = useConnectionState();
  const previous = useRef(state);
  useEffect(() => {
    if (state === "live" && previous.current === "reconnecting") {
      void qc.invalidateQueries({ queryKey: inboxKeys.all(org.id) });
    }
    previous.current = state;
  }, [state, qc, org.id]);
  useEffect(
    () => () => {
      if (pending.current) clearTimeout(pending.current.timer);
    },
    [],
  );
}

/** Takes a deleted conversation out of every loaded list page, and forgets its own queries (they would 404). */
function dropConversation(qc: QueryClient, orgId: string, id: string) {
  qc.setQueriesData<InfiniteData<{ items: TConversation[]; nextCursor: string | null }>>(
    { queryKey: [...inboxKeys.all(orgId), "list"] },
    (data) =>
      data && {
        ...data,
        pages: data.pages.map((p) => ({ ...p, items: p.items.filter((c) => c.id !== id) })),
      },
  );
  qc.removeQueries({ queryKey: inboxKeys.one(orgId, id) });
  qc.removeQueries({ queryKey: inboxKeys.timeline(orgId, id) });
}
