"use client";

import { useTranslations } from "next-intl";
import { ConfirmDialog } from "@/components/confirm-dialog";

/** "Stop/restart/log out/delete X?", saying what happens to the phone. */
export function ConfirmAction(props: {
  action: "stop" | "restart" | "logout" | "delete" | "start";
  name: string;
  /** Whether a phone is linked: only then do stop and restart say it stays linked. */
  linked: boolean;
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
      body={
        (action === "stop" || action === "restart") && !props.linked
          ? t(`confirm.${action}.bodyUnlinked`)
          : t(`confirm.${action}.body`)
      }
      cancelLabel={t("cancel")}
      actionLabel={t(action)}
      destructive={action === "delete" || action === "logout"}
      onConfirm={props.onConfirm}
    />
  );
}
