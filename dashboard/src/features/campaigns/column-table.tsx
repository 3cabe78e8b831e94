"use client";

import type { ReactNode } from "react";

// The campaign pages' light tables (a live campaign's numbers, the wizard's dry run): native table markup with a
// heading per column scoped for screen readers, scrolling sideways on narrow screens. Rows are the caller's.

const LOOKS = {
  /** Inside a card: no frame, small muted headings, cells spaced on the right. */
  plain: {
    frame: "overflow-x-auto",
    head: "text-left text-muted-foreground text-xs",
    th: "py-1 pr-2 font-medium",
    lastTh: "py-1 font-medium",
  },
  /** On its own: a bordered frame and a tinted heading row. */
  boxed: {
    frame: "overflow-x-auto rounded-md border",
    head: "bg-muted/50 text-left",
    th: "px-3 py-2 font-medium",
    lastTh: "px-3 py-2 font-medium",
  },
} as const;

/**
 * A table with the given column headings (in order), named by a caption read only by screen readers, or by a
 * heading already on the page (`labelledBy`, its id: the name is then not read twice).
 */
export function ColumnTable(props: {
  heads: string[];
  look: keyof typeof LOOKS;
  caption?: string;
  labelledBy?: string;
  testId?: string;
  children: ReactNode;
}) {
  const look = LOOKS[props.look];
  return (
    <div className={look.frame}>
      <table className="w-full text-sm" data-testid={props.testId} aria-labelledby={props.labelledBy}>
        {props.caption && <caption className="sr-only">{props.caption}</caption>}
        <thead className={look.head}>
          <tr>
            {props.heads.map((h, i) => (
              <th key={h} scope="col" className={i === props.heads.length - 1 ? look.lastTh : look.th}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}
