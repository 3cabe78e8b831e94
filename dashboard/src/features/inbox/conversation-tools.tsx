"use client";

import type { TConversation } from "@mirage/contracts/conversations";
import { XIcon } from "lucide-react";
import { useTranslations } from "next-intl";
import { useId, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Input, NativeSelect } from "@/components/ui/input";
import { useSession } from "@/features/shell/session-context";
import { useErrorMessage } from "@/lib/use-error-message";
import { assignableMembers } from "./filters";
import { useConversationActions, useMembers } from "./queries";

/** Who answers this conversation: a member who can work the inbox, or nobody. */
export function AssignSelect({ conversation, disabled }: { conversation: TConversation; disabled: boolean }) {
  const t = useTranslations("inbox");
  const id = useId();
  const { me } = useSession();
  const members = useMembers();
  const { update } = useConversationActions(conversation.id);
  const { toastError } = useErrorMessage();
  return (
    <div className="flex min-w-0 max-w-full items-center gap-2">
      <label htmlFor={id} className="text-muted-foreground text-sm">
        {t("assignee")}
      </label>
      <NativeSelect
        id={id}
        className="h-8 w-44 min-w-0 truncate sm:w-56"
        data-testid="assignee"
        disabled={disabled || update.isPending}
        value={conversation.assignedTo ?? ""}
        onChange={(e) => update.mutate({ assignedTo: e.target.value || null }, { onError: toastError })}
      >
        <option value="">{t("nobody")}</option>
        {assignableMembers(members.data?.items ?? [], conversation.assignedTo).map((m) => (
          <option key={m.userId} value={m.userId}>
            {m.userId === me.userId ? t("youEmail", { email: m.email ?? "" }) : (m.email ?? m.userId)}
          </option>
        ))}
      </NativeSelect>
    </div>
  );
}

/** The conversation's tags: remove with the ×, add by typing one and pressing Enter. */
export function TagsEditor({ conversation, disabled }: { conversation: TConversation; disabled: boolean }) {
  const t = useTranslations("inbox");
  const id = useId();
  const [draft, setDraft] = useState("");
  const { update } = useConversationActions(conversation.id);
  const { toastError } = useErrorMessage();
  const save = (tags: string[]) => update.mutate({ tags }, { onError: toastError });
  const add = () => {
    const tag = draft.trim().replace(/^#/, "").slice(0, 50);
    if (!tag) return;
    if (!conversation.tags.includes(tag)) save([...conversation.tags, tag]);
    setDraft("");
  };
  return (
    <div className="flex min-w-0 flex-1 flex-wrap items-center gap-1.5" data-testid="tags">
      <span className="text-muted-foreground text-sm" id={`${id}-label`}>
        {t("tags")}
      </span>
      <ul className="flex flex-wrap gap-1" aria-labelledby={`${id}-label`}>
        {conversation.tags.map((tag) => (
          <li key={tag}>
            <Badge variant="outline" data-testid="tag">
              #{tag}
              {!disabled && (
                <button
                  type="button"
                  className="-mr-1 rounded-sm p-0.5 outline-none hover:bg-accent focus-visible:ring-2 focus-visible:ring-ring/50"
                  aria-label={t("removeTag", { tag })}
                  onClick={() => save(conversation.tags.filter((x) => x !== tag))}
                >
                  <XIcon aria-hidden />
                </button>
              )}
            </Badge>
          </li>
        ))}
        {conversation.tags.length === 0 && disabled && <li className="text-muted-foreground text-sm">—</li>}
      </ul>
      {!disabled && (
        <Input
          aria-label={t("addTag")}
          placeholder={t("addTag")}
          data-testid="add-tag"
          // w-44: the whole placeholder in both languages ("Adicionar etiqueta" was cut at w-32), 16 px on phones too.
          className="h-8 w-44"
          value={draft}
          maxLength={50}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter") {
              e.preventDefault();
              add();
            }
          }}
          onBlur={add}
        />
      )}
    </div>
  );
}
