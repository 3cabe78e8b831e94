"use client";

import type { TContact } from "@mirage/contracts/contacts";
import { useMutation } from "@tanstack/react-query";
import { PlusIcon, Trash2Icon } from "lucide-react";
import { useTranslations } from "next-intl";
import { type FormEvent, type ReactNode, useRef, useState } from "react";
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
import { useSession } from "@/features/shell/session-context";
import { api } from "@/lib/api";
import { toast } from "@/lib/toast";
import { useErrorMessage } from "@/lib/use-error-message";
import { useContactWritten } from "./contact-edit-dialogs";
import { customFieldsPatch, type FieldRow, fieldProblems, fieldRows } from "./custom-field-edits";

/**
 * Add, change, rename and remove a contact's custom fields (the template's `{{variables}}`), saved as one merged
 * `PATCH /contacts/{id}`. Keys are checked as the API checks them before sending; what the API still refuses (e.g.
 * more than 100 fields) is shown with its reason. The trigger is the child.
 */
export function CustomFieldsDialog({ contact, children }: { contact: TContact; children: ReactNode }) {
  const t = useTranslations("contactPage.fields");
  const tc = useTranslations("common");
  const { org } = useSession();
  const written = useContactWritten(contact.id);
  const { toastError } = useErrorMessage();
  const [open, setOpen] = useState(false);
  const [rows, setRows] = useState<FieldRow[]>([]);
  const nextId = useRef(0);
  const stored = contact.customFields;
  const problems = fieldProblems(stored, rows);
  const body = customFieldsPatch(stored, rows);
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
    if (next) {
      const loaded = fieldRows(stored);
      nextId.current = loaded.length;
      // An empty contact opens on one blank row: adding is what they came for.
      setRows(loaded.length > 0 ? loaded : [{ id: nextId.current++, key: "", value: "" }]);
    }
    setOpen(next);
  };
  const change = (id: number, patch: Partial<FieldRow>) =>
    setRows((rs) => rs.map((r) => (r.id === id ? { ...r, ...patch } : r)));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (problems.some(Boolean)) return;
    if (body) save.mutate();
    else setOpen(false);
  };
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogTrigger asChild>{children}</DialogTrigger>
      <DialogContent closeLabel={tc("close")} className="sm:max-w-2xl">
        <form onSubmit={submit} className="grid gap-4" noValidate>
          <DialogHeader>
            <DialogTitle>{t("title")}</DialogTitle>
            <DialogDescription>{t("hint", { phone: contact.phone })}</DialogDescription>
          </DialogHeader>
          <div className="grid max-h-[55vh] gap-2 overflow-y-auto" data-testid="custom-fields-rows">
            <div className="grid grid-cols-[1fr_1fr_auto] gap-2 text-muted-foreground text-xs" aria-hidden>
              <span>{t("key")}</span>
              <span>{t("value")}</span>
              <span className="w-9" />
            </div>
            {rows.map((r, i) => {
              const problem = problems[i];
              const errorId = `field-${r.id}-problem`;
              return (
                <div key={r.id} className="grid grid-cols-[1fr_1fr_auto] items-start gap-2">
                  <Input
                    aria-label={t("keyOf", { n: i + 1 })}
                    value={r.key}
                    maxLength={64}
                    placeholder={t("keyPlaceholder")}
                    onChange={(e) => change(r.id, { key: e.target.value })}
                    aria-invalid={problem ? true : undefined}
                    aria-describedby={problem ? errorId : undefined}
                    data-testid="custom-field-key"
                  />
                  <Input
                    aria-label={t("valueOf", { key: r.key || String(i + 1) })}
                    value={r.value}
                    maxLength={2000}
                    onChange={(e) => change(r.id, { value: e.target.value })}
                    data-testid="custom-field-value"
                  />
                  <Button
                    type="button"
                    variant="ghost"
                    size="icon"
                    aria-label={t("remove", { key: r.key || String(i + 1) })}
                    onClick={() => setRows((rs) => rs.filter((x) => x.id !== r.id))}
                  >
                    <Trash2Icon aria-hidden />
                  </Button>
                  {problem && (
                    <p id={errorId} className="col-span-3 text-destructive text-xs" role="alert">
                      {t(`problem.${problem}`)}
                    </p>
                  )}
                </div>
              );
            })}
          </div>
          <div>
            <Button
              type="button"
              variant="outline"
              size="sm"
              onClick={() => setRows((rs) => [...rs, { id: nextId.current++, key: "", value: "" }])}
              data-testid="custom-field-add"
            >
              <PlusIcon aria-hidden />
              {t("add")}
            </Button>
          </div>
          <p className="text-muted-foreground text-xs">{t("rule")}</p>
          <DialogFooter>
            <Button type="submit" disabled={save.isPending || problems.some(Boolean)}>
              {t("save")}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
