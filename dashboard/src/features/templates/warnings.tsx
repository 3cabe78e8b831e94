"use client";

import { TriangleAlertIcon } from "lucide-react";
import { useTranslations } from "next-intl";
import type { TTemplateWarningDto } from "./types";

const KNOWN = new Set(["unknown_variable", "empty_option", "similar_variants", "missing_value", "empty_result"]);

/** The API's template warnings in words, shown next to the text they concern. */
export function TemplateWarnings({ warnings, id }: { warnings: TTemplateWarningDto[]; id?: string }) {
  const t = useTranslations("templates.warning");
  if (warnings.length === 0) return null;
  return (
    <ul id={id} className="space-y-1" aria-live="polite">
      {warnings.map((w, i) => (
        <li
          // biome-ignore lint/suspicious/noArrayIndexKey: warnings have no id and are re-computed as a whole
          key={i}
          className="flex items-start gap-1.5 rounded-md border border-warning/40 bg-warning/10 px-2 py-1 text-sm"
          data-testid="template-warning"
          data-code={w.code}
        >
          <TriangleAlertIcon className="mt-0.5 size-4 shrink-0 text-warning" aria-hidden />
          <span>
            {KNOWN.has(w.code)
              ? t(w.code as "unknown_variable", {
                  variable: w.variable ?? "",
                  other: (w.other ?? 0) + 1,
                  similarity: Math.round((w.similarity ?? 0) * 100),
                })
              : w.message}
          </span>
        </li>
      ))}
    </ul>
  );
}
