"use client";

import { ShuffleIcon } from "lucide-react";
import { useFormatter, useTranslations } from "next-intl";
import { useDeferredValue, useEffect, useState } from "react";
import { ErrorBox } from "@/components/page-parts";
import { Button } from "@/components/ui/button";
import { Input, NativeSelect } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Skeleton } from "@/components/ui/skeleton";
import { ChatBubble } from "./chat-bubble";
import { useContactSearch, usePreview } from "./queries";
import type { TTemplatePreviewDto } from "./types";

/** Debounces a value: the preview is asked for once typing pauses, not per key. */
function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setV(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return v;
}

/**
 * The message as real contacts of the organization would receive it, in WhatsApp's bubble: pick a contact (or see
 * the first few), draw another variation. Reports the analysis (warnings) of the unsaved text to the editor.
 */
export function TemplatePreview(props: {
  body: string;
  variations: string[];
  onAnalysis: (a: TTemplatePreviewDto | undefined) => void;
}) {
  const t = useTranslations("templates.preview");
  const format = useFormatter();
  const [q, setQ] = useState("");
  const [contactId, setContactId] = useState<string>("");
  const [seed, setSeed] = useState(1);
  const search = useContactSearch(useDeferredValue(q.trim()));
  // Debounced as a string: an object would be new on every render and never settle.
  const text = JSON.parse(useDebounced(JSON.stringify({ body: props.body, variations: props.variations }), 350)) as {
    body: string;
    variations: string[];
  };
  const preview = usePreview({ ...text, contactId: contactId || null, seed });
  const { onAnalysis } = props;
  useEffect(() => onAnalysis(preview.data), [preview.data, onAnalysis]);
  const time = format.dateTime(new Date(), { hour: "2-digit", minute: "2-digit" });
  const noContacts = search.data && search.data.items.length === 0 && !q.trim();

  return (
    <section aria-labelledby="preview-title" className="space-y-3">
      <h2 id="preview-title" className="font-medium">
        {t("title")}
      </h2>
      <div className="grid gap-2 sm:grid-cols-2">
        <div className="space-y-1">
          <Label htmlFor="preview-search">{t("search")}</Label>
          <Input
            id="preview-search"
            type="search"
            placeholder={t("searchPlaceholder")}
            value={q}
            onChange={(e) => setQ(e.target.value)}
          />
        </div>
        <div className="space-y-1">
          <Label htmlFor="preview-contact">{t("contact")}</Label>
          <NativeSelect
            id="preview-contact"
            data-testid="preview-contact"
            value={contactId}
            onChange={(e) => setContactId(e.target.value)}
          >
            <option value="">{t("firstContacts")}</option>
            {search.data?.items.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name ? `${c.name} · ${c.phone}` : c.phone}
              </option>
            ))}
          </NativeSelect>
        </div>
      </div>
      <Button type="button" variant="outline" size="sm" onClick={() => setSeed((s) => s + 1)}>
        <ShuffleIcon aria-hidden /> {t("redraw")}
      </Button>
      <div aria-live="polite" className="space-y-3">
        {!props.body.trim() ? (
          <p className="text-muted-foreground text-sm">{t("typeSomething")}</p>
        ) : preview.error ? (
          <ErrorBox error={preview.error} />
        ) : !preview.data ? (
          <Skeleton className="h-28" />
        ) : preview.data.renderings.length === 0 || noContacts ? (
          <>
            <p className="text-muted-foreground text-sm">{t("noContacts")}</p>
            <ChatBubble text={props.body} time={time} />
          </>
        ) : (
          preview.data.renderings.map((r) => {
            const c = search.data?.items.find((x) => x.id === r.contactId);
            return (
              <div key={r.contactId} className="space-y-1" data-testid="preview-rendering">
                <ChatBubble text={r.text} to={c?.name ? `${c.name} · ${r.phone}` : r.phone} time={time} />
                <p className="text-muted-foreground text-xs">
                  {r.variant === 0 ? t("mainText") : t("variation", { n: r.variant })}
                  {r.missing.length > 0 && ` · ${t("missing", { vars: r.missing.join(", ") })}`}
                </p>
              </div>
            );
          })
        )}
      </div>
    </section>
  );
}
