"use client";

import { useFormatter, useTranslations } from "next-intl";
import type { ChangeEvent } from "react";
import type { StepProps } from "./campaign-wizard";
import { type CustomPace, type Draft, PROFILES, type ProfileName, pacingOf } from "./draft";
import { CheckField, Field, RangeField } from "./fields";

/** A duration in ms in words ("40 s", "3 min"), localized. */
export function useDuration() {
  const format = useFormatter();
  return (ms: number) =>
    ms < 60_000
      ? format.number(ms / 1000, { style: "unit", unit: "second", unitDisplay: "short", maximumFractionDigits: 1 })
      : format.number(ms / 60_000, { style: "unit", unit: "minute", unitDisplay: "short", maximumFractionDigits: 1 });
}

/** The pace of a draft in plain words, and about how many messages an hour one number sends. */
export function usePaceWords() {
  const t = useTranslations("campaignWizard.pacing");
  const duration = useDuration();
  return (d: Draft) => {
    const p = pacingOf(d);
    const gap = (p.gapMs.min + p.gapMs.max) / 2 + (p.typingMs.min + p.typingMs.max) / 2;
    const every = (p.breakEvery.min + p.breakEvery.max) / 2;
    const pause = (p.breakMs.min + p.breakMs.max) / 2;
    const perHour = Math.min(d.perHour, Math.round((3_600_000 * every) / (every * gap + pause)));
    return {
      sentence: t("describe", {
        gapMin: duration(p.gapMs.min),
        gapMax: duration(p.gapMs.max),
        every: Math.round(every),
        breakMin: duration(p.breakMs.min),
        breakMax: duration(p.breakMs.max),
      }),
      perHour,
    };
  };
}

/** How fast: a profile in plain words (or custom numbers), caps per number, warm-up, stop on reply, error stop. */
export function StepPacing({ draft, set }: StepProps) {
  const t = useTranslations("campaignWizard.pacing");
  const words = usePaceWords();
  const options: ProfileName[] = [...(Object.keys(PROFILES) as ProfileName[]), "custom"];
  const setCustom = (patch: Partial<CustomPace>) => set({ custom: { ...draft.custom, ...patch } });
  const num = (key: keyof CustomPace, label: string, step = "1") => ({
    id: `pace-${key}`,
    label,
    "data-testid": `pace-${key}`,
    type: "number",
    min: 0,
    step,
    value: draft.custom[key],
    onChange: (e: ChangeEvent<HTMLInputElement>) => setCustom({ [key]: Number(e.target.value) }),
  });
  const current = words(draft);
  return (
    <div className="space-y-6">
      <fieldset className="space-y-2">
        <legend className="mb-1 font-medium">{t("profile")}</legend>
        {options.map((p) => (
          <label key={p} className="flex items-start gap-2 rounded-md border px-3 py-2 text-sm">
            <input
              type="radio"
              name="pace"
              value={p}
              className="mt-0.5 size-4 accent-[var(--primary)]"
              data-testid={`pace-${p}`}
              checked={draft.profile === p}
              onChange={() => set({ profile: p })}
            />
            <span>
              <span className="block font-medium">{t(`profiles.${p}`)}</span>
              <span className="block text-muted-foreground">
                {p === "custom" ? t("customHelp") : words({ ...draft, profile: p }).sentence}
              </span>
            </span>
          </label>
        ))}
      </fieldset>
      {draft.profile === "custom" && (
        <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
          <RangeField from={num("gapMin", t("gapMin"), "0.1")} to={num("gapMax", t("gapMax"), "0.1")} />
          <RangeField from={num("everyMin", t("everyMin"))} to={num("everyMax", t("everyMax"))} />
          <RangeField from={num("breakMin", t("breakMin"), "0.1")} to={num("breakMax", t("breakMax"), "0.1")} />
        </div>
      )}
      <p className="rounded-md bg-muted px-3 py-2 text-sm" aria-live="polite" data-testid="pace-summary">
        {current.sentence} {t("perHour", { n: current.perHour })}
      </p>
      <fieldset className="grid max-w-xl gap-3 sm:grid-cols-2">
        <legend className="mb-1 font-medium">{t("caps")}</legend>
        <RangeField
          from={{
            id: "cap-hour",
            label: t("capHour"),
            type: "number",
            min: 1,
            value: draft.perHour,
            onChange: (e) => set({ perHour: Math.max(1, Number(e.target.value)) }),
          }}
          to={{
            id: "cap-day",
            label: t("capDay"),
            type: "number",
            min: 1,
            value: draft.perDay,
            onChange: (e) => set({ perDay: Math.max(1, Number(e.target.value)) }),
          }}
        />
        <CheckField
          className="sm:col-span-2"
          testId="warmup"
          label={t("warmup")}
          help={t("warmupHelp")}
          checked={draft.warmup}
          onChange={(warmup) => set({ warmup })}
        />
      </fieldset>
      <fieldset className="grid max-w-xl gap-3 sm:grid-cols-2">
        <legend className="mb-1 font-medium">{t("safety")}</legend>
        <CheckField
          className="sm:col-span-2"
          label={t("stopOnReply")}
          checked={draft.stopOnReply}
          onChange={(stopOnReply) => set({ stopOnReply })}
        />
        <Field
          id="error-threshold"
          label={t("errorThreshold")}
          type="number"
          min={0}
          value={draft.errorThreshold}
          onChange={(e) => set({ errorThreshold: Math.max(0, Number(e.target.value)) })}
        />
      </fieldset>
    </div>
  );
}
