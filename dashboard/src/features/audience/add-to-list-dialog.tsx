"use client";

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
import { memberBodies } from "./contact-edits";
import { audienceKeys, useLists } from "./queries";

/**
 * "Add to list…": choose a static list, then `POST /lists/{id}/members` with the given contacts (in requests of at
 * most 5000). The toast says how many joined and how many were in it already. The trigger is the child.
 */
export function AddToListDialog(props: { contactIds: readonly string[]; onDone?: () => void; children: ReactNode }) {
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
  const ids = props.contactIds;

  const add = useMutation({
    mutationFn: async (list: { id: string; name: string }) => {
      let changed = 0;
      for (const body of memberBodies(ids)) {
        const r = await api<{ changed: number }>(`/orgs/${org.id}/lists/${list.id}/members`, { method: "POST", body });
        changed += r.changed;
      }
      return { changed, list };
    },
    onSuccess: ({ changed, list }) => {
      const already = new Set(ids).size - changed;
      toast.success(t("added", { count: changed, list: list.name }), {
        description: already > 0 ? t("already", { count: already }) : undefined,
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
            <DialogTitle>{t("title", { count: ids.length })}</DialogTitle>
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
            <Button type="submit" disabled={!chosen || add.isPending || ids.length === 0}>
              {add.isPending ? t("adding") : t("add")}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
