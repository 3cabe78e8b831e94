"use client";

import type { TConversation } from "@mirage/contracts/conversations";
import type { TInstance } from "@mirage/contracts/instances";
import { SendIcon, StickyNoteIcon, XIcon } from "lucide-react";
import { useTranslations } from "next-intl";
import { useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { useErrorMessage } from "@/lib/use-error-message";
import { cn } from "@/lib/utils";
import { useConversationActions } from "./queries";
import { type Quote, QuoteBlock } from "./quote";

const CAN_SEND = new Set(["connected", "degraded"]);

/**
 * The reply box (sent from the conversation's own number) and the internal-note box, one at a time. Replying is
 * disabled, with the reason, while the number cannot send or the person opted out; notes are always possible.
 * Enter sends, Shift+Enter starts a new line. `quoting`: the message the reply will quote (chosen on the timeline),
 * shown above the box until it is sent or `onQuoteDone` drops it.
 */
export function Composer({
  conversation,
  instance,
  quoting = null,
  onQuoteDone,
}: {
  conversation: TConversation;
  instance: TInstance | undefined;
  quoting?: Quote | null;
  onQuoteDone?: () => void;
}) {
  const t = useTranslations("inbox");
  const ts = useTranslations("status");
  const id = useId();
  const [mode, setMode] = useState<"reply" | "note">("reply");
  const [text, setText] = useState("");
  const { reply, note } = useConversationActions(conversation.id);
  const { toastError } = useErrorMessage();
  const blocked =
    mode !== "reply"
      ? null
      : !instance
        ? t("checkingNumber")
        : !CAN_SEND.has(instance.status)
          ? t("cannotSend", { name: instance.name, status: ts(instance.status) })
          : conversation.blacklisted
            ? t("cannotSendOptedOut")
            : null;
  const pending = reply.isPending || note.isPending;
  const quote = mode === "reply" ? quoting : null;
  const submit = () => {
    const value = text;
    if (!value.trim() || blocked || pending) return;
    if (mode === "note") {
      note.mutate(value, { onSuccess: () => setText(""), onError: toastError });
      return;
    }
    reply.mutate(
      { text: value, replyTo: quote?.waMessageId },
      {
        onSuccess: () => {
          setText("");
          onQuoteDone?.();
        },
        onError: toastError,
      },
    );
  };
  return (
    <form
      className={cn("space-y-2 border-t p-3", mode === "note" && "bg-amber-50/60 dark:bg-amber-950/20")}
      data-testid="composer"
      data-mode={mode}
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <fieldset className="flex min-w-0 items-center gap-1">
        <legend className="sr-only">{t("composerMode")}</legend>
        <Button
          type="button"
          size="sm"
          variant={mode === "reply" ? "secondary" : "ghost"}
          aria-pressed={mode === "reply"}
          data-testid="mode-reply"
          onClick={() => setMode("reply")}
        >
          <SendIcon aria-hidden /> {t("reply")}
        </Button>
        <Button
          type="button"
          size="sm"
          variant={mode === "note" ? "secondary" : "ghost"}
          aria-pressed={mode === "note"}
          data-testid="mode-note"
          onClick={() => setMode("note")}
        >
          <StickyNoteIcon aria-hidden /> {t("note")}
        </Button>
      </fieldset>
      {blocked && (
        <p id={`${id}-blocked`} className="text-muted-foreground text-sm" data-testid="reply-blocked" role="status">
          {blocked}
        </p>
      )}
      {quote && (
        <div className="flex items-start gap-1" data-testid="composer-quote">
          <div className="min-w-0 flex-1">
            <p className="sr-only">
              {t("replyingTo", { who: quote.fromMe ? t("quotedYou") : (conversation.peerName ?? t("quotedContact")) })}
            </p>
            <QuoteBlock quote={quote} peerName={conversation.peerName} />
          </div>
          <Button
            type="button"
            variant="ghost"
            size="icon"
            className="size-7"
            aria-label={t("cancelQuote")}
            data-testid="cancel-quote"
            onClick={() => onQuoteDone?.()}
          >
            <XIcon aria-hidden />
          </Button>
        </div>
      )}
      <div className="flex items-end gap-2">
        <label htmlFor={id} className="sr-only">
          {mode === "reply" ? t("replyLabel") : t("noteLabel")}
        </label>
        <textarea
          id={id}
          data-testid="composer-text"
          rows={2}
          value={text}
          disabled={Boolean(blocked)}
          aria-describedby={blocked ? `${id}-blocked` : undefined}
          placeholder={mode === "reply" ? t("replyPlaceholder") : t("notePlaceholder")}
          className="max-h-40 min-h-10 flex-1 resize-y rounded-md border border-input bg-background px-3 py-2 text-sm shadow-xs outline-none placeholder:text-muted-foreground focus-visible:border-ring focus-visible:ring-[3px] focus-visible:ring-ring/50 disabled:cursor-not-allowed disabled:opacity-50"
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault();
              submit();
            }
          }}
        />
        <Button type="submit" data-testid="composer-send" disabled={Boolean(blocked) || pending || !text.trim()}>
          {mode === "reply" ? t("send") : t("addNote")}
        </Button>
      </div>
    </form>
  );
}
