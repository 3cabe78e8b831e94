"use client";

import type { ReactNode } from "react";
import { ErrorBox } from "@/components/page-parts";
import { Skeleton } from "@/components/ui/skeleton";

// The pieces the organization settings cards share: a field's own reason for a refusal, a value shown to those who
// may not change it, and a card's body while its data loads or when it could not be read.

/** The id of the reason shown under field `id`, for its `aria-describedby`. */
export const reasonId = (id: string) => `${id}-reason`;

/** The API's reason for refusing field `id` (see fieldErrors), under it and tied to it; nothing when none. */
export function FieldReason({ id, reason }: { id: string; reason: string | undefined }) {
  if (!reason) return null;
  return (
    <p id={reasonId(id)} role="alert" className="text-destructive text-sm">
      {reason}
    </p>
  );
}

/** The props that tie an input to its reason when it has one. */
export const invalidProps = (id: string, reason: string | undefined, help?: string) => ({
  "aria-invalid": reason ? true : undefined,
  "aria-describedby": [reason ? reasonId(id) : null, help ?? null].filter(Boolean).join(" ") || undefined,
});

/** A setting as text, for members who may read it but not change it. */
export function ReadOnlyList({ items }: { items: { label: string; value: ReactNode; testId?: string }[] }) {
  return (
    <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[auto_1fr]">
      {items.map((i) => (
        <div key={i.label} className="contents">
          <dt className="text-muted-foreground">{i.label}</dt>
          <dd className="font-medium" data-testid={i.testId}>
            {i.value}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** A card's body: `children` once `data` is read, a skeleton before, the error in words when it could not be. */
export function Loaded<T>(props: { data: T | undefined; error: unknown; children: (data: T) => ReactNode }) {
  if (props.error) return <ErrorBox error={props.error} className="p-3 text-sm" />;
  if (props.data === undefined) return <Skeleton className="h-24" />;
  return <>{props.children(props.data)}</>;
}
