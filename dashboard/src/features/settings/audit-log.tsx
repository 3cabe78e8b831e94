"use client";

import type { TAuditEntry } from "@mirage/contracts/audit";
import type { TMember } from "@mirage/contracts/organizations";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useFormatter, useTranslations } from "next-intl";
import { useCallback, useMemo, useState } from "react";
import { Button } from "@/components/ui/button";
import { Input, NativeSelect } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { TableCell, TableRow } from "@/components/ui/table";
import { useSession } from "@/features/shell/session-context";
import { api } from "@/lib/api";
import { labelOf } from "./labels";
import { SettingsTable } from "./settings-table";

type Page = { items: TAuditEntry[]; nextBeforeId?: number | null };

/**
 * The audit log, newest first, paged with `beforeId`. The API has no server-side filters yet, so the filters
 * (action, actor, target) apply to the pages loaded so far; "Load older" fetches more.
 */
export function AuditLog() {
  const t = useTranslations("audit");
  const actionLabel = useAuditLabel("actions");
  const targetLabel = useAuditLabel("targets");
  const format = useFormatter();
  const { org } = useSession();
  const [action, setAction] = useState("");
  const [actor, setActor] = useState("");
  const [target, setTarget] = useState("");
  const log = useInfiniteQuery({
    queryKey: ["audit", org.id],
    initialPageParam: undefined as number | undefined,
    queryFn: ({ pageParam }) =>
      api<Page>(`/orgs/${org.id}/audit-log?limit=100${pageParam ? `&beforeId=${pageParam}` : ""}`),
    getNextPageParam: (last) => last.nextBeforeId ?? undefined,
  });
  const members = useQuery({
    queryKey: ["members", org.id],
    queryFn: () => api<{ items: TMember[] }>(`/orgs/${org.id}/members`),
  });
  const emailOf = useMemo(() => new Map((members.data?.items ?? []).map((m) => [m.userId, m.email])), [members.data]);
  const all = useMemo(() => log.data?.pages.flatMap((p) => p.items) ?? [], [log.data]);
  const targets = useMemo(() => [...new Set(all.map((e) => e.targetType).filter(Boolean))] as string[], [all]);
  const actors = useMemo(
    () => [...new Set(all.map((e) => e.actorUserId ?? e.actorApiKeyId).filter(Boolean))] as string[],
    [all],
  );
  const shown = all.filter(
    (e) =>
      (!action ||
        e.action.includes(action.trim()) ||
        actionLabel(e.action).toLowerCase().includes(action.trim().toLowerCase())) &&
      (!actor || e.actorUserId === actor || e.actorApiKeyId === actor) &&
      (!target || e.targetType === target),
  );
  const who = (e: TAuditEntry) =>
    e.actorApiKeyId ? t("apiKey") : e.actorUserId ? (emailOf.get(e.actorUserId) ?? e.actorUserId) : t("system");

  return (
    <div className="space-y-4">
      <h1 className="font-semibold text-2xl">{t("title")}</h1>
      <div className="grid gap-3 sm:grid-cols-3">
        <div className="grid gap-1">
          <Label htmlFor="audit-action">{t("action")}</Label>
          <Input
            id="audit-action"
            value={action}
            onChange={(e) => setAction(e.target.value)}
            placeholder="instance.delete"
          />
        </div>
        <div className="grid gap-1">
          <Label htmlFor="audit-actor">{t("actor")}</Label>
          <NativeSelect id="audit-actor" value={actor} onChange={(e) => setActor(e.target.value)}>
            <option value="">{t("anyone")}</option>
            {actors.map((a) => (
              <option key={a} value={a}>
                {emailOf.get(a) ?? a}
              </option>
            ))}
          </NativeSelect>
        </div>
        <div className="grid gap-1">
          <Label htmlFor="audit-target">{t("target")}</Label>
          <NativeSelect id="audit-target" value={target} onChange={(e) => setTarget(e.target.value)}>
            <option value="">{t("anything")}</option>
            {targets.map((x) => (
              <option key={x} value={x}>
                {targetLabel(x)}
              </option>
            ))}
          </NativeSelect>
        </div>
      </div>
      <SettingsTable
        heads={[t("when"), t("actor"), t("action"), t("target"), t("ip")]}
        actions={false}
        empty={
          log.data &&
          shown.length === 0 && (
            <p className="rounded-xl border border-dashed p-8 text-center text-muted-foreground text-sm">
              {t("empty")}
            </p>
          )
        }
      >
        {shown.map((e) => (
          <TableRow key={e.id}>
            <TableCell className="whitespace-nowrap">
              {format.dateTime(new Date(e.createdAt), { dateStyle: "short", timeStyle: "medium" })}
            </TableCell>
            <TableCell className="max-w-48 truncate">{who(e)}</TableCell>
            <TableCell title={e.action}>
              <span className="block">{actionLabel(e.action)}</span>
              <span className="block font-mono text-muted-foreground text-xs">{e.action}</span>
            </TableCell>
            <TableCell title={e.targetType ? `${e.targetType} ${e.targetId ?? ""}` : undefined}>
              {e.targetType ? (
                <>
                  <span className="block">{targetLabel(e.targetType)}</span>
                  {e.targetId && (
                    <span className="block max-w-56 truncate font-mono text-muted-foreground text-xs">
                      {e.targetId}
                    </span>
                  )}
                </>
              ) : (
                "—"
              )}
            </TableCell>
            <TableCell className="text-muted-foreground text-xs">{e.ip ?? "—"}</TableCell>
          </TableRow>
        ))}
      </SettingsTable>
      {log.hasNextPage && (
        <Button variant="outline" onClick={() => void log.fetchNextPage()} disabled={log.isFetchingNextPage}>
          {t("older")}
        </Button>
      )}
    </div>
  );
}

/**
 * Human labels for the audit log's actions (`actions`) or target types (`targets`), or the id itself when this
 * version has no label for it; the table shows the id under the label for admins.
 */
function useAuditLabel(group: "actions" | "targets") {
  const t = useTranslations("audit");
  return useCallback((id: string) => labelOf(t, group, id), [t, group]);
}
