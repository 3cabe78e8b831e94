"use client";

import type { TBlacklistImportResponse } from "@mirage/contracts/blacklist";
import { useTranslations } from "next-intl";

/** How many refused lines the page lists; the count says how many there were in all. */
const SHOWN = 20;

/**
 * The lines of an imported blacklist file that blocked nothing, each worded from its code in the user's language
 * (the API's `reason` is English), with the value that was refused when there was one.
 */
export function BlacklistRejections({ rejected }: { rejected: TBlacklistImportResponse["rejected"] }) {
  const t = useTranslations("blacklist");
  if (rejected.length === 0) return null;
  return (
    <div role="status" className="rounded-md border border-warning/40 bg-warning/10 p-3 text-sm">
      <p className="font-medium">{t("importRejected", { count: rejected.length })}</p>
      <ul className="mt-1 space-y-0.5" data-testid="blacklist-rejected">
        {rejected.slice(0, SHOWN).map((r) => {
          const reason = t(`rejectionReason.${r.code}`);
          return (
            <li key={`${r.line}-${r.raw}`} data-line={r.line} data-code={r.code}>
              {r.raw
                ? t("lineReason", { line: r.line, raw: r.raw, reason })
                : t("lineReasonNoValue", { line: r.line, reason })}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
