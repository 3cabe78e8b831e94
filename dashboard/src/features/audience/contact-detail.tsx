"use client";

import type { TContactActivity } from "@mirage/contracts/contacts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ArrowLeftIcon, DownloadIcon, ListPlusIcon, PencilIcon, Trash2Icon } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useFormatter, useTranslations } from "next-intl";
import { ConfirmDialog } from "@/components/confirm-dialog";
import { ErrorBox } from "@/components/page-parts";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { useSession } from "@/features/shell/session-context";
import { api, saveBlob } from "@/lib/api";
import { toast } from "@/lib/toast";
import { useErrorMessage } from "@/lib/use-error-message";
import { AddToListDialog } from "./add-to-list-dialog";
import { ConsentDialog, ContactEditDialog } from "./contact-edit-dialogs";
import { ContactOptOutBanner } from "./contact-opt-out-banner";
import { fieldText } from "./custom-field-edits";
import { CustomFieldsDialog } from "./custom-fields-dialog";
import { audienceKeys, useConsentHistory, useContact, useContactActivity } from "./queries";
import { useAudienceWriter } from "./ui-bits";

/** One contact: numbers, custom fields, consent history, conversations, campaigns; LGPD export and erasure. */
export function ContactDetail({ id }: { id: string }) {
  const t = useTranslations("contactPage");
  const tc = useTranslations("contacts");
  const { org } = useSession();
  const contact = useContact(id);
  const consent = useConsentHistory(id);
  const activity = useContactActivity(id);
  const writer = useAudienceWriter();
  const format = useFormatter();
  const { toastError } = useErrorMessage();
  const router = useRouter();
  const qc = useQueryClient();

  const exportData = useMutation({
    mutationFn: () => api<unknown>(`/orgs/${org.id}/contacts/${id}/export`),
    onSuccess: (data) => {
      saveBlob(new Blob([JSON.stringify(data, null, 2)], { type: "application/json" }), `contact-${id}.json`);
      toast.success(t("exported"));
    },
    onError: toastError,
  });
  const erase = useMutation({
    mutationFn: () => api<{ messagesDeleted: number }>(`/orgs/${org.id}/contacts/${id}/erase`, { method: "POST" }),
    onSuccess: (r) => {
      toast.success(t("erased"), { description: t("erasedDetail", { count: r.messagesDeleted }) });
      void qc.invalidateQueries({ queryKey: audienceKeys.contacts(org.id) });
      router.push("/contacts");
    },
    onError: toastError,
  });

  if (contact.isPending) return <Skeleton className="h-64" />;
  if (contact.error) return <ErrorBox error={contact.error} />;
  const c = contact.data;
  const fields = Object.entries(c.customFields);
  const date = (iso: string) => format.dateTime(new Date(iso), { dateStyle: "medium", timeStyle: "short" });

  return (
    <div className="space-y-4">
      <Link href="/contacts" className="inline-flex items-center gap-1 text-muted-foreground text-sm hover:underline">
        <ArrowLeftIcon className="size-4" aria-hidden />
        {t("back")}
      </Link>
      <div className="flex flex-wrap items-start gap-3">
        <div className="mr-auto min-w-0">
          <h1 className="truncate font-semibold text-2xl">{c.name ?? tc("noName")}</h1>
          <p className="text-muted-foreground tabular-nums">{c.phone}</p>
        </div>
        {writer && (
          <>
            <ContactEditDialog contact={c}>
              <Button variant="outline" data-testid="edit-contact">
                <PencilIcon aria-hidden />
                {tc("edit.open")}
              </Button>
            </ContactEditDialog>
            <AddToListDialog contactIds={[c.id]}>
              <Button variant="outline" data-testid="contact-add-to-list">
                <ListPlusIcon aria-hidden />
                {tc("addToList.open")}
              </Button>
            </AddToListDialog>
            <Button variant="outline" onClick={() => exportData.mutate()} disabled={exportData.isPending}>
              <DownloadIcon aria-hidden />
              {t("export")}
            </Button>
            <ConfirmDialog
              trigger={
                <Button variant="destructive" data-testid="erase-contact">
                  <Trash2Icon aria-hidden />
                  {t("erase")}
                </Button>
              }
              title={t("eraseTitle", { name: c.name ?? c.phone })}
              body={t("eraseBody")}
              cancelLabel={t("cancel")}
              actionLabel={t("eraseConfirm")}
              destructive
              onConfirm={() => erase.mutate()}
            >
              <ul className="list-disc space-y-1 pl-5 text-sm">
                <li>{t("eraseWhat1")}</li>
                <li>{t("eraseWhat2")}</li>
                <li>{t("eraseWhat3")}</li>
                <li>{t("eraseWhat4")}</li>
              </ul>
            </ConfirmDialog>
          </>
        )}
      </div>
      <ContactOptOutBanner contact={c} />
      <div className="grid gap-4 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>{t("numbers")}</CardTitle>
          </CardHeader>
          <CardContent>
            <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
              <dt className="text-muted-foreground">{t("primary")}</dt>
              <dd className="tabular-nums">
                {c.phone}{" "}
                {c.lineType && (
                  <Badge variant="outline">
                    {t.has(`lineType.${c.lineType}`) ? t(`lineType.${c.lineType}` as "lineType.mobile") : c.lineType}
                  </Badge>
                )}
              </dd>
              {c.altPhones.map((p, i) => (
                <Field key={p} label={i === 0 ? t("others") : ""} value={p} />
              ))}
              <dt className="text-muted-foreground">{t("waLid")}</dt>
              <dd>{c.waLid ?? "—"}</dd>
              <dt className="text-muted-foreground">{tc("tags")}</dt>
              <dd className="flex flex-wrap gap-1">
                {c.tags.length === 0
                  ? "—"
                  : c.tags.map((tag) => (
                      <Badge key={tag} variant="outline">
                        {tag}
                      </Badge>
                    ))}
              </dd>
              <dt className="text-muted-foreground">{tc("added")}</dt>
              <dd>{date(c.createdAt)}</dd>
            </dl>
          </CardContent>
        </Card>
        <Card>
          <CardHeader className="flex flex-row items-center justify-between gap-2">
            <CardTitle>{t("customFields")}</CardTitle>
            {writer && (
              <CustomFieldsDialog contact={c}>
                <Button variant="outline" size="sm" data-testid="edit-custom-fields">
                  <PencilIcon aria-hidden />
                  {t("fields.open")}
                </Button>
              </CustomFieldsDialog>
            )}
          </CardHeader>
          <CardContent>
            {fields.length === 0 ? (
              <p className="text-muted-foreground text-sm">{t("noCustomFields")}</p>
            ) : (
              <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm" data-testid="custom-fields">
                {fields.map(([k, v]) => (
                  <Field key={k} label={k} value={fieldText(v)} />
                ))}
              </dl>
            )}
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>{t("consent")}</CardTitle>
          </CardHeader>
          <CardContent className="space-y-2 text-sm">
            <p>
              {t("consentNow")} <Badge variant="outline">{tc(`consentState.${c.consent.state}`)}</Badge>
            </p>
            {writer && (
              <div className="flex flex-wrap gap-2">
                <ConsentDialog contact={c} state="opted_in">
                  <Button variant="outline" size="sm" data-testid="consent-opted-in">
                    {tc("consentForm.open.opted_in")}
                  </Button>
                </ConsentDialog>
                <ConsentDialog contact={c} state="opted_out">
                  <Button variant="outline" size="sm" data-testid="consent-opted-out">
                    {tc("consentForm.open.opted_out")}
                  </Button>
                </ConsentDialog>
              </div>
            )}
            {consent.error ? (
              <ErrorBox error={consent.error} />
            ) : (consent.data?.items.length ?? 0) === 0 ? (
              <p className="text-muted-foreground">{t("noConsent")}</p>
            ) : (
              <ol className="space-y-1">
                {consent.data?.items.map((e) => (
                  <li key={e.id} className="flex flex-wrap gap-2">
                    <span className="text-muted-foreground">{date(e.createdAt)}</span>
                    <span>{tc(`consentState.${e.state}`)}</span>
                    <span className="text-muted-foreground">{e.source}</span>
                  </li>
                ))}
              </ol>
            )}
          </CardContent>
        </Card>
        <ActivityCard activity={activity.data} error={activity.error} date={date} />
      </div>
    </div>
  );
}

function Field({ label, value }: { label: string; value: string }) {
  return (
    <>
      <dt className="text-muted-foreground">{label}</dt>
      <dd className="break-words tabular-nums">{value}</dd>
    </>
  );
}

function ActivityCard(props: { activity: TContactActivity | undefined; error: unknown; date: (s: string) => string }) {
  const t = useTranslations("contactPage");
  const { activity, date } = props;
  return (
    <Card>
      <CardHeader>
        <CardTitle>{t("activity")}</CardTitle>
      </CardHeader>
      <CardContent className="space-y-3 text-sm">
        {props.error ? <ErrorBox error={props.error} /> : null}
        <section aria-label={t("conversations")}>
          <h3 className="mb-1 font-medium">{t("conversations")}</h3>
          {(activity?.conversations.length ?? 0) === 0 ? (
            <p className="text-muted-foreground">{t("noConversations")}</p>
          ) : (
            <ul className="space-y-1">
              {activity?.conversations.map((c) => (
                <li key={c.id} className="flex flex-wrap gap-2">
                  <span className="text-muted-foreground">{date(c.lastMessageAt)}</span>
                  <span className="truncate">{c.lastMessagePreview ?? "—"}</span>
                  {c.unreadCount > 0 && <Badge>{t("unread", { count: c.unreadCount })}</Badge>}
                </li>
              ))}
            </ul>
          )}
        </section>
        <section aria-label={t("campaigns")}>
          <h3 className="mb-1 font-medium">{t("campaigns")}</h3>
          {(activity?.campaigns.length ?? 0) === 0 ? (
            <p className="text-muted-foreground">{t("noCampaigns")}</p>
          ) : (
            <ul className="space-y-1">
              {activity?.campaigns.map((c) => (
                <li key={c.campaignId} className="flex flex-wrap gap-2">
                  <span className="font-medium">{c.name}</span>
                  <Badge variant="outline">
                    {t.has(`messageState.${c.lastState}`)
                      ? t(`messageState.${c.lastState}` as "messageState.queued")
                      : c.lastState}
                  </Badge>
                  <span className="text-muted-foreground">{date(c.lastAt)}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
      </CardContent>
    </Card>
  );
}
