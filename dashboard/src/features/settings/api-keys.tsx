"use client";

import type { TApiKey } from "@mirage/contracts/api-keys";
import { type TApiKeyScope, ZApiKeyScope } from "@mirage/contracts/enums";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { KeyRoundIcon, PlusIcon } from "lucide-react";
import { useFormatter, useTranslations } from "next-intl";
import { type FormEvent, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useSession } from "@/features/shell/session-context";
import { api } from "@/lib/api";
import { toast } from "@/lib/toast";
import { useErrorMessage } from "@/lib/use-error-message";
import { ConfirmButton, ShownOnce } from "./confirm-button";

/** The catalogue key of a scope's label: `messages:send` keeps the key its former name `send` had. */
const scopeKey = (s: TApiKeyScope) => (s === "messages:send" ? "send" : s);

export function ApiKeys() {
  const t = useTranslations("apiKeys");
  const tc = useTranslations("common");
  const format = useFormatter();
  const { org } = useSession();
  const qc = useQueryClient();
  const { toastError } = useErrorMessage();
  const key = ["api-keys", org.id];
  const keys = useQuery({ queryKey: key, queryFn: () => api<{ items: TApiKey[] }>(`/orgs/${org.id}/api-keys`) });
  const revoke = useMutation({
    mutationFn: (id: string) => api(`/orgs/${org.id}/api-keys/${id}`, { method: "DELETE" }),
    onSuccess: () => {
      toast.success(t("revoked"));
      void qc.invalidateQueries({ queryKey: key });
    },
    onError: toastError,
  });
  const items = keys.data?.items ?? [];
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="mr-auto font-semibold text-2xl">{t("title")}</h1>
        <CreateKey onDone={() => void qc.invalidateQueries({ queryKey: key })} />
      </div>
      {keys.data && items.length === 0 ? (
        <div className="flex flex-col items-center gap-2 rounded-xl border border-dashed p-8 text-center">
          <KeyRoundIcon className="size-8 text-muted-foreground" aria-hidden />
          <p className="font-medium">{t("emptyTitle")}</p>
          <p className="max-w-md text-muted-foreground text-sm">{t("emptyBody")}</p>
        </div>
      ) : (
        <Table>
          <TableHeader>
            <TableRow>
              <TableHead>{t("name")}</TableHead>
              <TableHead>{t("prefix")}</TableHead>
              <TableHead>{t("scopes")}</TableHead>
              <TableHead>{t("lastUsed")}</TableHead>
              <TableHead>{t("state")}</TableHead>
              <TableHead>
                <span className="sr-only">{tc("actions")}</span>
              </TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {items.map((k) => (
              <TableRow key={k.id}>
                <TableCell className="font-medium">{k.name}</TableCell>
                <TableCell className="font-mono text-xs">{k.prefix}…</TableCell>
                <TableCell>
                  <span className="flex flex-wrap gap-1">
                    {k.scopes.map((s) => (
                      <Badge key={s} variant="secondary">
                        {t(`scope.${scopeKey(s)}`)}
                      </Badge>
                    ))}
                  </span>
                </TableCell>
                <TableCell>{k.lastUsedAt ? format.relativeTime(new Date(k.lastUsedAt)) : t("never")}</TableCell>
                <TableCell>
                  {k.revokedAt ? (
                    <Badge variant="destructive">{t("revokedState")}</Badge>
                  ) : (
                    <Badge variant="success">{t("active")}</Badge>
                  )}
                </TableCell>
                <TableCell className="text-right">
                  {!k.revokedAt && (
                    <ConfirmButton
                      label={t("revoke")}
                      title={t("revokeTitle", { name: k.name })}
                      body={t("revokeBody")}
                      onConfirm={() => revoke.mutate(k.id)}
                    />
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </div>
  );
}

function CreateKey({ onDone }: { onDone: () => void }) {
  const t = useTranslations("apiKeys");
  const tc = useTranslations("common");
  const { org } = useSession();
  const { describe } = useErrorMessage();
  const [open, setOpen] = useState(false);
  const create = useMutation({
    mutationFn: (body: { name: string; scopes: TApiKeyScope[] }) =>
      api<TApiKey & { key: string }>(`/orgs/${org.id}/api-keys`, { method: "POST", body }),
    onSuccess: onDone,
  });
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    create.mutate({ name: String(f.get("name")), scopes: f.getAll("scopes").map(String) as TApiKeyScope[] });
  };
  const err = create.error ? describe(create.error) : null;
  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        if (!o) create.reset();
      }}
    >
      <DialogTrigger asChild>
        <Button>
          <PlusIcon aria-hidden /> {t("create")}
        </Button>
      </DialogTrigger>
      <DialogContent closeLabel={tc("close")}>
        <DialogHeader>
          <DialogTitle>{t("createTitle")}</DialogTitle>
          <DialogDescription>{t("createHelp")}</DialogDescription>
        </DialogHeader>
        {create.data ? (
          <ShownOnce value={create.data.key} warning={t("shownOnce")} copyLabel={tc("copy")} />
        ) : (
          <form onSubmit={onSubmit} className="grid gap-4">
            <div className="grid gap-2">
              <Label htmlFor="key-name">{t("name")}</Label>
              <Input id="key-name" name="name" required maxLength={100} placeholder="n8n" />
            </div>
            <fieldset className="grid gap-2">
              <legend className="mb-1 font-medium text-sm">{t("scopes")}</legend>
              {ZApiKeyScope.options.map((s) => (
                <label key={s} className="flex items-start gap-2 text-sm">
                  <input
                    type="checkbox"
                    name="scopes"
                    value={s}
                    defaultChecked={s === "read"}
                    className="mt-0.5 size-4"
                  />
                  <span>
                    <span className="font-medium">{t(`scope.${scopeKey(s)}`)}</span>
                    <span className="block text-muted-foreground text-xs">{t(`scopeHelp.${scopeKey(s)}`)}</span>
                  </span>
                </label>
              ))}
            </fieldset>
            {err && (
              <p role="alert" className="text-destructive text-sm">
                {err.title} {err.detail && <span className="text-muted-foreground">({err.detail})</span>}
              </p>
            )}
            <DialogFooter>
              <Button type="submit" disabled={create.isPending}>
                {t("create")}
              </Button>
            </DialogFooter>
          </form>
        )}
      </DialogContent>
    </Dialog>
  );
}
