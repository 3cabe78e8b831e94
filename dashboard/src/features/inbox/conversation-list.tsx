"use client";

import type { TConversation } from "@mirage/contracts/conversations";
import { BanIcon, MessageSquareIcon, UserIcon } from "lucide-react";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useTranslations } from "next-intl";
import { useDeferredValue, useMemo, useState } from "react";
import { ErrorBox } from "@/components/page-parts";
import { SearchInput } from "@/components/search-input";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { useSession } from "@/features/shell/session-context";
import { useRelativeTime } from "@/lib/use-relative-time";
import { cn } from "@/lib/utils";
import { CampaignFilter } from "./campaign-filter";
import { emptyStateOf, filtersFromParams, filtersQuery, STATUSES, type UrlFilters } from "./filters";
import { useConversations, useMembers } from "./queries";

/**
 * The conversation list with its filters (open/closed/all, mine, search, replies to a campaign); new messages move a
 * row to the top. All but the search live in the address bar (?status=closed&mine=1&campaign=…), so a reload or
 * back/forward keeps them.
 */
export function ConversationList({ selectedId }: { selectedId?: string }) {
  const t = useTranslations("inbox");
  const router = useRouter();
  const pathname = usePathname();
  const { status, mine, campaign } = filtersFromParams(useSearchParams());
  const setFilters = (next: UrlFilters) => router.replace(`${pathname}${filtersQuery(next)}`, { scroll: false });
  const [search, setSearch] = useState("");
  const q = useDeferredValue(search);
  const filters = useMemo(
    () => ({ status, mine, campaign, q: q.trim().length >= 2 ? q : "" }),
    [status, mine, campaign, q],
  );
  const list = useConversations(filters);
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const empty = emptyStateOf(filters);
  const query = filtersQuery({ status, mine, campaign });

  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <div className="space-y-2 border-b p-3">
        <SearchInput label={t("search")} value={search} onChange={(e) => setSearch(e.target.value)} />
        <fieldset className="flex min-w-0 flex-wrap items-center gap-1">
          <legend className="sr-only">{t("filterLabel")}</legend>
          {STATUSES.map((s) => (
            <Button
              key={s}
              size="sm"
              variant={status === s ? "secondary" : "ghost"}
              aria-pressed={status === s}
              data-testid={`filter-${s}`}
              onClick={() => setFilters({ status: s, mine, campaign })}
            >
              {t(`filter.${s}`)}
            </Button>
          ))}
          <Button
            size="sm"
            variant={mine ? "secondary" : "ghost"}
            aria-pressed={mine}
            className="ml-auto"
            onClick={() => setFilters({ status, mine: !mine, campaign })}
          >
            <UserIcon aria-hidden /> {t("filter.mine")}
          </Button>
        </fieldset>
        {campaign && <CampaignFilter id={campaign} onClear={() => setFilters({ status, mine, campaign: null })} />}
      </div>
      <div className="min-h-0 flex-1 overflow-y-auto">
        {list.isPending ? (
          <div className="space-y-2 p-3">
            {[0, 1, 2, 3].map((k) => (
              <Skeleton key={k} className="h-16" />
            ))}
          </div>
        ) : list.error ? (
          <ErrorBox error={list.error} className="m-3 p-3 text-sm" />
        ) : items.length === 0 ? (
          <div className="flex flex-col items-center gap-2 p-8 text-center" data-testid="inbox-empty">
            <MessageSquareIcon className="size-8 text-muted-foreground" aria-hidden />
            {empty.kind === "none" ? (
              <>
                <p className="font-medium">{t("emptyTitle")}</p>
                <p className="text-muted-foreground text-sm">{t("emptyBody")}</p>
              </>
            ) : (
              <>
                <p className="font-medium">
                  {empty.kind === "search"
                    ? t("emptySearchTitle", { q: empty.q })
                    : empty.kind === "campaign"
                      ? t("emptyCampaignTitle")
                      : t(`emptyFiltered.${empty.status}${empty.mine ? "Mine" : ""}`)}
                </p>
                <p className="text-muted-foreground text-sm">
                  {empty.kind === "search"
                    ? t("emptySearchBody")
                    : empty.kind === "campaign"
                      ? t("emptyCampaignBody")
                      : t("emptyFilteredBody")}
                </p>
                <Button
                  size="sm"
                  variant="outline"
                  data-testid="inbox-show-all"
                  onClick={() => {
                    setSearch("");
                    setFilters({ status: "all", mine: false, campaign: null });
                  }}
                >
                  {t("showAll")}
                </Button>
              </>
            )}
          </div>
        ) : (
          <ul aria-label={t("listLabel")} data-testid="conversation-list">
            {items.map((c) => (
              <ConversationRow key={c.id} c={c} selected={c.id === selectedId} query={query} />
            ))}
          </ul>
        )}
        {list.hasNextPage && (
          <div className="p-3">
            <Button
              variant="outline"
              className="w-full"
              disabled={list.isFetchingNextPage}
              onClick={() => void list.fetchNextPage()}
            >
              {t("loadMore")}
            </Button>
          </div>
        )}
      </div>
    </div>
  );
}

/** Who a conversation is with: the name WhatsApp shows, else the number, else the LID. */
export function peerLabel(c: Pick<TConversation, "peerName" | "peerPhone" | "peerLid">): string {
  return c.peerName ?? c.peerPhone ?? c.peerLid ?? "?";
}

function ConversationRow({ c, selected, query }: { c: TConversation; selected: boolean; query: string }) {
  const t = useTranslations("inbox");
  const ago = useRelativeTime();
  const members = useMembers();
  const { me } = useSession();
  const assignee = c.assignedTo
    ? c.assignedTo === me.userId
      ? t("you")
      : (members.data?.items.find((m) => m.userId === c.assignedTo)?.email ?? t("someone"))
    : null;
  return (
    <li
      data-testid="conversation-item"
      data-peer={c.peerPhone ?? c.peerLid ?? ""}
      data-unread={c.unreadCount}
      data-status={c.status}
    >
      <Link
        href={`/inbox/${c.id}${query}`}
        aria-current={selected ? "page" : undefined}
        className={cn(
          "block border-b px-3 py-2.5 outline-none hover:bg-accent focus-visible:bg-accent focus-visible:ring-[3px] focus-visible:ring-ring/50 focus-visible:ring-inset",
          selected && "bg-accent",
        )}
      >
        <div className="flex items-baseline gap-2">
          <span className={cn("min-w-0 flex-1 truncate", c.unreadCount > 0 && "font-semibold")}>{peerLabel(c)}</span>
          <time dateTime={c.lastMessageAt} className="shrink-0 text-muted-foreground text-xs">
            {ago(c.lastMessageAt)}
          </time>
        </div>
        <div className="flex items-center gap-2">
          <p className="min-w-0 flex-1 truncate text-muted-foreground text-sm">
            {c.lastMessageDirection === "out" && <span>{t("youPrefix")} </span>}
            {c.lastMessagePreview ?? ""}
          </p>
          {c.unreadCount > 0 && (
            <Badge aria-label={t("unread", { count: c.unreadCount })} data-testid="unread-badge">
              {c.unreadCount}
            </Badge>
          )}
        </div>
        {(assignee || c.tags.length > 0 || c.status === "closed" || c.blacklisted) && (
          <div className="mt-1 flex flex-wrap items-center gap-1">
            {c.status === "closed" && <Badge variant="secondary">{t("closed")}</Badge>}
            {c.blacklisted && (
              <Badge variant="destructive">
                <BanIcon aria-hidden /> {t("optedOutShort")}
              </Badge>
            )}
            {assignee && (
              <Badge variant="outline" title={t("assignedTo", { who: assignee })}>
                <UserIcon aria-hidden /> <span className="max-w-28 truncate">{assignee}</span>
              </Badge>
            )}
            {c.tags.map((tag) => (
              <Badge key={tag} variant="outline" className="text-muted-foreground">
                #{tag}
              </Badge>
            ))}
          </div>
        )}
      </Link>
    </li>
  );
}
