import { formatWhatsApp } from "@/features/templates/whatsapp-format";
import { cn } from "@/lib/utils";

/**
 * A WhatsApp message's text as the phone shows it: *bold*, _italic_, ~strikethrough~ and ```monospace``` rendered
 * by the template preview's own renderer (formatWhatsApp), so a sent template reads in the inbox as it did in its
 * preview. React elements only: a message's text is never read as HTML.
 */
export function MessageText({ text, className }: { text: string; className?: string }) {
  return <p className={cn("whitespace-pre-wrap break-words", className)}>{formatWhatsApp(text)}</p>;
}
