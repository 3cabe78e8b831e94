"use client";

import { useFormatter, useTranslations } from "next-intl";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import type { StepProps } from "./campaign-wizard";
import { type CustomPace, type Draft, PROFILES, type ProfileName, pacingOf } from "./draft";

const check = "size-4 accent-[var(--primary)]";

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
  const num = (key: keyof CustomPace, label: string, step = "1") => (
    <div className="space-y-1">
      <Label htmlFor={`pace-${key}`}>{label}</Label>
      <Input
        id={`pace-${key}`}
        data-testid={`pace-${key}`}
        type="number"
        min={0}
        step={step}
        value={draft.custom[key]}
        onChange={(e) => setCustom({ [key]: Number(e.target.value) })}
      />
    </div>
  );
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
              className={`mt-0.5 ${check}`}
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
          {num("gapMin", t("gapMin"), "0.1")}
          {num("gapMax", t("gapMax"), "0.1")}
          {num("everyMin", t("everyMin"))}
          {num("everyMax", t("everyMax"))}
          {num("breakMin", t("breakMin"), "0.1")}
          {num("breakMax", t("breakMax"), "0.1")}
        </div>
      )}
      <p className="rounded-md bg-muted px-3 py-2 text-sm" aria-live="polite" data-testid="pace-summary">
        {current.sentence} {t("perHour", { n: current.perHour })}
      </p>
      <fieldset className="grid max-w-xl gap-3 sm:grid-cols-2">
        <legend className="mb-1 font-medium">{t("caps")}</legend>
        <div className="space-y-1">
          <Label htmlFor="cap-hour">{t("capHour")}</Label>
          <Input
            id="cap-hour"
            type="number"
            min={1}
            value={draft.perHour}
            onChange={(e) => set({ perHour: Math.max(1, Number(e.target.value)) })}
          />
        </div>
        <div className="space-y-1">
          <Label htmlFor="cap-day">{t("capDay")}</Label>
          <Input
            id="cap-day"
            type="number"
            min={1}
            value={draft.perDay}
            onChange={(e) => set({ perDay: Math.max(1, Number(e.target.value)) })}
          />
        </div>
        <label className="flex items-start gap-2 text-sm sm:col-span-2">
          <input
            type="checkbox"
            className={`mt-0.5 ${check}`}
            data-testid="warmup"
            checked={draft.warmup}
            onChange={(e) => set({ warmup: e.target.checked })}
          />
          <span>
            <span className="block">{t("warmup")}</span>
            <span className="block text-muted-foreground text-xs">{t("warmupHelp")}</span>
          </span>
        </label>
      </fieldset>
      <fieldset className="grid max-w-xl gap-3 sm:grid-cols-2">
        <legend className="mb-1 font-medium">{t("safety")}</legend>
        <label className="flex items-center gap-2 text-sm sm:col-span-2">
          <input
            type="checkbox"
            className={check}
            checked={draft.stopOnReply}
            onChange={(e) => set({ stopOnReply: e.target.checked })}
          />
          {t("stopOnReply")}
        </label>
        <div className="space-y-1">
          <Label htmlFor="error-threshold">{t("errorThreshold")}</Label>
          <Input
            id="error-threshold"
            type="number"
            min={0}
            value={draft.errorThreshold}
            onChange={(e) => set({ errorThreshold: Math.max(0, Number(e.target.value)) })}
          />
        </div>
      </fieldset>
    </div>
  );
}
