"use client";

import { useTranslations } from "next-intl";
import {
  AlertDialog,
  AlertDialogAction,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
} from "@/components/ui/alert-dialog";

/** "Stop/restart/log out/delete X?", saying what happens to the phone. */
export function ConfirmAction(props: {
  action: "stop" | "restart" | "logout" | "delete" | "start";
  name: string;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const t = useTranslations("actions");
  const { action } = props;
  if (action === "start") return null;
  return (
    <AlertDialog open onOpenChange={(o) => !o && props.onClose()}>
      <AlertDialogContent>
        <AlertDialogHeader>
          <AlertDialogTitle>{t(`confirm.${action}.title`, { name: props.name })}</AlertDialogTitle>
          <AlertDialogDescription>{t(`confirm.${action}.body`)}</AlertDialogDescription>
        </AlertDialogHeader>
        <AlertDialogFooter>
          <AlertDialogCancel>{t("cancel")}</AlertDialogCancel>
          <AlertDialogAction destructive={action === "delete" || action === "logout"} onClick={props.onConfirm}>
            {t(action)}
          </AlertDialogAction>
        </AlertDialogFooter>
      </AlertDialogContent>
    </AlertDialog>
  );
}
