import type { Response } from "express";

/**
 * CSV answers: UTF-8 with a BOM (so Excel opens accents right), CRLF, every cell quoted when needed, and cells that a
 * spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first) prefixed with `'` — a contact named
 * `=HYPERLINK(…)` is exported as text, never as a live formula. Plain numbers (`+5511…`, `-3.5`) are left alone.
 */

const FORMULA = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?\d[\d ]*([.,]\d+)?$/;

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  let text = Array.isArray(value)
    ? value.join(", ")
    : typeof value === "object"
      ? JSON.stringify(value)
      : String(value);
  if (FORMULA.test(text) && !PLAIN_NUMBER.test(text)) text = `'${text}`;
  return /[",;\r\n\t]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(cells: readonly unknown[]): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}

/**
 * Streams rows as a CSV download. Writes respect backpressure; a client that goes away, even while the writes wait
 * for it, stops the iteration (ending `rows`: a cursor closes).
 * @param rows batches of rows (e.g. a postgres.js cursor).
 */
export async function sendCsv<T>(
  res: Response,
  filename: string,
  header: readonly string[],
  rows: AsyncIterable<T[]>,
  toCells: (row: T) => readonly unknown[],
): Promise<void> {
  res.status(200);
  res.setHeader("Content-Type", "text/csv; charset=utf-8");
  res.setHeader("Content-Disposition", `attachment; filename="${filename.replace(/[^\w.-]/g, "_")}"`);
  res.write(`\uFEFF${csvLine(header)}`);
  for await (const batch of rows) {
    if (res.destroyed) break;
    const ok = res.write(batch.map((r) => csvLine(toCells(r))).join(""));
    // A client gone while its buffers are full never drains: without "close" this would wait forever, holding the
    // rows' cursor and its database connection.
    if (!ok) await drainedOrClosed(res);
    if (res.destroyed) break;
  }
  if (!res.destroyed) res.end();
}

function drainedOrClosed(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}
