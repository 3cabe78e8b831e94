import type { ReactNode } from "react";

/**
 * One term of a number's details. The value wraps instead of being cut with an ellipsis: some values are sentences
 * (the warm-up note, a status reason in pt-BR), and a cut sentence ("…em ca") reads as broken at any width. Long
 * single words (a worker id) break too, so a narrow phone column never scrolls sideways.
 */
export function DetailField({ label, value }: { label: string; value: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-muted-foreground text-xs">{label}</dt>
      <dd className="wrap-break-word">{value}</dd>
    </div>
  );
}
