"use client";

import type { TImportPreview } from "@mirage/contracts/import-preview";
import { useTranslations } from "next-intl";
import { Fragment } from "react";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { NativeSelect } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { ImportPreviewNotes, ImportPreviewProblem, ImportPreviewWarnings } from "./import-preview-notes";
import type { Overrides } from "./import-wizard";
import { COLUMN_ROLES, type ColumnRole, mappingOf, rolesOf } from "./mapping";

const ENCODINGS = ["utf-8", "windows-1252", "iso-8859-1", "utf-16le"] as const;
const DELIMITERS = [",", ";", "\t", "|"] as const;
const DELIMITER_KEY = { ",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe" } as const;

/** Step 2: what was detected (editable), the column mapping (editable) and the first rows as they will be stored. */
export function ImportPreviewPanel(props: {
  preview: TImportPreview;
  overrides: Overrides;
  onChange: (o: Overrides) => void;
}) {
  const t = useTranslations("importWizard");
  const { preview: p, overrides, onChange } = props;
  const roles = rolesOf(p.header, p.mapping);
  const delimiterName = (d: string) => t(`delimiters.${DELIMITER_KEY[d as ","] ?? "other"}`);
  const setRole = (i: number, role: ColumnRole) => {
    const next = [...roles];
    next[i] = role;
    const mapping = mappingOf(p.header, next);
    // Without a phone column nothing can be imported: keep the previous mapping and say so.
    if (mapping) onChange({ ...overrides, mapping });
  };
  const stored = p.rows.filter((r) => r.contact).length;
  return (
    <Card>
      <CardHeader>
        <CardTitle>{t("step2")}</CardTitle>
      </CardHeader>
      <CardContent className="space-y-4">
        <div className="grid gap-3 sm:grid-cols-2">
          <div className="grid gap-1.5">
            <Label htmlFor="import-encoding">{t("encoding")}</Label>
            <NativeSelect
              id="import-encoding"
              value={overrides.encoding ?? p.encoding}
              onChange={(e) => onChange({ ...overrides, encoding: e.target.value })}
              data-testid="detected-encoding"
            >
              {[...new Set([p.encoding, ...ENCODINGS])].map((e) => (
                <option key={e} value={e}>
                  {e === p.encoding && !overrides.encoding ? t("detected", { value: e }) : e}
                </option>
              ))}
            </NativeSelect>
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor="import-delimiter">{t("delimiter")}</Label>
            <NativeSelect
              id="import-delimiter"
              value={overrides.delimiter ?? p.delimiter}
              onChange={(e) => onChange({ ...overrides, delimiter: e.target.value, mapping: undefined })}
              data-testid="detected-delimiter"
              data-value={p.delimiter}
            >
              {DELIMITERS.map((d) => (
                <option key={d} value={d}>
                  {d === p.delimiter && !overrides.delimiter
                    ? t("detected", { value: delimiterName(d) })
                    : delimiterName(d)}
                </option>
              ))}
            </NativeSelect>
          </div>
        </div>
        <ImportPreviewProblem preview={p} />
        <fieldset className="space-y-2">
          <legend className="font-medium text-sm">{t("mapping")}</legend>
          <p className="text-muted-foreground text-sm">{t("mappingHint")}</p>
          <div className="grid gap-2 sm:grid-cols-2 lg:grid-cols-3" data-testid="mapping">
            {p.header.map((h, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a column is its position (headers may repeat)
              <div key={i} className="grid gap-1">
                <Label htmlFor={`map-${i}`} className="truncate">
                  {h || t("unnamed", { n: i + 1 })}
                </Label>
                <NativeSelect
                  id={`map-${i}`}
                  value={roles[i]}
                  onChange={(e) => setRole(i, e.target.value as ColumnRole)}
                  data-column={h}
                >
                  {COLUMN_ROLES.map((r) => (
                    <option key={r} value={r}>
                      {r === "field" ? t("roles.field", { key: p.fields[h] ?? h }) : t(`roles.${r}`)}
                    </option>
                  ))}
                </NativeSelect>
              </div>
            ))}
          </div>
        </fieldset>
        <div className="space-y-2">
          <h3 className="font-medium text-sm">{t("previewTitle", { count: p.rows.length, stored })}</h3>
          <ImportPreviewNotes preview={p} />
          <Table aria-label={t("previewTitle", { count: p.rows.length, stored })} data-testid="import-preview">
            <TableHeader>
              <TableRow>
                <TableHead>{t("line")}</TableHead>
                <TableHead>{t("phone")}</TableHead>
                <TableHead>{t("name")}</TableHead>
                <TableHead>{t("tags")}</TableHead>
                <TableHead>{t("fields")}</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {p.rows.map((r) => (
                <Fragment key={r.line}>
                  <TableRow
                    data-testid="preview-row"
                    data-line={r.line}
                    data-ok={r.contact ? "1" : "0"}
                    data-warnings={r.warnings.map((w) => w.code).join(" ")}
                    className={r.warnings.length > 0 ? "border-b-0" : undefined}
                  >
                    <TableCell className="tabular-nums">{r.line}</TableCell>
                    {r.contact ? (
                      <>
                        <TableCell className="tabular-nums">
                          {r.contact.phone}
                          {r.contact.altPhones.length > 0 && (
                            <span className="block text-muted-foreground text-xs">
                              {r.contact.altPhones.join(", ")}
                            </span>
                          )}
                        </TableCell>
                        <TableCell>{r.contact.name ?? "—"}</TableCell>
                        <TableCell>
                          <div className="flex flex-wrap gap-1">
                            {r.contact.tags.map((tag) => (
                              <Badge key={tag} variant="outline">
                                {tag}
                              </Badge>
                            ))}
                          </div>
                        </TableCell>
                        <TableCell className="max-w-72 text-xs">
                          {Object.entries(r.contact.customFields)
                            .map(([k, v]) => `${k}: ${v}`)
                            .join(" · ")}
                        </TableCell>
                      </>
                    ) : (
                      <TableCell colSpan={4}>
                        <Badge variant="destructive">{t("rejected")}</Badge>{" "}
                        <span className="text-sm">
                          {r.rejection
                            ? `${r.rejection.raw ? `“${r.rejection.raw}” — ` : ""}${t(`rejectionReason.${r.rejection.code}`)}`
                            : "—"}
                        </span>
                      </TableCell>
                    )}
                  </TableRow>
                  {r.warnings.length > 0 && (
                    // Under the row it is about, across the stored values, so a long sentence does not widen a column.
                    <TableRow data-testid="preview-row-warnings" data-warnings-for={r.line}>
                      <TableCell />
                      <TableCell colSpan={4} className="pt-0">
                        <ImportPreviewWarnings warnings={r.warnings} />
                      </TableCell>
                    </TableRow>
                  )}
                </Fragment>
              ))}
            </TableBody>
          </Table>
        </div>
      </CardContent>
    </Card>
  );
}
