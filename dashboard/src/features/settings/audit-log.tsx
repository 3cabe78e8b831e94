"use client";

import type { TApiKey } from "@mirage/contracts/api-keys";
import type { TAuditEntry } from "@mirage/contracts/audit";
import type { TMember } from "@mirage/contracts/organizations";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useFormatter, useTranslations } from "next-intl";
import { useCallback, useMemo, useState } from "react";
import { Button } from "@/components/ui/button";
import { NativeSelect } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { TableCell, TableRow } from "@/components/ui/table";
import { useSession } from "@/features/shell/session-context";
import { api } from "@/lib/api";
import { auditDetailText } from "./audit-detail";
import { AUDIT_ACTIONS, AUDIT_TARGETS, labelOf } from "./labels";
import { SettingsTable } from "./settings-table";

type Page = { items: TAuditEntry[]; nextBeforeId?: number | null };

/**
 * The audit log, newest first, paged with `beforeId`. The filters (action, who, target kind) are the API's own, so
 * they search the whole log, not only the pages loaded. Each entry says who and what in words (the API names them);
 * the ids stay under the names for admins.
 */
export function AuditLog() {
  const t = useTranslations("audit");
  const actionLabel = useAuditLabel("actions");
  const targetLabel = useAuditLabel("targets");
  const detailKey = useAuditLabel("detailKeys");
  const format = useFormatter();
  const { org } = useSession();
  const [action, setAction] = useState("");
  /** `user:<id>` or `key:<id>`. */
  const [actor, setActor] = useState("");
  const [target, setTarget] = useState("");
  const filter = useMemo(() => {
    const q = new URLSearchParams();
    if (action) q.set("action", action);
    if (actor.startsWith("user:")) q.set("actorUserId", actor.slice(5));
    if (actor.startsWith("key:")) q.set("actorApiKeyId", actor.slice(4));
    if (target) q.set("targetType", target);
    return q.toString();
  }, [action, actor, target]);
  const log = useInfiniteQuery({
    queryKey: ["audit", org.id, filter],
    initialPageParam: undefined as number | undefined,
    queryFn: ({ pageParam }) =>
      api<Page>(
        `/orgs/${org.id}/audit-log?limit=100${filter ? `&${filter}` : ""}${pageParam ? `&beforeId=${pageParam}` : ""}`,
      ),
    getNextPageParam: (last) => last.nextBeforeId ?? undefined,
  });
  const members = useQuery({
    queryKey: ["members", org.id],
    queryFn: () => api<{ items: TMember[] }>(`/orgs/${org.id}/members`),
  });
  const keys = useQuery({
    queryKey: ["api-keys", org.id],
    queryFn: () => api<{ items: TApiKey[] }>(`/orgs/${org.id}/api-keys`),
  });
  const shown = useMemo(() => log.data?.pages.flatMap((p) => p.items) ?? [], [log.data]);
  const valueLabel = useAuditLabel("detailValues");
  // A member named by id in a detail (a conversation's assignee) shows as the member's email.
  const detailValue = useCallback(
    (key: string, value: string) =>
      key === "assignedTo" ? (members.data?.items.find((m) => m.userId === value)?.email ?? value) : valueLabel(value),
    [members.data, valueLabel],
  );
  const actions = useMemo(
    () => [...AUDIT_ACTIONS].sort((x, y) => actionLabel(x).localeCompare(actionLabel(y))),
    [actionLabel],
  );
  const targets = useMemo(
    () => [...AUDIT_TARGETS].sort((x, y) => targetLabel(x).localeCompare(targetLabel(y))),
    [targetLabel],
  );
  const who = (e: TAuditEntry) =>
    e.actorApiKeyId || (!e.actorUserId && e.actorLabel) ? (
      <>
        <span className="block truncate">{e.actorLabel ?? t("apiKey")}</span>
        <span className="block text-muted-foreground text-xs">{t("apiKey")}</span>
      </>
    ) : e.actorUserId ? (
      (e.actorLabel ?? <span className="font-mono text-xs">{e.actorUserId}</span>)
    ) : (
      t("system")
    );

  return (
    <div className="space-y-4">
      <h1 className="font-semibold text-2xl">{t("title")}</h1>
      <div className="grid gap-3 sm:grid-cols-3">
        <div className="grid gap-1">
          <Label htmlFor="audit-action">{t("action")}</Label>
          <NativeSelect id="audit-action" value={action} onChange={(e) => setAction(e.target.value)}>
            <option value="">{t("anyAction")}</option>
            {actions.map((a) => (
              <option key={a} value={a}>
                {actionLabel(a)}
              </option>
            ))}
          </NativeSelect>
        </div>
        <div className="grid gap-1">
          <Label htmlFor="audit-actor">{t("actor")}</Label>
          <NativeSelect id="audit-actor" value={actor} onChange={(e) => setActor(e.target.value)}>
            <option value="">{t("anyone")}</option>
            {(members.data?.items ?? []).map((m) => (
              <option key={m.userId} value={`user:${m.userId}`}>
                {m.email ?? m.userId}
              </option>
            ))}
            {(keys.data?.items ?? []).map((k) => (
              <option key={k.id} value={`key:${k.id}`}>
                {t("apiKeyNamed", { name: k.name })}
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
              <AuditDetail text={auditDetailText(e.detail, 2_000, detailKey, detailValue)} />
            </TableCell>
            <TableCell title={e.targetType ? `${e.targetType} ${e.targetId ?? ""}` : undefined}>
              {e.targetType ? (
                <>
                  <span className="block">
                    {targetLabel(e.targetType)}
                    {e.targetLabel && <span className="font-medium">: {e.targetLabel}</span>}
                  </span>
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

/** An entry's detail line, cut by the cell's width; whole on hover. */
function AuditDetail({ text }: { text: string }) {
  if (!text) return null;
  return (
    <span className="block max-w-72 truncate text-muted-foreground text-xs" title={text} data-testid="audit-detail">
      {text}
    </span>
  );
}

/**
 * Human labels for the audit log's actions (`actions`) or target types (`targets`), or the id itself when this
 * version has no label for it; the table shows the id under the label for admins.
 */
function useAuditLabel(group: "actions" | "targets" | "detailKeys" | "detailValues") {
  const t = useTranslations("audit");
  return useCallback((id: string) => labelOf(t, group, id), [t, group]);
}
