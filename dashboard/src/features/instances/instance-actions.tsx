"use client";

import type { TInstance } from "@mirage/contracts/instances";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { MoreHorizontalIcon, PlayIcon, RotateCwIcon, SquareIcon, Trash2Icon, UnlinkIcon } from "lucide-react";
import dynamic from "next/dynamic";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { LazyDropdownMenu } from "@/components/ui/lazy-dropdown-menu";
import { useSession } from "@/features/shell/session-context";
import { api } from "@/lib/api";
import { can } from "@/lib/permissions";
import { instancesKey } from "@/lib/realtime";
import { toast } from "@/lib/toast";
import { useErrorMessage } from "@/lib/use-error-message";
import { isLinked } from "./pairing";

type Action = "start" | "stop" | "restart" | "logout" | "delete";

// The confirmation's code loads when a confirmation is first needed, not with every card.
const ConfirmAction = dynamic(() => import("./confirm-action").then((m) => m.ConfirmAction), { ssr: false });
const CONFIRM: Action[] = ["stop", "restart", "logout", "delete"];

/**
 * The instance's menu: start/stop/restart/logout/delete, each destructive one behind a confirmation that says what
 * happens to the phone. Rendered only for roles that may do these (viewers and marketers see nothing).
 */
export function InstanceActions({ instance, afterDelete }: { instance: TInstance; afterDelete?: string }) {
  const t = useTranslations("actions");
  const { org } = useSession();
  const qc = useQueryClient();
  const router = useRouter();
  const { toastError } = useErrorMessage();
  const [confirm, setConfirm] = useState<Action | null>(null);
  const mutation = useMutation({
    mutationFn: async (action: Action): Promise<void> => {
      if (action === "delete") await api<void>(`/orgs/${org.id}/instances/${instance.id}`, { method: "DELETE" });
      else await api<unknown>(`/orgs/${org.id}/instances/${instance.id}/${action}`, { method: "POST" });
    },
    onSuccess: (_res, action) => {
      toast.success(t(`done.${action}`, { name: instance.name }));
      void qc.invalidateQueries({ queryKey: instancesKey(org.id) });
      if (action === "delete" && afterDelete) router.push(afterDelete);
    },
    onError: toastError,
  });
  if (!can(org.role, "instances.write")) return null;
  const run = (action: Action) => (CONFIRM.includes(action) ? setConfirm(action) : mutation.mutate(action));
  const running = instance.desiredState === "running";

  return (
    <>
      <LazyDropdownMenu
        align="end"
        trigger={
          <Button variant="ghost" size="icon" aria-label={t("menu", { name: instance.name })}>
            <MoreHorizontalIcon aria-hidden />
          </Button>
        }
      >
        {(ui) => (
          <>
            {running ? (
              <ui.DropdownMenuItem onSelect={() => run("stop")}>
                <SquareIcon aria-hidden /> {t("stop")}
              </ui.DropdownMenuItem>
            ) : (
              <ui.DropdownMenuItem onSelect={() => run("start")}>
                <PlayIcon aria-hidden /> {t("start")}
              </ui.DropdownMenuItem>
            )}
            <ui.DropdownMenuItem onSelect={() => run("restart")}>
              <RotateCwIcon aria-hidden /> {t("restart")}
            </ui.DropdownMenuItem>
            <ui.DropdownMenuItem onSelect={() => run("logout")}>
              <UnlinkIcon aria-hidden /> {t("logout")}
            </ui.DropdownMenuItem>
            <ui.DropdownMenuSeparator />
            <ui.DropdownMenuItem destructive onSelect={() => run("delete")} data-testid="delete-instance">
              <Trash2Icon aria-hidden /> {t("delete")}
            </ui.DropdownMenuItem>
          </>
        )}
      </LazyDropdownMenu>
      {confirm && (
        <ConfirmAction
          action={confirm}
          name={instance.name}
          linked={isLinked(instance)}
          onConfirm={() => mutation.mutate(confirm)}
          onClose={() => setConfirm(null)}
        />
      )}
    </>
  );
}
