"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { Dialog, DialogContent } from "@/components/ui/dialog";
import { type PairMode, PairStep } from "./pair-step";

/** The add dialog's QR / pairing-code step for a number that already exists; loads on the first "Pair" press. */
export function PairNumberDialog({
  instanceId,
  open,
  onOpenChange,
}: {
  instanceId: string;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const tc = useTranslations("common");
  const [mode, setMode] = useState<PairMode>("qr");
  const change = (o: boolean) => {
    onOpenChange(o);
    if (!o) setMode("qr");
  };
  return (
    <Dialog open={open} onOpenChange={change}>
      <DialogContent closeLabel={tc("close")} className="sm:max-w-md" data-testid="pair-dialog">
        <PairStep instanceId={instanceId} mode={mode} setMode={setMode} onDone={() => change(false)} />
      </DialogContent>
    </Dialog>
  );
}
