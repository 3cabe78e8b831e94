"use client";

import type { LucideIcon } from "lucide-react";
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
import { useErrorMessage } from "@/lib/use-error-message";

// The pieces every settings page (members, API keys, webhooks) repeats: the empty state and the form dialog with its
// error and its one-time result. Heading: @/components/page-parts; tables: settings-table.tsx.

/** Nothing here yet: what the list will hold and how to start it. */
export function EmptyState({ icon: Icon, title, body }: { icon: LucideIcon; title: string; body: string }) {
  return (
    <div className="flex flex-col items-center gap-2 rounded-xl border border-dashed p-8 text-center">
      <Icon className="size-8 text-muted-foreground" aria-hidden />
      <p className="font-medium">{title}</p>
      <p className="max-w-md text-muted-foreground text-sm">{body}</p>
    </div>
  );
}

/** An API error under a form, in words (never a stack). */
export function FormError({ error }: { error: unknown }) {
  const { describe } = useErrorMessage();
  if (!error) return null;
  const err = describe(error);
  return (
    <p role="alert" className="text-destructive text-sm">
      {err.title} {err.detail && <span className="text-muted-foreground">({err.detail})</span>}
    </p>
  );
}

/**
 * A button that opens a dialog holding a form. When `result` is set (a secret or a link shown once), the dialog shows
 * it instead of the form. `onClose` runs when the dialog closes (reset the mutation there, so the next opening shows
 * the form again and not the last result or error).
 */
export function FormDialog(props: {
  onClose: () => void;
  trigger: { label: string; icon?: LucideIcon; testId?: string };
  title: string;
  description: string;
  submitLabel: string;
  pending: boolean;
  error: unknown;
  onSubmit: (form: FormData) => void;
  result?: ReactNode;
  children: ReactNode;
}) {
  const tc = useTranslations("common");
  const [open, setOpen] = useState(false);
  const Icon = props.trigger.icon;
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    props.onSubmit(new FormData(e.currentTarget));
  };
  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        if (!o) props.onClose();
      }}
    >
      <DialogTrigger asChild>
        <Button data-testid={props.trigger.testId}>
          {Icon && <Icon aria-hidden />} {props.trigger.label}
        </Button>
      </DialogTrigger>
      <DialogContent closeLabel={tc("close")}>
        <DialogHeader>
          <DialogTitle>{props.title}</DialogTitle>
          <DialogDescription>{props.description}</DialogDescription>
        </DialogHeader>
        {props.result ?? (
          <form onSubmit={submit} className="grid gap-4">
            {props.children}
            <FormError error={props.error} />
            <DialogFooter>
              <Button type="submit" disabled={props.pending}>
                {props.submitLabel}
              </Button>
            </DialogFooter>
          </form>
        )}
      </DialogContent>
    </Dialog>
  );
}
