"use client";

import type { UseQueryResult } from "@tanstack/react-query";
import { type LucideIcon, Trash2Icon } from "lucide-react";
import Link from "next/link";
import { useTranslations } from "next-intl";
import type { ReactNode } from "react";
import { EmptyState, ErrorBox, PageHeader } from "@/components/page-parts";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { ConfirmButton } from "@/features/settings/confirm-button";
import { useSession } from "@/features/shell/session-context";
import { useDelete } from "@/lib/use-delete";
import { audienceKeys } from "./queries";
import { useAudienceWriter } from "./ui-bits";

/** One column after the name and the description: its heading and the cell of an item. */
export type CollectionColumn<T> = {
  header: string;
  headClassName?: string;
  cellClassName?: string;
  cell: (item: T) => ReactNode;
};

/**
 * A saved audience collection (static lists, segments) as a page: heading with the create button, a skeleton while
 * loading, the error in words, an empty state that says what to do, else a table of name (a link), description, the
 * given columns and — for writers — the row actions and a delete button that asks first. `kind` names the API path
 * (`DELETE /orgs/:org/<kind>/:id`), the query key invalidated after a delete and the message namespace (title,
 * emptyTitle, emptyBody, emptyBodyReader, actions, delete, deleteTitle {name}, deleteBody, deleted).
 */
export function CollectionTable<T extends { id: string; name: string; description: string | null }>(props: {
  kind: "lists" | "segments";
  query: UseQueryResult<{ items: T[] }>;
  icon: LucideIcon;
  /** The create button: next to the heading once there are items, in the empty state before. Writers only. */
  add: ReactNode;
  rowTestId: string;
  href: (item: T) => string;
  columns: CollectionColumn<T>[];
  /** Writers' actions shown before the delete button. */
  actions?: (item: T) => ReactNode;
}) {
  const { kind, query } = props;
  const t = useTranslations(kind);
  const { org } = useSession();
  const writer = useAudienceWriter();
  const remove = useDelete({
    path: (id) => `/orgs/${org.id}/${kind}/${id}`,
    queryKey: audienceKeys[kind](org.id),
    done: t("deleted"),
  });
  return (
    <div className="space-y-4">
      <PageHeader title={t("title")}>{writer && (query.data?.items.length ?? 0) > 0 && props.add}</PageHeader>
      {query.isPending ? (
        <Skeleton className="h-32" />
      ) : query.error ? (
        <ErrorBox error={query.error} />
      ) : query.data.items.length === 0 ? (
        <EmptyState
          icon={props.icon}
          title={t("emptyTitle")}
          body={writer ? t("emptyBody") : t("emptyBodyReader")}
          action={writer && props.add}
        />
      ) : (
        <Table aria-label={t("title")}>
          <TableHeader>
            <TableRow>
              <TableHead>{t("name")}</TableHead>
              <TableHead className="hidden md:table-cell">{t("description")}</TableHead>
              {props.columns.map((c) => (
                <TableHead key={c.header} className={c.headClassName}>
                  {c.header}
                </TableHead>
              ))}
              {writer && <TableHead className="sr-only sm:not-sr-only">{t("actions")}</TableHead>}
            </TableRow>
          </TableHeader>
          <TableBody>
            {query.data.items.map((item) => (
              <TableRow key={item.id} data-testid={props.rowTestId}>
                <TableCell className="font-medium">
                  <Link href={props.href(item)} className="hover:underline">
                    {item.name}
                  </Link>
                </TableCell>
                <TableCell className="hidden max-w-64 truncate md:table-cell">{item.description ?? "—"}</TableCell>
                {props.columns.map((c) => (
                  <TableCell key={c.header} className={c.cellClassName}>
                    {c.cell(item)}
                  </TableCell>
                ))}
                {writer && (
                  <TableCell className="flex justify-end gap-1">
                    {props.actions?.(item)}
                    <ConfirmButton
                      label={t("delete")}
                      title={t("deleteTitle", { name: item.name })}
                      body={t("deleteBody")}
                      icon={<Trash2Icon aria-hidden />}
                      onConfirm={() => remove.mutate(item.id)}
                    />
                  </TableCell>
                )}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </div>
  );
}
