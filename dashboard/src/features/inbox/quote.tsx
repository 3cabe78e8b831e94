"use client";

import type { TConversationItem } from "@mirage/contracts/conversations";
import { useTranslations } from "next-intl";
import { cn } from "@/lib/utils";
import { MessageText } from "./message-text";

/** What a reply quotes: the quoted message's WhatsApp id, who wrote it (this number or the person), its text. */
export type Quote = NonNullable<TConversationItem["replyTo"]>;

/** The quote a timeline item can be answered with (messages WhatsApp knows by id), or null (notes, unsent rows). */
export function quoteOf(item: TConversationItem): Quote | null {
  if (item.kind === "note" || !item.waMessageId) return null;
  return { waMessageId: item.waMessageId, fromMe: item.kind === "outbound", text: item.text ?? "" };
}

/**
 * A quoted message as WhatsApp shows it above a reply: a bar, who wrote it ("You" for this number, else the person's
 * name), and its text cut to three lines.
 */
export function QuoteBlock({
  quote,
  peerName,
  className,
}: {
  quote: Quote;
  peerName: string | null;
  className?: string;
}) {
  const t = useTranslations("inbox");
  return (
    <blockquote
      className={cn(
        "rounded-md border-l-4 bg-muted/60 px-2 py-1 text-xs",
        quote.fromMe ? "border-primary/60" : "border-emerald-600/60",
        className,
      )}
      data-testid="quoted"
    >
      <p className="font-medium">{quote.fromMe ? t("quotedYou") : (peerName ?? t("quotedContact"))}</p>
      {quote.text ? (
        <MessageText text={quote.text} className="line-clamp-3" />
      ) : (
        <p className="text-muted-foreground italic">{t("quotedMedia")}</p>
      )}
    </blockquote>
  );
}
