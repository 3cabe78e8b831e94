"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { PlusIcon } from "lucide-react";
import { useTranslations } from "next-intl";
import { type FormEvent, useState } from "react";
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

/** Block one number and/or WhatsApp LID, with the reason. */
export function BlacklistAddDialog() {
  const t = useTranslations("blacklist");
  const tc = useTranslations("common");
  const { org } = useSession();
  const qc = useQueryClient();
  const { describe } = useErrorMessage();
  const [open, setOpen] = useState(false);
  const [phone, setPhone] = useState("");
  const [waLid, setWaLid] = useState("");
  const [reason, setReason] = useState("");
  const add = useMutation({
    mutationFn: () =>
      api(`/orgs/${org.id}/blacklist`, {
        method: "POST",
        body: {
          ...(phone.trim() ? { phone: phone.trim() } : {}),
          ...(waLid.trim() ? { waLid: waLid.trim() } : {}),
          ...(reason.trim() ? { reason: reason.trim() } : {}),
        },
      }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: audienceKeys.blacklist(org.id) });
      toast.success(t("added"));
      setOpen(false);
      setPhone("");
      setWaLid("");
      setReason("");
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate();
  };
  const error = add.error ? describe(add.error) : null;
  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        if (!o) add.reset();
      }}
    >
      <DialogTrigger asChild>
        <Button data-testid="blacklist-add">
          <PlusIcon aria-hidden />
          {t("add")}
        </Button>
      </DialogTrigger>
      <DialogContent closeLabel={tc("close")}>
        <form onSubmit={submit} className="grid gap-4">
          <DialogHeader>
            <DialogTitle>{t("addTitle")}</DialogTitle>
            <DialogDescription>{t("addHint")}</DialogDescription>
          </DialogHeader>
          <div className="grid gap-1.5">
            <Label htmlFor="bl-phone">{t("phone")}</Label>
            <Input id="bl-phone" inputMode="tel" value={phone} onChange={(e) => setPhone(e.target.value)} />
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor="bl-lid">{t("waLid")}</Label>
            <Input id="bl-lid" value={waLid} onChange={(e) => setWaLid(e.target.value)} />
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor="bl-reason">{t("reason")}</Label>
            <Input id="bl-reason" maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
          </div>
          {error && (
            <p role="alert" className="text-destructive text-sm">
              {error.title} {error.detail}
            </p>
          )}
          <DialogFooter>
            <Button type="submit" disabled={add.isPending || (phone.trim() === "" && waLid.trim() === "")}>
              {t("block")}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
