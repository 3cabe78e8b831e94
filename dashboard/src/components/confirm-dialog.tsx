"use client";

import type { ReactNode } from "react";
import {
  AlertDialog,
  AlertDialogAction,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
  AlertDialogTrigger,
} from "@/components/ui/alert-dialog";

/**
 * A dialog that asks before an action, saying what will happen: title, body, optional details (`children`), a cancel
 * button and the action button (red when `destructive`). With `trigger` (a button) it opens itself; without, it is
 * open while rendered and `onClose` runs when it is dismissed (cancel, Escape, outside click).
 */
export function ConfirmDialog(
  props: {
    title: string;
    body: string;
    cancelLabel: string;
    actionLabel: string;
    destructive?: boolean;
    onConfirm: () => void;
    actionTestId?: string;
    children?: ReactNode;
  } & ({ trigger: ReactNode; onClose?: never } | { trigger?: never; onClose: () => void }),
) {
  const content = (
    <AlertDialogContent>
      <AlertDialogHeader>
        <AlertDialogTitle>{props.title}</AlertDialogTitle>
        <AlertDialogDescription>{props.body}</AlertDialogDescription>
      </AlertDialogHeader>
      {props.children}
      <AlertDialogFooter>
        <AlertDialogCancel>{props.cancelLabel}</AlertDialogCancel>
        <AlertDialogAction destructive={props.destructive} data-testid={props.actionTestId} onClick={props.onConfirm}>
          {props.actionLabel}
        </AlertDialogAction>
      </AlertDialogFooter>
    </AlertDialogContent>
  );
  const { onClose } = props;
  if (onClose)
    return (
      <AlertDialog open onOpenChange={(o) => !o && onClose()}>
        {content}
      </AlertDialog>
    );
  return (
    <AlertDialog>
      <AlertDialogTrigger asChild>{props.trigger}</AlertDialogTrigger>
      {content}
    </AlertDialog>
  );
}
