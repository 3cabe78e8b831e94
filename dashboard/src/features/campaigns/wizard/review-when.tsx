"use client";

import { useFormatter, useTranslations } from "next-intl";
import { zoneLabel } from "@/lib/time-zone";
import { type Draft, zonedToIso } from "./draft";

/**
 * The review's "When": the start chosen (or that it starts when Start is pressed) and the end when there is one, on
 * the campaign's clock, then the send windows and quiet hours — everything the schedule step asked.
 */
export function ReviewWhen({ draft }: { draft: Draft }) {
  const t = useTranslations("campaignWizard.review");
  const format = useFormatter();
  const at = (local: string) => {
    const iso = zonedToIso(local, draft.timezone);
    return iso
      ? format.dateTime(new Date(iso), { dateStyle: "medium", timeStyle: "short", timeZone: draft.timezone })
      : null;
  };
  const start = at(draft.startsAt);
  const end = at(draft.endsAt);
  const zone = zoneLabel(draft.timezone);
  return (
    <>
      <span className="block" data-testid="review-period">
        {start ? t("startsAt", { at: start, zone }) : t("startsOnStart")}
        {end && ` · ${t("endsAt", { at: end })}`}
      </span>
      <span className="block">
        {draft.anyTime ? t("anyTime", { zone }) : t("windows", { count: draft.days.filter((d) => d.on).length, zone })}
        {draft.quiet && ` · ${t("quiet", { from: draft.quietStart, to: draft.quietEnd })}`}
      </span>
    </>
  );
}
