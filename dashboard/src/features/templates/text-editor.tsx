"use client";

import { useTranslations } from "next-intl";
import { useRef } from "react";
import { Button } from "@/components/ui/button";
import { NativeSelect } from "@/components/ui/input";
import { Label } from "@/components/ui/label";

const BUILTIN = ["first_name", "name", "last_name", "phone"];
const MARKS = [
  { mark: "*", key: "bold", className: "font-bold" },
  { mark: "_", key: "italic", className: "italic" },
  { mark: "~", key: "strike", className: "line-through" },
  { mark: "```", key: "mono", className: "font-mono" },
] as const;

/**
 * A message text area with a small toolbar: WhatsApp formatting around the selection, a variable or a spintax group
 * at the cursor. Everything is reachable by keyboard (the toolbar is ordinary buttons and a select).
 */
export function TextEditor(props: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  variables: string[];
}) {
  const t = useTranslations("templates.toolbar");
  const ref = useRef<HTMLTextAreaElement>(null);
  const vars = [...new Set([...BUILTIN, ...props.variables])];

  const edit = (fn: (sel: string) => string) => {
    const el = ref.current;
    if (!el) return;
    const { selectionStart: a, selectionEnd: b, value } = el;
    const inserted = fn(value.slice(a, b));
    props.onChange(value.slice(0, a) + inserted + value.slice(b));
    requestAnimationFrame(() => {
      el.focus();
      el.setSelectionRange(a + inserted.length, a + inserted.length);
    });
  };

  return (
    <div className="space-y-1">
      <Label htmlFor={props.id}>{props.label}</Label>
      <div
        role="toolbar"
        aria-label={t("label")}
        aria-controls={props.id}
        className="flex flex-wrap items-center gap-1"
      >
        {MARKS.map((m) => (
          <Button
            key={m.key}
            type="button"
            variant="outline"
            size="sm"
            className={m.className}
            aria-label={t(m.key)}
            onClick={() => edit((s) => `${m.mark}${s || t("sample")}${m.mark}`)}
          >
            {m.key === "mono" ? "</>" : t(m.key).charAt(0)}
          </Button>
        ))}
        <Button
          type="button"
          variant="outline"
          size="sm"
          onClick={() => edit((s) => `{${s || t("spinA")}|${t("spinB")}}`)}
        >
          {"{A|B}"}
        </Button>
        <NativeSelect
          aria-label={t("insertVariable")}
          className="h-8 w-auto"
          value=""
          onChange={(e) => {
            const v = e.target.value;
            if (v) edit(() => `{{${v}|${t("fallback")}}}`);
          }}
        >
          <option value="">{t("insertVariable")}</option>
          {vars.map((v) => (
            <option key={v} value={v}>
              {`{{${v}}}`}
            </option>
          ))}
        </NativeSelect>
      </div>
      <textarea
        ref={ref}
        id={props.id}
        data-testid={props.id}
        rows={5}
        maxLength={4096}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        className="flex min-h-24 w-full rounded-md border border-input bg-transparent px-3 py-2 font-mono text-sm shadow-xs outline-none focus-visible:border-ring focus-visible:ring-[3px] focus-visible:ring-ring/50 disabled:opacity-50"
      />
      <p className="text-right text-muted-foreground text-xs tabular-nums">{props.value.length} / 4096</p>
    </div>
  );
}
