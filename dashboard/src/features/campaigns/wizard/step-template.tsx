"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";
import { ErrorBox } from "@/components/page-parts";
import { Skeleton } from "@/components/ui/skeleton";
import { ChatBubble } from "@/features/templates/chat-bubble";
import { useTemplates } from "@/features/templates/queries";
import { TemplateWarnings } from "@/features/templates/warnings";
import type { StepProps } from "./campaign-wizard";

/** Which template: each as a radio with its bubble; warnings shown (an unknown variable blocks the start). */
export function StepTemplate({ draft, set }: StepProps) {
  const t = useTranslations("campaignWizard.template");
  const templates = useTemplates();
  if (templates.isPending) return <Skeleton className="h-40" />;
  if (templates.error) return <ErrorBox error={templates.error} />;
  if (templates.data.items.length === 0)
    return (
      <div className="rounded-lg border border-dashed p-4 text-sm">
        <p className="font-medium">{t("emptyTitle")}</p>
        <p className="text-muted-foreground">{t("emptyBody")}</p>
        <Link href="/templates/new" className="text-primary underline-offset-4 hover:underline">
          {t("create")}
        </Link>
      </div>
    );
  const chosen = templates.data.items.find((x) => x.id === draft.templateId);
  return (
    <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_minmax(0,22rem)]">
      <fieldset className="space-y-2">
        <legend className="sr-only">{t("legend")}</legend>
        {templates.data.items.map((tpl) => (
          <label key={tpl.id} className="flex items-start gap-2 rounded-md border px-3 py-2 text-sm">
            <input
              type="radio"
              name="template"
              className="mt-0.5 size-4 accent-[var(--primary)]"
              data-testid="template-option"
              data-name={tpl.name}
              checked={draft.templateId === tpl.id}
              onChange={() => set({ templateId: tpl.id })}
            />
            <span className="min-w-0">
              <span className="block font-medium">{tpl.name}</span>
              <span className="block truncate text-muted-foreground">{tpl.body}</span>
              <span className="block text-muted-foreground text-xs">
                {t("variations", { count: tpl.variations.length })}
              </span>
            </span>
          </label>
        ))}
      </fieldset>
      {chosen && (
        <div className="space-y-2">
          <ChatBubble text={chosen.body} />
          <TemplateWarnings warnings={chosen.warnings} />
        </div>
      )}
    </div>
  );
}
