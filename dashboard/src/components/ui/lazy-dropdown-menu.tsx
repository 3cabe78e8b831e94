"use client";

import { cloneElement, type ReactElement, type ReactNode, useEffect, useRef, useState } from "react";

type Ui = typeof import("./dropdown-menu");
type TriggerProps = {
  onClick?: (e: React.MouseEvent) => void;
  onPointerDown?: (e: React.PointerEvent) => void;
  onPointerEnter?: (e: React.PointerEvent) => void;
  onFocus?: (e: React.FocusEvent) => void;
  "aria-haspopup"?: "menu";
  "aria-expanded"?: boolean;
};

const loadUi = () => import("./dropdown-menu");

/**
 * A dropdown menu whose Radix code (menu, popper, focus scope: ≈ 29 kB gzipped) loads on first use instead of with
 * the page. Until then `trigger` renders as a plain button; hovering or focusing it starts the download, clicking it
 * opens the menu as soon as the code is there. `children` renders the items with the loaded components
 * (`ui.DropdownMenuItem`, `ui.DropdownMenuRadioGroup`, …), which is why it is a function.
 */
export function LazyDropdownMenu(props: {
  trigger: ReactElement<TriggerProps>;
  align?: "start" | "center" | "end";
  className?: string;
  children: (ui: Ui) => ReactNode;
}) {
  const [ui, setUi] = useState<Ui | null>(null);
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLSpanElement>(null);
  const hadFocus = useRef(false);
  const load = () => {
    if (!ui) void loadUi().then((m) => setUi(() => m));
  };

  // The loaded trigger replaces the placeholder element: keep keyboard focus where it was.
  useEffect(() => {
    if (ui && hadFocus.current) box.current?.querySelector<HTMLElement>("button,[tabindex]")?.focus();
  }, [ui]);

  if (!ui) {
    return (
      <span ref={box} className="contents">
        {cloneElement(props.trigger, {
          "aria-haspopup": "menu",
          "aria-expanded": false,
          onPointerEnter: load,
          onFocus: () => {
            hadFocus.current = true;
            load();
          },
          // Opened on pointerdown, as Radix's trigger does: hovering starts the download, and when the code arrives
          // between the press and the release the button is replaced, so the click never fires and was lost.
          onPointerDown: () => {
            setOpen(true);
            load();
          },
          // Keyboard (Enter, Space) and assistive technologies click without a pointer.
          onClick: () => {
            setOpen(true);
            load();
          },
        })}
      </span>
    );
  }
  return (
    <span ref={box} className="contents">
      <ui.DropdownMenu open={open} onOpenChange={setOpen}>
        <ui.DropdownMenuTrigger asChild>{props.trigger}</ui.DropdownMenuTrigger>
        <ui.DropdownMenuContent align={props.align} className={props.className}>
          {props.children(ui)}
        </ui.DropdownMenuContent>
      </ui.DropdownMenu>
    </span>
  );
}
