"use client";

import { ZStartRefusal } from "@mirage/contracts/campaign-checks";
import { useQueryClient } from "@tanstack/react-query";
import { CircleAlertIcon, PlayIcon } from "lucide-react";
import { useRouter } from "next/navigation";
import { useFormatter, useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";
import { ErrorBox } from "@/components/page-parts";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { useInstances } from "@/features/instances/queries";
import { useSession } from "@/features/shell/session-context";
import { formatWhatsApp } from "@/features/templates/whatsapp-format";
import { zoneLabel } from "@/lib/time-zone";
import { useErrorMessage } from "@/lib/use-error-message";
import { ColumnTable } from "../column-table";
import { useCampaignAction, useDryRun, useSaveCampaign, useStartCheck } from "../queries";
import { type Draft, requestOf, zonedToIso } from "./draft";
import { RecipientCell } from "./recipient-cell";
import { ReviewWhen } from "./review-when";
import { usePaceWords } from "./step-pacing";

/** The refusal codes this dashboard has words for; a code from a newer API shows the API's own message. */
const REFUSALS: ReadonlySet<string> = new Set(ZStartRefusal.options);

/**
 * Saves the draft, then shows what the API says: every reason it would refuse to start (Start stays disabled and
 * lists them), and a dry run of the first sends — who, from which number, and about when, paced as the engine sends
 * (one at a time per number at the profile's average, numbers side by side), not all at a window's opening.
 */
export function StepReview(props: { draft: Draft; id: string | null; onSaved: (id: string) => void; writer: boolean }) {
  const t = useTranslations("campaignWizard.review");
  const format = useFormatter();
  const router = useRouter();
  const qc = useQueryClient();
  const { org } = useSession();
  const { toastError } = useErrorMessage();
  const save = useSaveCampaign();
  const [version, setVersion] = useState(0);
  const [saved, setSaved] = useState(props.id !== null && !props.writer);
  const id = saved ? props.id : null;
  const check = useStartCheck(id);
  const dry = useDryRun(id, version);
  const start = useCampaignAction(props.id ?? "none");
  const instances = useInstances();
  const pace = usePaceWords()(props.draft);
  const { draft, onSaved } = props;
  const once = useRef(false);

  // Entering the review saves the draft (creating it the first time), so the API can judge and plan it.
  useEffect(() => {
    if (once.current || !props.writer) return;
    once.current = true;
    save.mutate(
      { id: props.id, body: requestOf(draft) },
      {
        onSuccess: (c) => {
          onSaved(c.id);
          setSaved(true);
          // A key never used before: an earlier visit's dry run (another template) is never shown as this one.
          setVersion(Date.now());
          void qc.invalidateQueries({ queryKey: ["campaign-start-check", org.id, c.id] });
          void qc.invalidateQueries({ queryKey: ["campaign-dry-run", org.id, c.id] });
        },
        onError: toastError,
      },
    );
  }, [props.writer, props.id, draft, onSaved, save, qc, org.id, toastError]);

  const nameOf = (instanceId: string) => instances.data?.items.find((i) => i.id === instanceId)?.name ?? "—";
  const refusals = check.data?.refusals ?? [];
  const startsAt = zonedToIso(draft.startsAt, draft.timezone);
  const later = startsAt !== null && new Date(startsAt) > new Date();
  const canStart = props.writer && saved && check.data?.startable === true && !start.isPending;

  return (
    <div className="space-y-6">
      <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[auto_1fr]">
        <dt className="text-muted-foreground">{t("name")}</dt>
        <dd>{draft.name}</dd>
        <dt className="text-muted-foreground">{t("senders")}</dt>
        <dd>{draft.senderIds.map(nameOf).join(", ")}</dd>
        <dt className="text-muted-foreground">{t("when")}</dt>
        <dd>
          <ReviewWhen draft={draft} />
        </dd>
        <dt className="text-muted-foreground">{t("pace")}</dt>
        <dd>{pace.sentence}</dd>
      </dl>

      {save.isPending || (!saved && props.writer) ? (
        <p className="text-muted-foreground text-sm" aria-live="polite">
          {t("saving")}
        </p>
      ) : save.error ? (
        <ErrorBox error={save.error} />
      ) : null}

      {check.data && !check.data.startable && (
        <div
          id="start-refusals"
          role="alert"
          className="rounded-md border border-destructive/40 bg-destructive/10 p-3 text-sm"
          data-testid="start-refusals"
        >
          <p className="mb-1 flex items-center gap-1.5 font-medium">
            <CircleAlertIcon className="size-4" aria-hidden /> {t("refusedTitle")}
          </p>
          <ul className="list-disc space-y-0.5 pl-5">
            {refusals.map((r) => (
              <li key={`${r.code}-${r.message}`} data-code={r.code}>
                {REFUSALS.has(r.code) ? t(`refusal.${r.code}`) : r.message}
                {r.code === "unknown_variable" && ` (${r.message})`}
              </li>
            ))}
          </ul>
        </div>
      )}

      <section aria-labelledby="dry-run-title" className="space-y-2">
        <h3 id="dry-run-title" className="font-medium">
          {t("dryRunTitle")}
        </h3>
        <p className="text-muted-foreground text-sm">{t("dryRunHelp")}</p>
        {dry.error ? (
          <ErrorBox error={dry.error} />
        ) : !dry.data ? (
          <Skeleton className="h-32" />
        ) : dry.data.items.length === 0 ? (
          <p className="text-sm">{t("dryRunEmpty")}</p>
        ) : (
          <ColumnTable
            look="boxed"
            labelledBy="dry-run-title"
            testId="dry-run"
            heads={[t("who"), t("from"), `${t("at")} (${zoneLabel(draft.timezone)})`, t("text")]}
          >
            {dry.data.items.map((x) => (
              <tr
                key={`${x.phone}-${x.instanceId}`}
                className="border-t align-top"
                data-testid="dry-run-row"
                data-at={x.at ?? ""}
                data-instance={x.instanceId}
              >
                <td className="px-3 py-2">
                  <RecipientCell name={x.contactName} phone={x.phone} />
                </td>
                <td className="px-3 py-2">{nameOf(x.instanceId)}</td>
                <td className="px-3 py-2 whitespace-nowrap">
                  {x.at
                    ? format.dateTime(new Date(x.at), {
                        dateStyle: "short",
                        timeStyle: "medium",
                        timeZone: draft.timezone,
                      })
                    : "—"}
                  {x.blockedReason && (
                    <span className="block text-muted-foreground text-xs">
                      {t(`blocked.${x.blockedReason as "outside_window"}`)}
                    </span>
                  )}
                </td>
                <td className="max-w-md px-3 py-2 whitespace-pre-wrap">{formatWhatsApp(x.text)}</td>
              </tr>
            ))}
          </ColumnTable>
        )}
        {dry.data && (
          <p className="text-muted-foreground text-sm">
            {t("total", { count: dry.data.total, n: format.number(dry.data.total) })}
          </p>
        )}
      </section>

      {props.writer && (
        <div className="flex flex-wrap items-center gap-3">
          <Button
            type="button"
            size="lg"
            data-testid="start-campaign"
            disabled={!canStart}
            aria-describedby={refusals.length > 0 ? "start-refusals" : undefined}
            onClick={() =>
              start.mutate(
                { action: "start", now: !later },
                {
                  onSuccess: (c) => router.push(`/campaigns/${c.id}`),
                  onError: (err) => {
                    toastError(err);
                    void check.refetch();
                  },
                },
              )
            }
          >
            <PlayIcon aria-hidden /> {later ? t("schedule") : t("start")}
          </Button>
          {!check.data?.startable && check.data && <p className="text-muted-foreground text-sm">{t("fixFirst")}</p>}
        </div>
      )}
    </div>
  );
}
