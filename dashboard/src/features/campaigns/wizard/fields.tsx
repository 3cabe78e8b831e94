"use client";

import type { ComponentProps, ReactNode } from "react";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { cn } from "@/lib/utils";

// The form rows the wizard's pacing and schedule steps share: a labelled input, a min/max (from/until) pair of them,
// an inline time range, and a checkbox with its label.

const check = "size-4 accent-[var(--primary)]";

type FieldProps = { id: string; label: string } & Omit<ComponentProps<typeof Input>, "id">;

/** An input with its visible label above it (`id` ties them). The other props go to the input. */
export function Field({ id, label, ...input }: FieldProps) {
  return (
    <div className="space-y-1">
      <Label htmlFor={id}>{label}</Label>
      <Input id={id} {...input} />
    </div>
  );
}

/**
 * The two ends of a range (min and max, from and until) as two labelled fields, side by side in the caller's grid:
 * a fragment, so each end takes one cell of it.
 */
export function RangeField({ from, to }: { from: FieldProps; to: FieldProps }) {
  return (
    <>
      <Field {...from} />
      <Field {...to} />
    </>
  );
}

/** A time of day range on one line, "from – until", each input named for screen readers by its own label. */
export function TimeRange(props: {
  from: { label: string; value: string; onChange: (value: string) => void };
  to: { label: string; value: string; onChange: (value: string) => void };
  disabled?: boolean;
}) {
  const end = (e: { label: string; value: string; onChange: (value: string) => void }) => (
    <Input
      type="time"
      className="w-32"
      aria-label={e.label}
      disabled={props.disabled}
      value={e.value}
      onChange={(ev) => e.onChange(ev.target.value)}
    />
  );
  return (
    <>
      {end(props.from)}
      <span aria-hidden>–</span>
      {end(props.to)}
    </>
  );
}

/**
 * A checkbox with its label on one line; with `help`, the label and a smaller explanation under it. `className` goes
 * to the label (e.g. a grid span).
 */
export function CheckField(props: {
  label: ReactNode;
  help?: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  testId?: string;
  className?: string;
}) {
  return (
    <label className={cn("flex gap-2 text-sm", props.help ? "items-start" : "items-center", props.className)}>
      <input
        type="checkbox"
        className={props.help ? `mt-0.5 ${check}` : check}
        data-testid={props.testId}
        checked={props.checked}
        onChange={(e) => props.onChange(e.target.checked)}
      />
      {props.help ? (
        <span>
          <span className="block">{props.label}</span>
          <span className="block text-muted-foreground text-xs">{props.help}</span>
        </span>
      ) : (
        props.label
      )}
    </label>
  );
}
