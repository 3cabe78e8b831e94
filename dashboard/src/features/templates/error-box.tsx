"use client";

import { useErrorMessage } from "@/lib/use-error-message";

/** An API error in words (title and the API's reason), announced to screen readers. */
export function ErrorBox({ error }: { error: unknown }) {
  const { describe } = useErrorMessage();
  const d = describe(error);
  return (
    <div role="alert" className="rounded-md border border-destructive/40 bg-destructive/10 p-4">
      <p className="font-medium">{d.title}</p>
      {d.detail && <p className="text-muted-foreground text-sm">{d.detail}</p>}
    </div>
  );
}
