"use client";

import type { TCampaign } from "@mirage/contracts/campaigns";
import { CheckIcon } from "lucide-react";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { PageHeader } from "@/components/page-parts";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { useOrganization } from "@/features/shell/organization";
import { useSession } from "@/features/shell/session-context";
import { can } from "@/lib/permissions";
import { cn } from "@/lib/utils";
import { DeleteCampaign } from "../delete-campaign";
import { type Draft, defaultZone, draftOf, emptyDraft } from "./draft";
import { StepAudience } from "./step-audience";
import { StepPacing } from "./step-pacing";
import { StepReview } from "./step-review";
import { StepSchedule } from "./step-schedule";
import { StepSenders } from "./step-senders";
import { StepTemplate } from "./step-template";

const STEPS = ["audience", "template", "senders", "schedule", "pacing", "review"] as const;
type Step = (typeof STEPS)[number];

export type StepProps = { draft: Draft; set: (patch: Partial<Draft>) => void };

/** What keeps "Next" disabled on a step, or null. */
function blocker(step: Step, d: Draft): string | null {
  if (step === "audience") {
    if (!d.name.trim()) return "needName";
    if (d.listIds.length + d.segmentIds.length === 0) return "needAudience";
  }
  if (step === "template" && !d.templateId) return "needTemplate";
  if (step === "senders" && d.senderIds.length === 0) return "needSender";
  if (step === "schedule" && !d.anyTime && !d.days.some((x) => x.on)) return "needDay";
  return null;
}

/** The index of the first step (before the review) that keeps "Next" disabled, or -1 when none does. */
function firstBlockedStep(d: Draft): number {
  return STEPS.findIndex((s, i) => i < STEPS.length - 1 && blocker(s, d) !== null);
}

/**
 * The campaign wizard: audience → template → senders → schedule → pace → review (saved as a draft, the API's refusals
 * and a dry run of the first sends, then Start). A draft reopens here, at its first unfinished step or its review;
 * readers see it without controls.
 */
export function CampaignWizard({ initial }: { initial?: TCampaign }) {
  // A new campaign starts in the organization's time zone: wait for it (one short read) rather than change the
  // zone under the user's eyes; if it cannot be read, the browser's zone (then UTC) stands in.
  const organization = useOrganization({ enabled: !initial });
  if (!initial && organization.isPending) return <Skeleton className="h-96" />;
  return <WizardForm initial={initial} zone={defaultZone(organization.data?.timezone)} />;
}

function WizardForm({ initial, zone }: { initial?: TCampaign; zone: string }) {
  const t = useTranslations("campaignWizard");
  const { org } = useSession();
  const writer = can(org.role, "audience.write");
  const [draft, setDraft] = useState<Draft>(() => (initial ? draftOf(initial) : emptyDraft(zone)));
  const [id, setId] = useState<string | null>(initial?.id ?? null);
  // A draft reopens where it needs attention: its first step that keeps "Next" disabled, or the review when none
  // does (not five clicks of "Next" away).
  const [step, setStep] = useState<Step>(() =>
    initial ? (STEPS[firstBlockedStep(draftOf(initial))] ?? "review") : "audience",
  );
  const index = STEPS.indexOf(step);
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const firstBlocked = firstBlockedStep(draft);
  const reachable = (i: number) => firstBlocked === -1 || i <= firstBlocked;
  const block = blocker(step, draft);

  const go = (s: Step) => {
    setStep(s);
    requestAnimationFrame(() => document.getElementById("wizard-step-title")?.focus());
  };

  return (
    <div className="space-y-4">
      <PageHeader title={initial ? initial.name : t("title")} back={{ href: "/campaigns", label: t("back") }}>
        {writer && id && (
          <DeleteCampaign campaign={{ id, name: draft.name || (initial?.name ?? ""), status: "draft" }} />
        )}
      </PageHeader>
      <nav aria-label={t("stepsLabel")}>
        <ol className="flex flex-wrap gap-1">
          {STEPS.map((s, i) => (
            <li key={s}>
              <button
                type="button"
                disabled={!reachable(i)}
                aria-current={s === step ? "step" : undefined}
                onClick={() => go(s)}
                className={cn(
                  "flex items-center gap-1.5 rounded-full border px-3 py-1 text-sm outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50 disabled:opacity-50",
                  s === step ? "border-primary bg-primary text-primary-foreground" : "hover:bg-accent",
                )}
              >
                <span className="tabular-nums">
                  {i < index ? <CheckIcon className="size-3.5" aria-hidden /> : i + 1}
                </span>
                {t(`step.${s}`)}
              </button>
            </li>
          ))}
        </ol>
      </nav>
      <section aria-labelledby="wizard-step-title" className="rounded-xl border bg-card p-4 sm:p-6">
        <h2 id="wizard-step-title" tabIndex={-1} className="mb-4 font-semibold text-lg outline-none">
          {t(`step.${step}`)}
        </h2>
        <fieldset disabled={!writer} className="min-w-0">
          {step === "audience" && <StepAudience draft={draft} set={set} />}
          {step === "template" && <StepTemplate draft={draft} set={set} />}
          {step === "senders" && <StepSenders draft={draft} set={set} />}
          {step === "schedule" && <StepSchedule draft={draft} set={set} />}
          {step === "pacing" && <StepPacing draft={draft} set={set} />}
        </fieldset>
        {step === "review" && <StepReview draft={draft} id={id} onSaved={setId} writer={writer} />}
      </section>
      <div className="flex flex-wrap items-center gap-2">
        {index > 0 && (
          <Button type="button" variant="outline" onClick={() => go(STEPS[index - 1] ?? "audience")}>
            {t("previous")}
          </Button>
        )}
        {index < STEPS.length - 1 && (
          <Button
            type="button"
            data-testid="wizard-next"
            disabled={block !== null}
            aria-describedby={block ? "wizard-blocker" : undefined}
            onClick={() => go(STEPS[index + 1] ?? "review")}
          >
            {t("next")}
          </Button>
        )}
        {block && (
          <p id="wizard-blocker" className="text-muted-foreground text-sm">
            {t(`blocker.${block}`)}
          </p>
        )}
      </div>
    </div>
  );
}
