"use client";

import type { TApiKey } from "@mirage/contracts/api-keys";
import { type TApiKeyScope, ZApiKeyScope } from "@mirage/contracts/enums";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { KeyRoundIcon, PlusIcon } from "lucide-react";
import { useTranslations } from "next-intl";
import { PageHeader } from "@/components/page-parts";
import { Badge } from "@/components/ui/badge";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { TableCell, TableRow } from "@/components/ui/table";
import { useSession } from "@/features/shell/session-context";
import { api } from "@/lib/api";
import { useDelete } from "@/lib/use-delete";
import { useRelativeTime } from "@/lib/use-relative-time";
import { ActionsCell, ShownOnce } from "./confirm-button";
import { SettingsTable } from "./settings-table";
import { EmptyState, FormDialog } from "./settings-ui";

/** The catalogue key of a scope's label: `messages:send` keeps the key its former name `send` had. */
const scopeKey = (s: TApiKeyScope) => (s === "messages:send" ? "send" : s);

export function ApiKeys() {
  const t = useTranslations("apiKeys");
  const ago = useRelativeTime();
  const { org } = useSession();
  const qc = useQueryClient();
  const key = ["api-keys", org.id];
  const keys = useQuery({ queryKey: key, queryFn: () => api<{ items: TApiKey[] }>(`/orgs/${org.id}/api-keys`) });
  const revoke = useDelete({ path: (id) => `/orgs/${org.id}/api-keys/${id}`, queryKey: key, done: t("revoked") });
  const items = keys.data?.items ?? [];
  return (
    <div className="space-y-4">
      <PageHeader title={t("title")}>
        <CreateKey onDone={() => void qc.invalidateQueries({ queryKey: key })} />
      </PageHeader>
      <SettingsTable
        heads={[t("name"), t("prefix"), t("scopes"), t("lastUsed"), t("state")]}
        empty={
          keys.data &&
          items.length === 0 && <EmptyState icon={KeyRoundIcon} title={t("emptyTitle")} body={t("emptyBody")} />
        }
      >
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
            <TableCell>{k.lastUsedAt ? ago(k.lastUsedAt) : t("never")}</TableCell>
            <TableCell>
              {k.revokedAt ? (
                <Badge variant="destructive">{t("revokedState")}</Badge>
              ) : (
                <Badge variant="success">{t("active")}</Badge>
              )}
            </TableCell>
            <ActionsCell
              remove={
                !k.revokedAt && {
                  label: t("revoke"),
                  title: t("revokeTitle", { name: k.name }),
                  body: t("revokeBody"),
                  onConfirm: () => revoke.mutate(k.id),
                }
              }
            />
          </TableRow>
        ))}
      </SettingsTable>
    </div>
  );
}

function CreateKey({ onDone }: { onDone: () => void }) {
  const t = useTranslations("apiKeys");
  const tc = useTranslations("common");
  const { org } = useSession();
  const create = useMutation({
    mutationFn: (body: { name: string; scopes: TApiKeyScope[] }) =>
      api<TApiKey & { key: string }>(`/orgs/${org.id}/api-keys`, { method: "POST", body }),
    onSuccess: onDone,
  });
  return (
    <FormDialog
      onClose={() => create.reset()}
      trigger={{ label: t("create"), icon: PlusIcon }}
      title={t("createTitle")}
      description={t("createHelp")}
      submitLabel={t("create")}
      pending={create.isPending}
      error={create.error}
      onSubmit={(f) =>
        create.mutate({ name: String(f.get("name")), scopes: f.getAll("scopes").map(String) as TApiKeyScope[] })
      }
      result={create.data && <ShownOnce value={create.data.key} warning={t("shownOnce")} copyLabel={tc("copy")} />}
    >
      <div className="grid gap-2">
        <Label htmlFor="key-name">{t("name")}</Label>
        <Input id="key-name" name="name" required maxLength={100} placeholder="n8n" />
      </div>
      <fieldset className="grid gap-2">
        <legend className="mb-1 font-medium text-sm">{t("scopes")}</legend>
        {ZApiKeyScope.options.map((s) => (
          <label key={s} className="flex items-start gap-2 text-sm">
            <input type="checkbox" name="scopes" value={s} defaultChecked={s === "read"} className="mt-0.5 size-4" />
            <span>
              <span className="font-medium">{t(`scope.${scopeKey(s)}`)}</span>
              <span className="block text-muted-foreground text-xs">{t(`scopeHelp.${scopeKey(s)}`)}</span>
            </span>
          </label>
        ))}
      </fieldset>
    </FormDialog>
  );
}
