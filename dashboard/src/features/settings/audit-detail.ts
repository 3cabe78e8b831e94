/**
 * An audit entry's `detail` as one line an admin can scan (`scopes: read, messages:send · via: evolution`): what the
 * change carried beyond its action and target (a renamed organization's new name, an import's counts). Keys are
 * named by `label` (the page's language; a key it does not know stays as the API names it), and each plain value
 * (a string, or an array's items) by `value` (a member's id as their email, `closed` in the page's language; the
 * value itself when it knows none); arrays are joined, nested objects written as JSON, empty values left out. Empty
 * string when there is nothing to show.
 */
export function auditDetailText(
  detail: Record<string, unknown> | null | undefined,
  max = 300,
  label: (key: string) => string = (key) => key,
  value: (key: string, value: string) => string = (_key, v) => v,
): string {
  if (!detail) return "";
  const named = value;
  const parts: string[] = [];
  for (const [key, value] of Object.entries(detail)) {
    if (value === null || value === undefined || value === "") continue;
    const plain = (v: unknown) => (typeof v === "string" ? named(key, v) : String(v));
    const shown = Array.isArray(value)
      ? value.map((v) => (typeof v === "object" && v !== null ? JSON.stringify(v) : plain(v))).join(", ")
      : typeof value === "object"
        ? JSON.stringify(value)
        : plain(value);
    if (shown.length > 0) parts.push(`${label(key)}: ${shown}`);
  }
  const text = parts.join(" · ");
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
