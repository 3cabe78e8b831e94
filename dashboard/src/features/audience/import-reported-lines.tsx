"use client";

import type { TImport } from "@mirage/contracts/imports";
import { useTranslations } from "next-intl";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";

type Line = { line: number; column: string | null; raw: string | null };

/** A card listing reported lines of an import: line, column, the value as written and why. */
function LinesCard<L extends Line>(props: {
  title: string;
  lines: readonly L[];
  reason: (line: L) => string;
  more: boolean;
  testId: string;
}) {
  const t = useTranslations("importWizard");
  return (
    <Card>
      <CardHeader>
        <CardTitle>{props.title}</CardTitle>
      </CardHeader>
      <CardContent>
        <Table aria-label={props.title} data-testid={`${props.testId}s`}>
          <TableHeader>
            <TableRow>
              <TableHead>{t("line")}</TableHead>
              <TableHead>{t("column")}</TableHead>
              <TableHead>{t("value")}</TableHead>
              <TableHead>{t("reason")}</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {props.lines.map((e) => (
              <TableRow key={`${e.line}-${e.column}-${e.raw}`} data-testid={props.testId} data-line={e.line}>
                <TableCell className="tabular-nums">{e.line}</TableCell>
                <TableCell>{e.column ?? "—"}</TableCell>
                <TableCell className="max-w-48 truncate">{e.raw ?? "—"}</TableCell>
                <TableCell>{props.reason(e)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
        {props.more && <p className="mt-2 text-muted-foreground text-sm">{t("moreInCsv")}</p>}
      </CardContent>
    </Card>
  );
}

/**
 * The summary's reported lines: the rows rejected and the numbers left out of rows that were imported
 * (`extra_number_dropped`). Titled by what it lists — a file whose only report was a bad second number read
 * "No rejected rows" above a table with a line in it.
 */
export function ImportReportedLines({ imp }: { imp: Pick<TImport, "counts" | "errors"> }) {
  const t = useTranslations("importWizard");
  const leftOut = imp.errors.filter((e) => e.code === "extra_number_dropped").length;
  const title = [
    imp.counts.rejected > 0 || leftOut === 0 ? t("rejectedTitle", { count: imp.counts.rejected }) : null,
    leftOut > 0 ? t("leftOutTitle", { count: leftOut }) : null,
  ]
    .filter(Boolean)
    .join(" · ");
  return (
    <LinesCard
      title={title}
      lines={imp.errors}
      reason={(e) => (e.code ? t(`rejectionReason.${e.code}`) : e.reason)}
      more={imp.counts.rejected > imp.errors.length}
      testId="rejected-line"
    />
  );
}

/**
 * The summary's warnings: numbers that were imported although they are not valid in their country (`number_unlikely`:
 * a missing area code, a digit short), each with its line, column and the number as written — to check against the
 * file before a campaign sends to them.
 */
export function ImportWarningLines({ imp }: { imp: Pick<TImport, "warningCount" | "warnings"> }) {
  const t = useTranslations("importWizard");
  return (
    <LinesCard
      title={t("warningsTitle", { count: imp.warningCount })}
      lines={imp.warnings}
      reason={(w) => (t.has(`warningReason.${w.code}`) ? t(`warningReason.${w.code}`) : w.reason)}
      more={imp.warningCount > imp.warnings.length}
      testId="warning-line"
    />
  );
}
