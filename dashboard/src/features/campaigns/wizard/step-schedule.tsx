"use client";

import { useFormatter, useTimeZone, useTranslations } from "next-intl";
import { useMemo } from "react";
import { NativeSelect } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { timeZoneOptions, zoneLabel } from "@/lib/time-zone";
import type { StepProps } from "./campaign-wizard";
import { zonedToIso } from "./draft";
import { CheckField, RangeField, TimeRange } from "./fields";

/** When: time zone, a window per weekday (or any time), quiet hours in the recipient's time, holidays, start/end. */
export function StepSchedule({ draft, set }: StepProps) {
  const t = useTranslations("campaignWizard.schedule");
  const format = useFormatter();
  const zoneList = useMemo(() => timeZoneOptions(draft.timezone), [draft.timezone]);
  // 2024-01-01 was a Monday: ISO weekday d is January d.
  const dayName = (d: number) =>
    format.dateTime(new Date(Date.UTC(2024, 0, d, 12)), { weekday: "long", timeZone: "UTC" });
  // Start and end are on the campaign zone's clock like the windows; where the viewer's zone differs, their own
  // time is said too.
  const viewerZone = useTimeZone();
  const startIso = zonedToIso(draft.startsAt, draft.timezone);
  const endIso = zonedToIso(draft.endsAt, draft.timezone);
  const yourTime = (iso: string | null) =>
    iso ? format.dateTime(new Date(iso), { dateStyle: "medium", timeStyle: "short" }) : null;
  const setDay = (day: number, patch: Partial<(typeof draft.days)[number]>) =>
    set({ days: draft.days.map((x) => (x.day === day ? { ...x, ...patch } : x)) });
  return (
    <div className="space-y-6">
      <div className="max-w-sm space-y-1">
        <Label htmlFor="campaign-zone">{t("zone")}</Label>
        <NativeSelect id="campaign-zone" value={draft.timezone} onChange={(e) => set({ timezone: e.target.value })}>
          {zoneList.map((z) => (
            <option key={z} value={z}>
              {zoneLabel(z)}
            </option>
          ))}
        </NativeSelect>
      </div>
      <fieldset className="space-y-2">
        <legend className="mb-1 font-medium">{t("windows")}</legend>
        <CheckField
          testId="any-time"
          label={t("anyTime")}
          checked={draft.anyTime}
          onChange={(anyTime) => set({ anyTime })}
        />
        {!draft.anyTime && (
          <ul className="space-y-1.5">
            {draft.days.map((d) => (
              <li key={d.day} className="flex flex-wrap items-center gap-2 text-sm">
                <CheckField
                  className="w-40"
                  label={<span className="capitalize">{dayName(d.day)}</span>}
                  checked={d.on}
                  onChange={(on) => setDay(d.day, { on })}
                />
                <TimeRange
                  disabled={!d.on}
                  from={{
                    label: t("from", { day: dayName(d.day) }),
                    value: d.start,
                    onChange: (start) => setDay(d.day, { start }),
                  }}
                  to={{
                    label: t("until", { day: dayName(d.day) }),
                    value: d.end,
                    onChange: (end) => setDay(d.day, { end }),
                  }}
                />
              </li>
            ))}
          </ul>
        )}
        <p className="text-muted-foreground text-xs">{t("windowsHelp", { zone: zoneLabel(draft.timezone) })}</p>
      </fieldset>
      <fieldset className="space-y-2">
        <legend className="mb-1 font-medium">{t("quiet")}</legend>
        <CheckField
          testId="quiet-hours"
          label={t("quietOn")}
          checked={draft.quiet}
          onChange={(quiet) => set({ quiet })}
        />
        {draft.quiet && (
          <div className="flex flex-wrap items-center gap-2 text-sm">
            <TimeRange
              from={{ label: t("quietFrom"), value: draft.quietStart, onChange: (quietStart) => set({ quietStart }) }}
              to={{ label: t("quietUntil"), value: draft.quietEnd, onChange: (quietEnd) => set({ quietEnd }) }}
            />
          </div>
        )}
        <p className="text-muted-foreground text-xs">{t("quietHelp")}</p>
        <CheckField
          label={t("holidays")}
          checked={draft.skipHolidays}
          onChange={(skipHolidays) => set({ skipHolidays })}
        />
      </fieldset>
      <div className="grid max-w-xl gap-3 sm:grid-cols-2">
        <RangeField
          from={{
            id: "campaign-starts",
            label: t("startsAt", { zone: zoneLabel(draft.timezone) }),
            type: "datetime-local",
            value: draft.startsAt,
            onChange: (e) => set({ startsAt: e.target.value }),
          }}
          to={{
            id: "campaign-ends",
            label: t("endsAt", { zone: zoneLabel(draft.timezone) }),
            type: "datetime-local",
            value: draft.endsAt,
            onChange: (e) => set({ endsAt: e.target.value }),
          }}
        />
        <p className="text-muted-foreground text-xs sm:col-span-2">
          {t("startHelp", { zone: zoneLabel(draft.timezone) })}
        </p>
        {viewerZone && viewerZone !== draft.timezone && (startIso || endIso) && (
          <p className="text-muted-foreground text-xs sm:col-span-2" data-testid="start-your-time">
            {t("yourTime", {
              zone: zoneLabel(viewerZone),
              start: yourTime(startIso) ?? "—",
              end: yourTime(endIso) ?? "—",
            })}
          </p>
        )}
      </div>
    </div>
  );
}
