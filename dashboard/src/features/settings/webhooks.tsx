"use client";

import {
  type TCreateWebhookRequest,
  type TWebhookDelivery,
  type TWebhookDeliveryDetail,
  type TWebhookEndpoint,
  ZWebhookEventType,
} from "@mirage/contracts/webhooks";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { PlusIcon, WebhookIcon } from "lucide-react";
import { useFormatter, useTranslations } from "next-intl";
import { useCallback, useState } from "react";
import { PageHeader } from "@/components/page-parts";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from "@/components/ui/dialog";
import { Input, NativeSelect } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { TableCell, TableRow } from "@/components/ui/table";
import { useSession } from "@/features/shell/session-context";
import { api } from "@/lib/api";
import { toast } from "@/lib/toast";
import { useDelete } from "@/lib/use-delete";
import { useErrorMessage } from "@/lib/use-error-message";
import { ActionsCell, ShownOnce } from "./confirm-button";
import { labelOf } from "./labels";
import { SettingsTable } from "./settings-table";
import { EmptyState, FormDialog } from "./settings-ui";
import { shownEvents } from "./webhook-events";
import { RotateSecret } from "./webhook-rotate";

const DELIVERY_TONE = {
  delivered: "success",
  pending: "secondary",
  delivering: "secondary",
  failed: "warning",
  dead: "destructive",
} as const;

export function Webhooks() {
  const t = useTranslations("webhooks");
  const eventLabel = useEventLabel();
  const tc = useTranslations("common");
  const { org } = useSession();
  const qc = useQueryClient();
  const { toastError } = useErrorMessage();
  const key = ["webhooks", org.id];
  const endpoints = useQuery({
    queryKey: key,
    queryFn: () => api<{ items: TWebhookEndpoint[] }>(`/orgs/${org.id}/webhooks`),
  });
  const [selected, setSelected] = useState<string | null>(null);
  const invalidate = () => void qc.invalidateQueries({ queryKey: key });
  const patch = useMutation({
    mutationFn: (v: { id: string; enabled: boolean }) =>
      api(`/orgs/${org.id}/webhooks/${v.id}`, { method: "PATCH", body: { enabled: v.enabled } }),
    onSuccess: invalidate,
    onError: toastError,
  });
  const remove = useDelete({
    path: (id) => `/orgs/${org.id}/webhooks/${id}`,
    queryKey: key,
    done: t("deleted"),
    onDone: () => setSelected(null),
  });
  const test = useMutation({
    mutationFn: (id: string) => api(`/orgs/${org.id}/webhooks/${id}/test`, { method: "POST" }),
    onSuccess: (_r, id) => {
      toast.success(t("testQueued"));
      void qc.invalidateQueries({ queryKey: ["deliveries", org.id, id] });
    },
    onError: toastError,
  });
  const items = endpoints.data?.items ?? [];
  const current = items.find((e) => e.id === selected) ?? items[0];
  return (
    <div className="space-y-4">
      <PageHeader title={t("title")}>
        <CreateEndpoint onDone={invalidate} />
      </PageHeader>
      <SettingsTable
        heads={[t("url"), t("events"), t("enabled")]}
        empty={
          endpoints.data &&
          items.length === 0 && <EmptyState icon={WebhookIcon} title={t("emptyTitle")} body={t("emptyBody")} />
        }
      >
        {items.map((e) => (
          <TableRow key={e.id} data-webhook={e.url} data-selected={current?.id === e.id ? "" : undefined}>
            <TableCell className="max-w-72">
              <button
                type="button"
                className="truncate text-left font-medium hover:underline"
                onClick={() => setSelected(e.id)}
              >
                {e.url}
              </button>
              {e.description && <p className="text-muted-foreground text-xs">{e.description}</p>}
              {e.format === "evolution" && <p className="text-muted-foreground text-xs">{t("evolutionFormat")}</p>}
            </TableCell>
            <TableCell className="text-xs" title={shownEvents(e).join(", ") || undefined}>
              {shownEvents(e).length === 0 ? t("allEvents") : shownEvents(e).map(eventLabel).join(", ")}
            </TableCell>
            <TableCell>
              <input
                type="checkbox"
                className="size-4"
                aria-label={t("enabledFor", { url: e.url })}
                checked={e.enabled}
                disabled={e.format === "evolution"}
                onChange={(ev) => patch.mutate({ id: e.id, enabled: ev.target.checked })}
              />
            </TableCell>
            <ActionsCell
              remove={{
                label: tc("delete"),
                title: t("deleteTitle"),
                body: t("deleteBody", { url: e.url }),
                onConfirm: () => remove.mutate(e.id),
              }}
            >
              <Button
                variant="ghost"
                size="sm"
                onClick={() => test.mutate(e.id)}
                disabled={!e.enabled || e.format === "evolution"}
              >
                {t("test")}
              </Button>
              <RotateSecret endpoint={e} />
            </ActionsCell>
          </TableRow>
        ))}
      </SettingsTable>
      {current && <Deliveries endpoint={current} />}
    </div>
  );
}

function Deliveries({ endpoint }: { endpoint: TWebhookEndpoint }) {
  const t = useTranslations("webhooks");
  const eventLabel = useEventLabel();
  const format = useFormatter();
  const { org } = useSession();
  const [status, setStatus] = useState("");
  const [open, setOpen] = useState<number | null>(null);
  const deliveries = useQuery({
    queryKey: ["deliveries", org.id, endpoint.id, status],
    queryFn: () =>
      api<{ items: TWebhookDelivery[] }>(
        `/orgs/${org.id}/webhooks/${endpoint.id}/deliveries?limit=50${status ? `&status=${status}` : ""}`,
      ),
    refetchInterval: 10_000,
  });
  return (
    <Card>
      <CardHeader className="flex-row flex-wrap items-center gap-3">
        <CardTitle className="mr-auto">{t("deliveriesOf", { url: endpoint.url })}</CardTitle>
        <Label htmlFor="delivery-status" className="sr-only">
          {t("statusFilter")}
        </Label>
        <NativeSelect id="delivery-status" className="w-44" value={status} onChange={(e) => setStatus(e.target.value)}>
          <option value="">{t("allStatuses")}</option>
          {Object.keys(DELIVERY_TONE).map((s) => (
            <option key={s} value={s}>
              {t(`delivery.${s}`)}
            </option>
          ))}
        </NativeSelect>
      </CardHeader>
      <CardContent>
        <SettingsTable
          heads={[t("when"), t("event"), t("deliveryStatus"), t("attempts")]}
          empty={
            deliveries.data?.items.length === 0 && <p className="text-muted-foreground text-sm">{t("noDeliveries")}</p>
          }
        >
          {(deliveries.data?.items ?? []).map((d) => (
            <TableRow key={d.id}>
              <TableCell className="whitespace-nowrap">
                {format.dateTime(new Date(d.createdAt), { dateStyle: "short", timeStyle: "medium" })}
              </TableCell>
              <TableCell title={d.eventType}>
                <span className="block">{eventLabel(d.eventType)}</span>
                <span className="block font-mono text-muted-foreground text-xs">{d.eventType}</span>
              </TableCell>
              <TableCell>
                <Badge variant={DELIVERY_TONE[d.status]}>{t(`delivery.${d.status}`)}</Badge>
                {d.lastStatusCode !== null && (
                  <span className="ml-2 text-muted-foreground text-xs">HTTP {d.lastStatusCode}</span>
                )}
              </TableCell>
              <TableCell className="tabular-nums">{d.attempts}</TableCell>
              <TableCell className="text-right">
                <Button variant="ghost" size="sm" onClick={() => setOpen(d.id)}>
                  {t("details")}
                </Button>
              </TableCell>
            </TableRow>
          ))}
        </SettingsTable>
        {open !== null && <DeliveryDialog endpointId={endpoint.id} deliveryId={open} onClose={() => setOpen(null)} />}
      </CardContent>
    </Card>
  );
}

function DeliveryDialog({
  endpointId,
  deliveryId,
  onClose,
}: {
  endpointId: string;
  deliveryId: number;
  onClose: () => void;
}) {
  const t = useTranslations("webhooks");
  const eventLabel = useEventLabel();
  const tc = useTranslations("common");
  const { org } = useSession();
  const qc = useQueryClient();
  const { toastError } = useErrorMessage();
  const detail = useQuery({
    queryKey: ["delivery", org.id, endpointId, deliveryId],
    queryFn: () => api<TWebhookDeliveryDetail>(`/orgs/${org.id}/webhooks/${endpointId}/deliveries/${deliveryId}`),
  });
  const redeliver = useMutation({
    mutationFn: () =>
      api(`/orgs/${org.id}/webhooks/${endpointId}/deliveries/${deliveryId}/redeliver`, { method: "POST" }),
    onSuccess: () => {
      toast.success(t("redelivered"));
      void qc.invalidateQueries({ queryKey: ["deliveries", org.id, endpointId] });
      void qc.invalidateQueries({ queryKey: ["delivery", org.id, endpointId, deliveryId] });
    },
    onError: toastError,
  });
  return (
    <Dialog open onOpenChange={(o) => !o && onClose()}>
      <DialogContent closeLabel={tc("close")} className="sm:max-w-2xl">
        <DialogHeader>
          <DialogTitle>{t("deliveryTitle", { id: deliveryId })}</DialogTitle>
          <DialogDescription>
            {detail.data ? `${eventLabel(detail.data.eventType)} (${detail.data.eventType})` : ""}
          </DialogDescription>
        </DialogHeader>
        {detail.data?.lastError && (
          <div role="alert" className="rounded-md border border-destructive/40 bg-destructive/10 p-3 text-sm">
            <p className="font-medium">{t("lastError")}</p>
            <p className="break-all text-muted-foreground">{detail.data.lastError}</p>
          </div>
        )}
        <div>
          <p className="mb-1 font-medium text-sm">{t("payload")}</p>
          <pre className="max-h-72 overflow-auto rounded bg-muted p-3 text-xs">
            {detail.data ? JSON.stringify(detail.data.payload, null, 2) : "…"}
          </pre>
        </div>
        <DialogFooter>
          <Button
            onClick={() => redeliver.mutate()}
            disabled={redeliver.isPending || detail.data?.status === "pending"}
          >
            {t("redeliver")}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

function CreateEndpoint({ onDone }: { onDone: () => void }) {
  const t = useTranslations("webhooks");
  const eventLabel = useEventLabel();
  const tc = useTranslations("common");
  const { org } = useSession();
  const create = useMutation({
    mutationFn: (body: TCreateWebhookRequest) =>
      api<TWebhookEndpoint & { secret: string }>(`/orgs/${org.id}/webhooks`, { method: "POST", body }),
    onSuccess: onDone,
  });
  const onSubmit = (f: FormData) => {
    const description = String(f.get("description") ?? "");
    create.mutate({
      url: String(f.get("url")),
      events: f.getAll("events").map(String) as TCreateWebhookRequest["events"],
      enabled: true,
      ...(description ? { description } : {}),
    });
  };
  return (
    <FormDialog
      onClose={() => create.reset()}
      trigger={{ label: t("add"), icon: PlusIcon }}
      title={t("addTitle")}
      description={t("addHelp")}
      submitLabel={t("add")}
      pending={create.isPending}
      error={create.error}
      onSubmit={onSubmit}
      result={create.data && <ShownOnce value={create.data.secret} warning={t("secretOnce")} copyLabel={tc("copy")} />}
    >
      <div className="grid gap-2">
        <Label htmlFor="wh-url">{t("url")}</Label>
        <Input id="wh-url" name="url" type="url" required placeholder="https://example.com/hooks/mirage" />
      </div>
      <div className="grid gap-2">
        <Label htmlFor="wh-desc">{t("description")}</Label>
        <Input id="wh-desc" name="description" maxLength={500} />
      </div>
      <fieldset className="grid grid-cols-2 gap-2">
        <legend className="mb-1 font-medium text-sm">{t("eventsHelp")}</legend>
        {ZWebhookEventType.options.map((ev) => (
          <label key={ev} className="flex items-center gap-2 text-sm" title={ev}>
            <input type="checkbox" name="events" value={ev} className="size-4" />
            <span>
              {eventLabel(ev)} <span className="font-mono text-muted-foreground text-xs">{ev}</span>
            </span>
          </label>
        ))}
      </fieldset>
    </FormDialog>
  );
}

/** A webhook event's human label (`message:status` → "Message status changed"), or its id when unknown. */
function useEventLabel() {
  const t = useTranslations("webhooks");
  return useCallback((id: string) => labelOf(t, "eventNames", id), [t]);
}
