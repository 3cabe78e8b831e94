import { CUSTOM_FIELD_KEY } from "@mirage/contracts/contacts";

/**
 * Editing a contact's custom fields as rows of key and value, sent as one merged `PATCH /contacts/{id}` (packages/
 * contracts): changed and new keys with their text, removed (or renamed-away) keys as `null`; untouched ones are not
 * sent, so a number or a yes/no stored by an import keeps its type.
 */

export type FieldRow = {
  /** Stable React key of the row. */
  id: number;
  key: string;
  value: string;
  /** The stored key this row was loaded from (none for a row added here). */
  from?: string;
};

export type FieldProblem = "empty" | "invalid" | "duplicate";

/** How a stored value reads in a text box (the API may hold numbers, yes/no, or anything an API client wrote). */
export function fieldText(v: unknown): string {
  if (v === null || v === undefined) return "";
  return typeof v === "object" ? JSON.stringify(v) : String(v);
}

export function fieldRows(fields: Record<string, unknown>): FieldRow[] {
  return Object.entries(fields).map(([key, v], i) => ({ id: i, key, value: fieldText(v), from: key }));
}

/** A new row added by hand with nothing typed yet: ignored rather than refused. */
const blank = (r: FieldRow) => r.from === undefined && r.key.trim() === "" && r.value === "";

/** Whether a row's value is sent (a change or a new key), i.e. whether its key must pass the API's rule. */
function sends(r: FieldRow, fields: Record<string, unknown>): boolean {
  const key = r.key.trim();
  return !(r.from === key && r.value === fieldText(fields[key]));
}

/**
 * Per row, why it cannot be saved: a key left empty, a key no template could read (the API's CUSTOM_FIELD_KEY), or
 * the same key twice. A stored key that breaks the rule is only flagged once its value is changed.
 */
export function fieldProblems(fields: Record<string, unknown>, rows: readonly FieldRow[]): (FieldProblem | null)[] {
  const seen = new Map<string, number>();
  for (const r of rows) if (!blank(r)) seen.set(r.key.trim(), (seen.get(r.key.trim()) ?? 0) + 1);
  return rows.map((r) => {
    if (blank(r)) return null;
    const key = r.key.trim();
    if (key === "") return "empty";
    if ((seen.get(key) ?? 0) > 1) return "duplicate";
    if (sends(r, fields) && !CUSTOM_FIELD_KEY.test(key)) return "invalid";
    return null;
  });
}

/** The merged PATCH body of the rows, or null when nothing changed (no request). */
export function customFieldsPatch(
  fields: Record<string, unknown>,
  rows: readonly FieldRow[],
): { customFields: Record<string, string | null>; mergeCustomFields: true } | null {
  const out: Record<string, string | null> = {};
  const kept = new Set(rows.filter((r) => !blank(r) && r.from === r.key.trim()).map((r) => r.key.trim()));
  for (const key of Object.keys(fields)) if (!kept.has(key)) out[key] = null;
  for (const r of rows) if (!blank(r) && sends(r, fields)) out[r.key.trim()] = r.value;
  return Object.keys(out).length === 0 ? null : { customFields: out, mergeCustomFields: true };
}
