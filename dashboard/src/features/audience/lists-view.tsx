"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ListIcon, PencilIcon, PlusIcon, Trash2Icon } from "lucide-react";
import Link from "next/link";
import { useFormatter, useTranslations } from "next-intl";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { ConfirmButton } from "@/features/settings/confirm-button";
import { useSession } from "@/features/shell/session-context";
import { api } from "@/lib/api";
import { toast } from "@/lib/toast";
import { useErrorMessage } from "@/lib/use-error-message";
import { ListFormDialog } from "./list-form-dialog";
import { audienceKeys, useLists } from "./queries";
import { EmptyState, ErrorBox, useAudienceWriter } from "./ui-bits";

/** Static lists: member counts, create, rename, delete (the contacts stay). */
export function ListsView() {
  const t = useTranslations("lists");
  const { org } = useSession();
  const lists = useLists();
  const writer = useAudienceWriter();
  const format = useFormatter();
  const qc = useQueryClient();
  const { toastError } = useErrorMessage();
  const remove = useMutation({
    mutationFn: (id: string) => api(`/orgs/${org.id}/lists/${id}`, { method: "DELETE" }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: audienceKeys.lists(org.id) });
      toast.success(t("deleted"));
    },
    onError: toastError,
  });
  const add = (
    <ListFormDialog>
      <Button data-testid="new-list">
        <PlusIcon aria-hidden />
        {t("new")}
      </Button>
    </ListFormDialog>
  );
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="mr-auto font-semibold text-2xl">{t("title")}</h1>
        {writer && (lists.data?.items.length ?? 0) > 0 && add}
      </div>
      {lists.isPending ? (
        <Skeleton className="h-32" />
      ) : lists.error ? (
        <ErrorBox error={lists.error} />
      ) : lists.data.items.length === 0 ? (
        <EmptyState
          icon={ListIcon}
          title={t("emptyTitle")}
          body={writer ? t("emptyBody") : t("emptyBodyReader")}
          action={writer && add}
        />
      ) : (
        <Table aria-label={t("title")}>
          <TableHeader>
            <TableRow>
              <TableHead>{t("name")}</TableHead>
              <TableHead className="hidden md:table-cell">{t("description")}</TableHead>
              <TableHead className="text-right">{t("members")}</TableHead>
              <TableHead className="hidden sm:table-cell">{t("updated")}</TableHead>
              {writer && <TableHead className="sr-only sm:not-sr-only">{t("actions")}</TableHead>}
            </TableRow>
          </TableHeader>
          <TableBody>
            {lists.data.items.map((l) => (
              <TableRow key={l.id} data-testid="list-row">
                <TableCell className="font-medium">
                  <Link href={`/contacts?listId=${l.id}`} className="hover:underline">
                    {l.name}
                  </Link>
                </TableCell>
                <TableCell className="hidden max-w-64 truncate md:table-cell">{l.description ?? "—"}</TableCell>
                <TableCell className="text-right tabular-nums">{format.number(l.memberCount)}</TableCell>
                <TableCell className="hidden sm:table-cell">
                  {format.dateTime(new Date(l.updatedAt), { dateStyle: "medium" })}
                </TableCell>
                {writer && (
                  <TableCell className="flex justify-end gap-1">
                    <ListFormDialog list={l}>
                      <Button variant="ghost" size="sm" aria-label={t("editNamed", { name: l.name })}>
                        <PencilIcon aria-hidden />
                      </Button>
                    </ListFormDialog>
                    <ConfirmButton
                      label={t("delete")}
                      title={t("deleteTitle", { name: l.name })}
                      body={t("deleteBody")}
                      icon={<Trash2Icon aria-hidden />}
                      onConfirm={() => remove.mutate(l.id)}
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
