"use client";

import { useTranslations } from "next-intl";
import type { ReactNode } from "react";
import { Table, TableBody, TableHead, TableHeader, TableRow } from "@/components/ui/table";

// The table every settings page repeats (members, invitations, API keys, webhooks and their deliveries, audit log).
// Without dialogs, so a page that only lists (the audit log) does not load their code.

/** The header cell of a row-actions column: announced to screen readers, empty on screen. */
export function ActionsHead() {
  const tc = useTranslations("common");
  return (
    <TableHead>
      <span className="sr-only">{tc("actions")}</span>
    </TableHead>
  );
}

/**
 * A table with one heading a column (and, unless `actions` is false, the unlabeled actions column last), or `empty`
 * in its place when given: pass it only once the rows are known to be none, so a loading table stays a table.
 */
export function SettingsTable(props: {
  heads: string[];
  actions?: boolean;
  empty?: ReactNode;
  testId?: string;
  children: ReactNode;
}) {
  if (props.empty) return props.empty;
  return (
    <Table data-testid={props.testId}>
      <TableHeader>
        <TableRow>
          {props.heads.map((h) => (
            <TableHead key={h}>{h}</TableHead>
          ))}
          {props.actions !== false && <ActionsHead />}
        </TableRow>
      </TableHeader>
      <TableBody>{props.children}</TableBody>
    </Table>
  );
}
