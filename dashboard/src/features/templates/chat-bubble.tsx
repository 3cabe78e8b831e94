import { CheckCheckIcon } from "lucide-react";
import { formatWhatsApp } from "./whatsapp-format";

/**
 * One outgoing message as WhatsApp shows it: a green bubble on the chat wallpaper, formatting applied, the time and
 * the double tick. `to` names the recipient above the chat.
 */
export function ChatBubble({ text, to, time }: { text: string; to?: string; time?: string }) {
  return (
    <div className="overflow-hidden rounded-xl border" data-testid="chat-preview">
      {to && <div className="bg-[#075e54] px-3 py-2 font-medium text-sm text-white dark:bg-[#1f2c34]">{to}</div>}
      <div className="flex min-h-24 flex-col items-end bg-[#efeae2] p-3 dark:bg-[#0b141a]">
        <div
          className="relative max-w-[85%] whitespace-pre-wrap break-words rounded-lg rounded-tr-none bg-[#d9fdd3] px-2.5 pt-1.5 pb-4 text-[#111b21] text-sm shadow-sm dark:bg-[#005c4b] dark:text-[#e9edef]"
          data-testid="chat-bubble"
        >
          {formatWhatsApp(text)}
          <span className="absolute right-1.5 bottom-0.5 flex items-center gap-0.5 text-[#475158] text-[10px] dark:text-[#c6d0d6]">
            {time}
            <CheckCheckIcon className="size-3.5 text-[#027eb5] dark:text-[#53bdeb]" aria-hidden />
          </span>
        </div>
      </div>
    </div>
  );
}
