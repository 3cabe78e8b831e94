"use client";

import { SmilePlusIcon } from "lucide-react";
import { useTranslations } from "next-intl";
import type { ComponentProps } from "react";
import { Button } from "@/components/ui/button";
import { LazyDropdownMenu } from "@/components/ui/lazy-dropdown-menu";

/** The reactions WhatsApp offers first under a message. */
export const QUICK_REACTIONS = ["👍", "❤️", "😂", "😮", "😢", "🙏"] as const;

/**
 * The number's reaction to a message the person sent: a menu of WhatsApp's quick reactions; picking the one already
 * given takes it back (`onReact("")`).
 */
export function ReactionPicker({
  current,
  disabled,
  onReact,
}: {
  current: string | null;
  disabled?: boolean;
  onReact: (emoji: string) => void;
}) {
  const t = useTranslations("inbox");
  return (
    <LazyDropdownMenu
      align="start"
      trigger={
        <MessageAction label={t("react")} data-testid="react" disabled={disabled}>
          <SmilePlusIcon className="size-4" aria-hidden />
        </MessageAction>
      }
    >
      {(ui) => (
        <div className="flex gap-0.5 p-0.5">
          {QUICK_REACTIONS.map((emoji) => (
            <ui.DropdownMenuItem
              key={emoji}
              className={current === emoji ? "bg-accent text-xl" : "text-xl"}
              aria-label={current === emoji ? t("removeReaction", { emoji }) : t("reactWith", { emoji })}
              data-emoji={emoji}
              onSelect={() => onReact(current === emoji ? "" : emoji)}
            >
              {emoji}
            </ui.DropdownMenuItem>
          ))}
        </div>
      )}
    </LazyDropdownMenu>
  );
}

/** A small icon button beside a message (reply, react), shown faintly until the message is hovered or focused. */
export function MessageAction({ label, ...props }: ComponentProps<typeof Button> & { label: string }) {
  return (
    <Button
      variant="ghost"
      size="icon"
      className="size-7 shrink-0 text-muted-foreground opacity-60 group-hover:opacity-100 focus-visible:opacity-100"
      aria-label={label}
      title={label}
      {...props}
    />
  );
}
