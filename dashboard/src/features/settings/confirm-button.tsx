"use client";

import { useTranslations } from "next-intl";
import type { ReactNode } from "react";
import { ConfirmDialog } from "@/components/confirm-dialog";
import { Button } from "@/components/ui/button";
import { TableCell } from "@/components/ui/table";

/** A button that asks first, saying what will happen. */
export function ConfirmButton(props: {
  label: string;
  title: string;
  body: string;
  onConfirm: () => void;
  icon?: ReactNode;
}) {
  const tc = useTranslations("common");
  return (
    <ConfirmDialog
      trigger={
        <Button variant="ghost" size="sm">
          {props.icon}
          {props.label}
        </Button>
      }
      title={props.title}
      body={props.body}
      cancelLabel={tc("cancel")}
      actionLabel={props.label}
      destructive
      onConfirm={props.onConfirm}
    />
  );
}

/** A secret shown once, with a copy button and the warning that it will not be shown again. */
export function ShownOnce({ value, warning, copyLabel }: { value: string; warning: string; copyLabel: string }) {
  return (
    <div className="grid gap-2 rounded-md border border-warning/40 bg-warning/10 p-3">
      <p className="text-sm">{warning}</p>
      <code className="break-all rounded bg-muted p-2 font-mono text-xs" data-testid="secret-once">
        {value}
      </code>
      <Button variant="outline" size="sm" onClick={() => void navigator.clipboard?.writeText(value)}>
        {copyLabel}
      </Button>
    </div>
  );
}

/**
 * A row's actions cell, right-aligned on one line: the row's other actions, then the removal that asks first with
 * its consequence (`remove`; none when the row cannot be removed).
 */
export function ActionsCell(props: {
  children?: ReactNode;
  remove?: { label: string; title: string; body: string; onConfirm: () => void } | false;
}) {
  return (
    <TableCell className="space-x-1 text-right whitespace-nowrap">
      {props.children}
      {props.remove && <ConfirmButton {...props.remove} />}
    </TableCell>
  );
}
