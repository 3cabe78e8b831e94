"use client";

import type { TContact } from "@mirage/contracts/contacts";
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
import { consentBody, contactForm, contactPatch } from "./contact-edits";
import { audienceKeys } from "./queries";

/** Re-reads the contact (its page, consent history) and the contacts table after a write. */
export function useContactWritten(id: string) {
  const { org } = useSession();
  const qc = useQueryClient();
  return () => {
    void qc.invalidateQueries({ queryKey: audienceKeys.contact(org.id, id) });
    void qc.invalidateQueries({ queryKey: audienceKeys.contacts(org.id) });
  };
}

/** Edit a contact's name and tags (`PATCH /contacts/{id}` with what changed). The trigger is the child. */
export function ContactEditDialog({ contact, children }: { contact: TContact; children: ReactNode }) {
  const t = useTranslations("contacts.edit");
  const tc = useTranslations("common");
  const { org } = useSession();
  const written = useContactWritten(contact.id);
  const { toastError } = useErrorMessage();
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState(() => contactForm(contact));
  const body = contactPatch(contact, form);
  const save = useMutation({
    mutationFn: () => api(`/orgs/${org.id}/contacts/${contact.id}`, { method: "PATCH", body }),
    onSuccess: () => {
      written();
      toast.success(t("saved"));
      setOpen(false);
    },
    onError: toastError,
  });
  const onOpenChange = (next: boolean) => {
    if (next) setForm(contactForm(contact));
    setOpen(next);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (body) save.mutate();
    else setOpen(false);
  };
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogTrigger asChild>{children}</DialogTrigger>
      <DialogContent closeLabel={tc("close")}>
        <form onSubmit={submit} className="grid gap-4">
          <DialogHeader>
            <DialogTitle>{t("title")}</DialogTitle>
            <DialogDescription>{t("hint", { phone: contact.phone })}</DialogDescription>
          </DialogHeader>
          <div className="grid gap-1.5">
            <Label htmlFor="contact-name">{t("name")}</Label>
            <Input
              id="contact-name"
              maxLength={500}
              value={form.name}
              onChange={(e) => setForm((f) => ({ ...f, name: e.target.value }))}
              data-testid="contact-name"
            />
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor="contact-tags">{t("tags")}</Label>
            <Input
              id="contact-tags"
              value={form.tags}
              onChange={(e) => setForm((f) => ({ ...f, tags: e.target.value }))}
              aria-describedby="contact-tags-hint"
              data-testid="contact-tags"
            />
            <p id="contact-tags-hint" className="text-muted-foreground text-xs">
              {t("tagsHint")}
            </p>
          </div>
          <DialogFooter>
            <Button type="submit" disabled={save.isPending}>
              {t("save")}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

/**
 * Record an opt-in or an opt-out (`POST /contacts/{id}/consent`): the state, where it came from (required, kept as
 * evidence) and an optional note. The history is append-only, so the dialog says so. The trigger is the child.
 */
export function ConsentDialog(props: { contact: TContact; state: "opted_in" | "opted_out"; children: ReactNode }) {
  const t = useTranslations("contacts.consentForm");
  const tc = useTranslations("common");
  const { org } = useSession();
  const written = useContactWritten(props.contact.id);
  const { toastError } = useErrorMessage();
  const [open, setOpen] = useState(false);
  const [source, setSource] = useState("");
  const [evidence, setEvidence] = useState("");
  const record = useMutation({
    mutationFn: () =>
      api(`/orgs/${org.id}/contacts/${props.contact.id}/consent`, {
        method: "POST",
        body: consentBody(props.state, source, evidence),
      }),
    onSuccess: () => {
      written();
      toast.success(t(`recorded.${props.state}`));
      setOpen(false);
      setSource("");
      setEvidence("");
    },
    onError: toastError,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    record.mutate();
  };
  const id = `consent-${props.state}`;
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>{props.children}</DialogTrigger>
      <DialogContent closeLabel={tc("close")}>
        <form onSubmit={submit} className="grid gap-4">
          <DialogHeader>
            <DialogTitle>{t(`title.${props.state}`)}</DialogTitle>
            <DialogDescription>{t(`hint.${props.state}`)}</DialogDescription>
          </DialogHeader>
          <div className="grid gap-1.5">
            <Label htmlFor={`${id}-source`}>{t("source")}</Label>
            <Input
              id={`${id}-source`}
              required
              maxLength={200}
              placeholder={t(`sourcePlaceholder.${props.state}`)}
              value={source}
              onChange={(e) => setSource(e.target.value)}
              data-testid="consent-source"
            />
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor={`${id}-evidence`}>{t("evidence")}</Label>
            <Input
              id={`${id}-evidence`}
              maxLength={2000}
              value={evidence}
              onChange={(e) => setEvidence(e.target.value)}
            />
          </div>
          <p className="text-muted-foreground text-xs">{t("appendOnly")}</p>
          <DialogFooter>
            <Button type="submit" disabled={record.isPending || source.trim() === ""}>
              {t(`record.${props.state}`)}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
