"use client";

import type { TContactFilter } from "@mirage/contracts/contacts";
import type { TListMembersMatchingResult } from "@mirage/contracts/lists";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { type FormEvent, type ReactNode, useState } from "react";
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
import { NativeSelect } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { useSession } from "@/features/shell/session-context";
import { api } from "@/lib/api";
import { toast } from "@/lib/toast";
import { useErrorMessage } from "@/lib/use-error-message";
import { addedCounts, type BulkTarget } from "./contact-bulk";
import { memberBodies } from "./contact-edits";
import { audienceKeys, useLists } from "./queries";

/**
 * "Add to list…": choose a static list, then add the contacts — given ids with `POST /lists/{id}/members` (in
 * requests of at most 5000), or every contact a filter matches with one `POST /lists/{id}/members/matching` (the
 * table's "select all N matching"). The toast says how many joined and how many were in it already. The trigger is
 * the child.
 */
export function AddToListDialog(props: {
  contactIds?: readonly string[];
  /** Every contact this filter matches (`count` of them when it was counted), instead of `contactIds`. */
  matching?: { filter: TContactFilter; count: number };
  onDone?: () => void;
  children: ReactNode;
}) {
  const t = useTranslations("contacts.addToList");
  const tc = useTranslations("common");
  const { org } = useSession();
  const qc = useQueryClient();
  const lists = useLists();
  const { toastError } = useErrorMessage();
  const [open, setOpen] = useState(false);
  const [listId, setListId] = useState("");
  const items = lists.data?.items ?? [];
  const chosen = items.find((l) => l.id === listId) ?? items[0];
  const target: BulkTarget = props.matching
    ? { kind: "matching", filter: props.matching.filter }
    : { kind: "ids", ids: props.contactIds ?? [] };
  const count = props.matching ? props.matching.count : new Set(props.contactIds ?? []).size;

  const add = useMutation({
    mutationFn: async (list: { id: string; name: string }) => {
      const path = `/orgs/${org.id}/lists/${list.id}/members`;
      if (target.kind === "matching") {
        const r = await api<TListMembersMatchingResult>(`${path}/matching`, {
          method: "POST",
          body: { filter: target.filter },
        });
        return { counts: addedCounts(target, r), list };
      }
      let changed = 0;
      for (const body of memberBodies(target.ids)) {
        const r = await api<{ changed: number }>(path, { method: "POST", body });
        changed += r.changed;
      }
      return { counts: addedCounts(target, { changed }), list };
    },
    onSuccess: ({ counts, list }) => {
      toast.success(t("added", { count: counts.added, list: list.name }), {
        description: counts.already > 0 ? t("already", { count: counts.already }) : undefined,
      });
      void qc.invalidateQueries({ queryKey: audienceKeys.lists(org.id) });
      void qc.invalidateQueries({ queryKey: audienceKeys.contacts(org.id) });
      setOpen(false);
      props.onDone?.();
    },
    onError: toastError,
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (chosen) add.mutate(chosen);
  };

  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>{props.children}</DialogTrigger>
      <DialogContent closeLabel={tc("close")}>
        <form onSubmit={submit} className="grid gap-4">
          <DialogHeader>
            <DialogTitle>{t("title", { count })}</DialogTitle>
            <DialogDescription>{t("hint")}</DialogDescription>
          </DialogHeader>
          {lists.isSuccess && items.length === 0 ? (
            <p className="text-muted-foreground text-sm">
              {t("noLists")}{" "}
              <Link href="/contacts/lists" className="font-medium text-foreground underline">
                {t("createList")}
              </Link>
            </p>
          ) : (
            <div className="grid gap-1.5">
              <Label htmlFor="add-to-list">{t("list")}</Label>
              <NativeSelect
                id="add-to-list"
                value={chosen?.id ?? ""}
                onChange={(e) => setListId(e.target.value)}
                disabled={!lists.isSuccess}
                data-testid="add-to-list-select"
              >
                {items.map((l) => (
                  <option key={l.id} value={l.id}>
                    {l.name}
                  </option>
                ))}
              </NativeSelect>
            </div>
          )}
          <DialogFooter>
            <Button type="submit" disabled={!chosen || add.isPending || count === 0}>
              {add.isPending ? t("adding") : t("add")}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
