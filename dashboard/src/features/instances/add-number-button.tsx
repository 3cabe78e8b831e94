"use client";

import { PlusIcon } from "lucide-react";
import dynamic from "next/dynamic";
import { useTranslations } from "next-intl";
import { useRef, useState } from "react";
import { Button } from "@/components/ui/button";

const AddNumberDialog = dynamic(() => import("./add-number-dialog").then((m) => m.AddNumberDialog), { ssr: false });

/** "Add number": the button is on the page at once; the dialog's code is fetched on the first press. */
export function AddNumberButton({ size }: { size?: "lg" }) {
  const t = useTranslations("add");
  const [open, setOpen] = useState(false);
  const [loaded, setLoaded] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  return (
    <>
      <Button
        ref={button}
        size={size ?? "default"}
        data-testid="add-number"
        aria-haspopup="dialog"
        aria-expanded={open}
        onClick={() => {
          setLoaded(true);
          setOpen(true);
        }}
      >
        <PlusIcon aria-hidden /> {t("button")}
      </Button>
      {loaded && (
        <AddNumberDialog
          open={open}
          onOpenChange={(o) => {
            setOpen(o);
            // Back to the button, as a dialog trigger would.
            if (!o) setTimeout(() => button.current?.focus(), 0);
          }}
        />
      )}
    </>
  );
}
