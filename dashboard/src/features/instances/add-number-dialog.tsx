"use client";

import type { TInstance } from "@mirage/contracts/instances";
import { useMutation, useQueryClient } from "@tanstack/react-query";
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
} from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { useSession } from "@/features/shell/session-context";
import { api } from "@/lib/api";
import { instancesKey } from "@/lib/realtime";
import { useErrorMessage } from "@/lib/use-error-message";
import { PairStep } from "./pair-step";

type Step = "name" | "qr" | "code";

/** The dialog's content; its code (Radix Dialog, QR, phone parsing) loads when the button is first pressed. */
export function AddNumberDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  const tc = useTranslations("common");
  const [step, setStep] = useState<Step>("name");
  const [instanceId, setInstanceId] = useState<string | null>(null);
  const change = (o: boolean) => {
    onOpenChange(o);
    if (!o) {
      setStep("name");
      setInstanceId(null);
    }
  };
  return (
    <Dialog open={open} onOpenChange={change}>
      <DialogContent closeLabel={tc("close")} className="sm:max-w-md">
        {step === "name" || !instanceId ? (
          <NameStep
            onCreated={(id) => {
              setInstanceId(id);
              setStep("qr");
            }}
          />
        ) : (
          <PairStep instanceId={instanceId} mode={step} setMode={setStep} onDone={() => change(false)} />
        )}
      </DialogContent>
    </Dialog>
  );
}

function NameStep({ onCreated }: { onCreated: (id: string) => void }) {
  const t = useTranslations("add");
  const { org } = useSession();
  const qc = useQueryClient();
  const { message } = useErrorMessage();
  const create = useMutation({
    mutationFn: (name: string) => api<TInstance>(`/orgs/${org.id}/instances`, { method: "POST", body: { name } }),
    onSuccess: (created) => {
      qc.setQueryData<{ items: TInstance[] }>(instancesKey(org.id), (old) =>
        old ? { ...old, items: [...old.items.filter((i) => i.id !== created.id), created] } : old,
      );
      void qc.invalidateQueries({ queryKey: instancesKey(org.id) });
      onCreated(created.id);
    },
  });
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    create.mutate(String(new FormData(e.currentTarget).get("name") ?? ""));
  };
  const err = create.error ? message(create.error) : null;
  return (
    <form onSubmit={onSubmit} className="grid gap-4">
      <DialogHeader>
        <DialogTitle>{t("title")}</DialogTitle>
        <DialogDescription>{t("nameHelp")}</DialogDescription>
      </DialogHeader>
      <div className="grid gap-2">
        <Label htmlFor="instance-name">{t("name")}</Label>
        <Input id="instance-name" name="name" required maxLength={100} placeholder={t("namePlaceholder")} autoFocus />
      </div>
      {err && (
        <p role="alert" className="text-destructive text-sm">
          {err}
        </p>
      )}
      <DialogFooter>
        <Button type="submit" disabled={create.isPending}>
          {t("continue")}
        </Button>
      </DialogFooter>
    </form>
  );
}
