"use client";

import type { TContactList } from "@mirage/contracts/lists";
import { useMutation, useQueryClient } from "@tanstack/react-query";
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
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { useSession } from "@/features/shell/session-context";
import { api } from "@/lib/api";
import { toast } from "@/lib/toast";
import { useErrorMessage } from "@/lib/use-error-message";
import { audienceKeys } from "./queries";

/** Create a list, or rename/describe one (`list` given). The trigger is the child. */
export function ListFormDialog({ list, children }: { list?: TContactList; children: ReactNode }) {
  const t = useTranslations("lists");
  const tc = useTranslations("common");
  const { org } = useSession();
  const qc = useQueryClient();
  const { toastError } = useErrorMessage();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState(list?.name ?? "");
  const [description, setDescription] = useState(list?.description ?? "");
  const save = useMutation({
    mutationFn: () =>
      api(list ? `/orgs/${org.id}/lists/${list.id}` : `/orgs/${org.id}/lists`, {
        method: list ? "PATCH" : "POST",
        body: { name, description: description.trim() || null },
      }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: audienceKeys.lists(org.id) });
      toast.success(list ? t("saved") : t("created"));
      setOpen(false);
      if (!list) {
        setName("");
        setDescription("");
      }
    },
    onError: toastError,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>{children}</DialogTrigger>
      <DialogContent closeLabel={tc("close")}>
        <form onSubmit={submit} className="grid gap-4">
          <DialogHeader>
            <DialogTitle>{list ? t("editTitle") : t("newTitle")}</DialogTitle>
            <DialogDescription>{t("formHint")}</DialogDescription>
          </DialogHeader>
          <div className="grid gap-1.5">
            <Label htmlFor="list-name">{t("name")}</Label>
            <Input id="list-name" required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor="list-description">{t("description")}</Label>
            <Input
              id="list-description"
              maxLength={2000}
              value={description}
              onChange={(e) => setDescription(e.target.value)}
            />
          </div>
          <DialogFooter>
            <Button type="submit" disabled={save.isPending || name.trim() === ""}>
              {list ? t("save") : t("create")}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
