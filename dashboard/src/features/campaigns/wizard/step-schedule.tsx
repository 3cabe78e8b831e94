"use client";

import { useFormatter, useTranslations } from "next-intl";
import { useMemo } from "react";
import { Input, NativeSelect } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import type { StepProps } from "./campaign-wizard";

function zones(current: string): string[] {
  let all: string[] = [];
  try {
    all = Intl.supportedValuesOf("timeZone");
  } catch {
    all = ["America/Sao_Paulo", "UTC"];
  }
  return all.includes(current) ? all : [current, ...all];
}

const check = "size-4 accent-[var(--primary)]";

/** When: time zone, a window per weekday (or any time), quiet hours in the recipient's time, holidays, start/end. */
export function StepSchedule({ draft, set }: StepProps) {
  const t = useTranslations("campaignWizard.schedule");
  const format = useFormatter();
  const zoneList = useMemo(() => zones(draft.timezone), [draft.timezone]);
  // 2024-01-01 was a Monday: ISO weekday d is January d.
  const dayName = (d: number) =>
    format.dateTime(new Date(Date.UTC(2024, 0, d, 12)), { weekday: "long", timeZone: "UTC" });
  const setDay = (day: number, patch: Partial<(typeof draft.days)[number]>) =>
    set({ days: draft.days.map((x) => (x.day === day ? { ...x, ...patch } : x)) });
  return (
    <div className="space-y-6">
      <div className="max-w-sm space-y-1">
        <Label htmlFor="campaign-zone">{t("zone")}</Label>
        <NativeSelect id="campaign-zone" value={draft.timezone} onChange={(e) => set({ timezone: e.target.value })}>
          {zoneList.map((z) => (
            <option key={z} value={z}>
              {z.replaceAll("_", " ")}
            </option>
          ))}
        </NativeSelect>
      </div>
      <fieldset className="space-y-2">
        <legend className="mb-1 font-medium">{t("windows")}</legend>
        <label className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            className={check}
            data-testid="any-time"
            checked={draft.anyTime}
            onChange={(e) => set({ anyTime: e.target.checked })}
          />
          {t("anyTime")}
        </label>
        {!draft.anyTime && (
          <ul className="space-y-1.5">
            {draft.days.map((d) => (
              <li key={d.day} className="flex flex-wrap items-center gap-2 text-sm">
                <label className="flex w-40 items-center gap-2">
                  <input
                    type="checkbox"
                    className={check}
                    checked={d.on}
                    onChange={(e) => setDay(d.day, { on: e.target.checked })}
                  />
                  <span className="capitalize">{dayName(d.day)}</span>
                </label>
                <Input
                  type="time"
                  className="w-32"
                  aria-label={t("from", { day: dayName(d.day) })}
                  disabled={!d.on}
                  value={d.start}
                  onChange={(e) => setDay(d.day, { start: e.target.value })}
                />
                <span aria-hidden>–</span>
                <Input
                  type="time"
                  className="w-32"
                  aria-label={t("until", { day: dayName(d.day) })}
                  disabled={!d.on}
                  value={d.end}
                  onChange={(e) => setDay(d.day, { end: e.target.value })}
                />
              </li>
            ))}
          </ul>
        )}
        <p className="text-muted-foreground text-xs">{t("windowsHelp", { zone: draft.timezone })}</p>
      </fieldset>
      <fieldset className="space-y-2">
        <legend className="mb-1 font-medium">{t("quiet")}</legend>
        <label className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            className={check}
            data-testid="quiet-hours"
            checked={draft.quiet}
            onChange={(e) => set({ quiet: e.target.checked })}
          />
          {t("quietOn")}
        </label>
        {draft.quiet && (
          <div className="flex flex-wrap items-center gap-2 text-sm">
            <Input
              type="time"
              className="w-32"
              aria-label={t("quietFrom")}
              value={draft.quietStart}
              onChange={(e) => set({ quietStart: e.target.value })}
            />
            <span aria-hidden>–</span>
            <Input
              type="time"
              className="w-32"
              aria-label={t("quietUntil")}
              value={draft.quietEnd}
              onChange={(e) => set({ quietEnd: e.target.value })}
            />
          </div>
        )}
        <p className="text-muted-foreground text-xs">{t("quietHelp")}</p>
        <label className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            className={check}
            checked={draft.skipHolidays}
            onChange={(e) => set({ skipHolidays: e.target.checked })}
          />
          {t("holidays")}
        </label>
      </fieldset>
      <div className="grid max-w-xl gap-3 sm:grid-cols-2">
        <div className="space-y-1">
          <Label htmlFor="campaign-starts">{t("startsAt")}</Label>
          <Input
            id="campaign-starts"
            type="datetime-local"
            value={draft.startsAt}
            onChange={(e) => set({ startsAt: e.target.value })}
          />
        </div>
        <div className="space-y-1">
          <Label htmlFor="campaign-ends">{t("endsAt")}</Label>
          <Input
            id="campaign-ends"
            type="datetime-local"
            value={draft.endsAt}
            onChange={(e) => set({ endsAt: e.target.value })}
          />
        </div>
        <p className="text-muted-foreground text-xs sm:col-span-2">{t("startHelp")}</p>
      </div>
    </div>
  );
}
