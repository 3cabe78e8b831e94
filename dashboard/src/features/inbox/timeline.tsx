"use client";

import type { TConversationItem } from "@mirage/contracts/conversations";
import {
  AlertCircleIcon,
  BanIcon,
  CheckCheckIcon,
  CheckIcon,
  ClockIcon,
  ContactIcon,
  FileTextIcon,
  HelpCircleIcon,
  ImageIcon,
  MapPinIcon,
  MegaphoneIcon,
  MicIcon,
  MusicIcon,
  ReplyIcon,
  StickerIcon,
  StickyNoteIcon,
  Trash2Icon,
  VideoIcon,
} from "lucide-react";
import Link from "next/link";
import { useFormatter, useTranslations } from "next-intl";
import { type ReactNode, useEffect, useRef } from "react";
import { ErrorBox } from "@/components/page-parts";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { useSession } from "@/features/shell/session-context";
import { can } from "@/lib/permissions";
import { useErrorMessage } from "@/lib/use-error-message";
import { cn } from "@/lib/utils";
import { MessageText } from "./message-text";
import { useCampaign, useConversationActions, useMembers, useTimeline } from "./queries";
import { type Quote, QuoteBlock, quoteOf } from "./quote";
import { MessageAction, ReactionPicker } from "./reaction-picker";

/**
 * The conversation's messages and notes, oldest at the top; "show older" loads the previous page. Replies show what
 * they quote; with `onReply` (those who may reply), each message WhatsApp knows can be answered quoting it.
 */
export function Timeline({
  id,
  peerName = null,
  onReply,
}: {
  id: string;
  peerName?: string | null;
  onReply?: (quote: Quote) => void;
}) {
  const t = useTranslations("inbox");
  const timeline = useTimeline(id);
  const bottom = useRef<HTMLDivElement>(null);
  const pages = timeline.data?.pages ?? [];
  const items = pages.flatMap((p) => p.items).reverse();
  const newest = pages[0]?.items[0];
  const newestKey = newest ? `${newest.kind}-${newest.id}-${newest.state}` : "";
  // Keep the newest message in view when one arrives (not when older pages load above).
  useEffect(() => {
    if (newestKey) bottom.current?.scrollIntoView({ block: "end" });
  }, [newestKey]);

  if (timeline.isPending) {
    return (
      <div className="space-y-3 p-4">
        <Skeleton className="h-12 w-2/3" />
        <Skeleton className="ml-auto h-12 w-2/3" />
      </div>
    );
  }
  if (timeline.error) {
    return <ErrorBox error={timeline.error} className="m-4 p-3 text-sm" />;
  }
  return (
    <div className="space-y-2 p-4">
      {timeline.hasNextPage && (
        <div className="text-center">
          <Button
            variant="outline"
            size="sm"
            disabled={timeline.isFetchingNextPage}
            onClick={() => void timeline.fetchNextPage()}
          >
            {t("showOlder")}
          </Button>
        </div>
      )}
      {items.length === 0 && <p className="text-center text-muted-foreground text-sm">{t("noMessages")}</p>}
      <ol className="space-y-2" aria-label={t("messagesLabel")} data-testid="timeline">
        {items.map((item) => (
          <TimelineEntry
            key={`${item.kind}-${item.id}`}
            item={item}
            conversationId={id}
            peerName={peerName}
            {...(onReply ? { onReply } : {})}
          />
        ))}
      </ol>
      <div ref={bottom} />
    </div>
  );
}

function TimelineEntry({
  item,
  conversationId,
  peerName,
  onReply,
}: {
  item: TConversationItem;
  conversationId: string;
  peerName: string | null;
  onReply?: (quote: Quote) => void;
}) {
  const t = useTranslations("inbox");
  const format = useFormatter();
  const when = (
    <time dateTime={item.at} className="text-muted-foreground text-xs">
      {format.dateTime(new Date(item.at), { dateStyle: "short", timeStyle: "short" })}
    </time>
  );
  if (item.kind === "note") return <NoteEntry item={item} conversationId={conversationId} when={when} />;
  const inbound = item.kind === "inbound";
  const reaction = item.messageType === "reaction";
  const deleted = Boolean(item.deletedAt);
  // A reaction or a deleted message is not something to answer quoting it (WhatsApp offers neither).
  const quote = onReply && !reaction && !deleted ? quoteOf(item) : null;
  return (
    <li
      className={cn("group flex items-center gap-1", inbound ? "justify-start" : "flex-row-reverse justify-start")}
      data-testid={`item-${item.kind}`}
      data-state={item.state ?? undefined}
    >
      <div
        className={cn(
          "max-w-[85%] space-y-1 rounded-2xl px-3 py-2 text-sm shadow-xs sm:max-w-[70%]",
          inbound ? "rounded-bl-sm border bg-card" : "rounded-br-sm bg-primary/10",
        )}
      >
        {inbound && item.campaignId && <CampaignLink id={item.campaignId} />}
        {item.replyTo && <QuoteBlock quote={item.replyTo} peerName={peerName} />}
        {reaction && (
          <p className="flex items-center gap-1.5 text-muted-foreground" data-testid="reaction">
            {item.text ? (
              <>
                <span className="text-xl leading-none text-foreground">{item.text}</span>
                <span>{t("reacted")}</span>
              </>
            ) : (
              t("reactionRemoved")
            )}
          </p>
        )}
        {deleted && (
          <p className="flex items-center gap-1.5 text-muted-foreground italic" data-testid="deleted">
            <BanIcon className="size-4 shrink-0" aria-hidden />
            {t("deletedMessage")}
          </p>
        )}
        {item.messageType && item.messageType !== "text" && !reaction && (
          <p
            className="flex items-center gap-1.5 text-muted-foreground"
            title={t("mediaHint")}
            data-testid="media"
            data-media={item.messageType}
          >
            <MediaIcon type={item.messageType} />
            <span>{t(`media.${item.messageType}`)}</span>
          </p>
        )}
        {!reaction && !deleted && (item.text || item.messageType === "text") && <MessageText text={item.text ?? ""} />}
        <div className="flex flex-wrap items-center justify-end gap-1.5">
          {inbound && item.myReaction && !deleted && (
            <span
              className="rounded-full border bg-background px-1.5 text-base leading-6"
              title={t("yourReaction")}
              data-testid="my-reaction"
            >
              {item.myReaction}
            </span>
          )}
          {inbound && item.optOut && (
            <Badge variant="destructive" data-testid="opt-out-reply">
              <BanIcon aria-hidden /> {t("optOutReply")}
            </Badge>
          )}
          {item.editedAt && !deleted && (
            <span className="text-muted-foreground text-xs italic" data-testid="edited" title={t("editedHint")}>
              {t("edited")}
            </span>
          )}
          {when}
          {!inbound && item.state && <DeliveryState item={item} />}
        </div>
        {!inbound && item.state && ["failed", "skipped", "cancelled"].includes(item.state) && (
          <p className="text-destructive text-xs" data-testid="failure-reason">
            {failureText(t, item)}
          </p>
        )}
      </div>
      {inbound && quote && onReply && item.waMessageId && (
        <Reactor conversationId={conversationId} waMessageId={item.waMessageId} current={item.myReaction ?? null} />
      )}
      {quote && onReply && (
        <MessageAction label={t("replyToMessage")} data-testid="reply-to" onClick={() => onReply(quote)}>
          <ReplyIcon className="size-4" aria-hidden />
        </MessageAction>
      )}
    </li>
  );
}

/** The reaction menu of one message, sending through the conversation's number (errors as a toast). */
function Reactor({
  conversationId,
  waMessageId,
  current,
}: {
  conversationId: string;
  waMessageId: string;
  current: string | null;
}) {
  const { react } = useConversationActions(conversationId);
  const { toastError } = useErrorMessage();
  return (
    <ReactionPicker
      current={current}
      disabled={react.isPending}
      onReact={(emoji) => react.mutate({ waMessageId, emoji }, { onError: toastError })}
    />
  );
}

const MEDIA_ICONS = {
  image: ImageIcon,
  video: VideoIcon,
  audio: MusicIcon,
  voice: MicIcon,
  document: FileTextIcon,
  sticker: StickerIcon,
  location: MapPinIcon,
  contact: ContactIcon,
} as const;

function MediaIcon({ type }: { type: keyof typeof MEDIA_ICONS | "text" | "reaction" }) {
  if (type === "text" || type === "reaction") return null;
  const Icon = MEDIA_ICONS[type];
  return <Icon className="size-4 shrink-0" aria-hidden />;
}

type T = ReturnType<typeof useTranslations<"inbox">>;

const KNOWN_REASONS = new Set(["blacklisted", "opted_out", "not_on_whatsapp", "instance_unavailable"]);

function failureText(t: T, item: TConversationItem): string {
  const code = item.errorCode;
  const reason = code && KNOWN_REASONS.has(code) ? t(`reason.${code as "blacklisted"}`) : (item.errorMessage ?? code);
  return reason ? t("failedBecause", { reason }) : t("failedNoReason");
}

/** WhatsApp-style ticks: clock while queued, one tick sent, two delivered, two coloured read. */
function DeliveryState({ item }: { item: TConversationItem }) {
  const t = useTranslations("inbox");
  const state = item.state ?? "queued";
  const label = t(`state.${state}`);
  const icon = (() => {
    switch (state) {
      case "sent":
        return <CheckIcon className="size-3.5" aria-hidden />;
      case "delivered":
        return <CheckCheckIcon className="size-3.5" aria-hidden />;
      case "read":
        return <CheckCheckIcon className="size-3.5 text-sky-600 dark:text-sky-400" aria-hidden />;
      case "failed":
        return <AlertCircleIcon className="size-3.5 text-destructive" aria-hidden />;
      case "skipped":
      case "cancelled":
        return <BanIcon className="size-3.5 text-destructive" aria-hidden />;
      case "unknown":
        return <HelpCircleIcon className="size-3.5" aria-hidden />;
      default:
        return <ClockIcon className="size-3.5" aria-hidden />;
    }
  })();
  return (
    <span className="inline-flex items-center gap-0.5 text-muted-foreground text-xs" title={label}>
      {icon}
      <span className="sr-only">{label}</span>
    </span>
  );
}

function CampaignLink({ id }: { id: string }) {
  const t = useTranslations("inbox");
  const campaign = useCampaign(id);
  return (
    <Link
      href={`/campaigns/${id}`}
      data-testid="campaign-link"
      className="flex items-center gap-1 text-muted-foreground text-xs underline-offset-2 hover:underline"
    >
      <MegaphoneIcon className="size-3" aria-hidden />
      {t("answersCampaign", { name: campaign.data?.name ?? t("aCampaign") })}
    </Link>
  );
}

function NoteEntry({
  item,
  conversationId,
  when,
}: {
  item: TConversationItem;
  conversationId: string;
  when: ReactNode;
}) {
  const t = useTranslations("inbox");
  const { org, me } = useSession();
  const members = useMembers();
  const { deleteNote } = useConversationActions(conversationId);
  const { toastError } = useErrorMessage();
  const mine = item.authorId === me.userId;
  const author = mine ? "" : (members.data?.items.find((m) => m.userId === item.authorId)?.email ?? t("someone"));
  const mayDelete =
    can(org.role, "conversations.write") && (item.authorId === me.userId || can(org.role, "org.manage"));
  return (
    <li className="flex justify-center" data-testid="item-note">
      <div className="w-full max-w-xl space-y-1 rounded-lg border border-amber-500/50 border-dashed bg-amber-50 px-3 py-2 text-sm dark:bg-amber-950/40">
        <p className="flex items-center gap-1.5 font-medium text-amber-900 text-xs dark:text-amber-200">
          <StickyNoteIcon className="size-3.5" aria-hidden />
          {mine ? t("noteByYou") : t("noteBy", { who: author })}
          <span className="ml-auto">{when}</span>
          {mayDelete && (
            <Button
              variant="ghost"
              size="icon"
              className="size-6"
              aria-label={t("deleteNote")}
              disabled={deleteNote.isPending}
              onClick={() => deleteNote.mutate(item.id, { onError: toastError })}
            >
              <Trash2Icon className="size-3.5" aria-hidden />
            </Button>
          )}
        </p>
        <p className="whitespace-pre-wrap break-words">{item.text}</p>
      </div>
    </li>
  );
}
