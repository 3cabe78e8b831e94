"use client";

import { useTranslations } from "next-intl";
import { ConfirmDialog } from "@/components/confirm-dialog";

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
    <ConfirmDialog
      onClose={props.onClose}
      title={t(`confirm.${action}.title`, { name: props.name })}
      body={t(`confirm.${action}.body`)}
      cancelLabel={t("cancel")}
      actionLabel={t(action)}
      destructive={action === "delete" || action === "logout"}
      onConfirm={props.onConfirm}
    />
  );
}
