import Papa from "papaparse";

/** The columns of `GET …/imports/{id}/errors.csv`, in order. */
const COLUMNS = ["line", "column", "raw", "reason", "code"] as const;

export type ErrorsCsvWords = {
  /** The header of each column in the reader's language. */
  headers: Record<(typeof COLUMNS)[number], string>;
  /** The reason for a rejection code in the reader's language; undefined keeps the API's (English) sentence. */
  reason(code: string): string | undefined;
};

/**
 * The API's rejected-lines CSV in the reader's language: headers and the reason column translated, the code column
 * kept as it is (what a spreadsheet filters on in any language), every other cell untouched. Parsed and written with
 * papaparse (values may hold commas, quotes and line breaks); returned with a BOM so spreadsheets read UTF-8.
 * A file whose header is not the expected one is returned unchanged.
 */
export function localizeErrorsCsv(csv: string, words: ErrorsCsvWords): string {
  const parsed = Papa.parse<string[]>(csv.replace(/^\uFEFF/, ""), { skipEmptyLines: true });
  const [header, ...rows] = parsed.data;
  if (!header || header.join(",") !== COLUMNS.join(",")) return csv;
  const reasonAt = COLUMNS.indexOf("reason");
  const codeAt = COLUMNS.indexOf("code");
  const translated = rows.map((row) => {
    const reason = words.reason(row[codeAt] ?? "");
    return reason === undefined ? row : row.map((cell, i) => (i === reasonAt ? reason : cell));
  });
  return `\uFEFF${Papa.unparse([COLUMNS.map((c) => words.headers[c]), ...translated], { newline: "\r\n" })}\r\n`;
}
