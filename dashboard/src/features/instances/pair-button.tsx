"use client";

import type { TInstance } from "@mirage/contracts/instances";
import { useQueryClient } from "@tanstack/react-query";
import { QrCodeIcon } from "lucide-react";
import dynamic from "next/dynamic";
import { useTranslations } from "next-intl";
import { useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { useSession } from "@/features/shell/session-context";
import { api } from "@/lib/api";
import { can } from "@/lib/permissions";
import { instancesKey } from "@/lib/realtime";
import { useErrorMessage } from "@/lib/use-error-message";
import { needsStartToPair, offersPairing } from "./pairing";

const PairNumberDialog = dynamic(() => import("./pair-number-dialog").then((m) => m.PairNumberDialog), {
  ssr: false,
});

/**
 * "Pair": shown to writers on a number that needs a QR or pairing code (see offersPairing). It starts the number when
 * no QR can come otherwise, and opens the same QR dialog as "Add number", where new codes arrive live.
 */
export function PairButton({ instance, className }: { instance: TInstance; className?: string }) {
  const t = useTranslations("actions");
  const { org } = useSession();
  const qc = useQueryClient();
  const { toastError } = useErrorMessage();
  const [open, setOpen] = useState(false);
  const [loaded, setLoaded] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const offered = offersPairing(instance, can(org.role, "instances.write"));
  // The dialog stays open once opened, to say "connected"; the button goes as soon as the number needs no pairing.
  if (!offered && !open) return null;
  const onClick = () => {
    if (needsStartToPair(instance)) {
      api<unknown>(`/orgs/${org.id}/instances/${instance.id}/start`, { method: "POST" })
        .then(() => qc.invalidateQueries({ queryKey: instancesKey(org.id) }))
        .catch(toastError);
    }
    setLoaded(true);
    setOpen(true);
  };
  return (
    <>
      {offered && (
        <Button
          ref={button}
          variant="outline"
          size="sm"
          className={className}
          data-testid="pair-instance"
          aria-haspopup="dialog"
          aria-expanded={open}
          onClick={onClick}
        >
          <QrCodeIcon aria-hidden /> {t("pair")}
        </Button>
      )}
      {loaded && (
        <PairNumberDialog
          instanceId={instance.id}
          open={open}
          onOpenChange={(o) => {
            setOpen(o);
            // Back to the button when it is still there; a paired number has none.
            if (!o) setTimeout(() => button.current?.focus(), 0);
          }}
        />
      )}
    </>
  );
}
