/** A field error of a problem+json answer: `body.url`, `query.to`, … and what is wrong with it. */
export type FieldError = { path: string; message: string };

/**
 * The detail shown under an error's title: the API's `detail`, then the field errors that add something to it. A
 * field error whose message the detail already says (a refused webhook URL: "refused webhook target: X" and
 * `body.url: X`) is left out rather than said twice; the others follow, named without the request part they were
 * in (`url`, not `body.url`). Undefined when there is nothing to say.
 */
export function errorDetail(detail: string | undefined, errors: readonly FieldError[] | undefined): string | undefined {
  const said = (detail ?? "").trim();
  const lower = said.toLowerCase();
  const fields = (errors ?? [])
    .filter((e) => e.message.trim() !== "" && !lower.includes(e.message.trim().toLowerCase()))
    .map((e) => {
      const field = e.path.replace(/^(body|query|params|headers)\.?/, "");
      return field ? `${field}: ${e.message.trim()}` : e.message.trim();
    });
  const unique = [...new Set(fields)].join("; ");
  return [said, unique].filter(Boolean).join(" — ") || undefined;
}

/** `text` as compared for sameness: trimmed, lower case, without the final punctuation. */
const comparable = (text: string): string =>
  text
    .trim()
    .toLowerCase()
    .replace(/[\s.!?…:;,。]+$/u, "");

/** Whether two sentences say the same thing: equal ignoring case, outer spaces and the final punctuation. */
export function sameWords(a: string, b: string): boolean {
  return comparable(a) === comparable(b);
}

/**
 * The words an error is shown with: the sentence for the problem's `reasonCode` alone when the catalogue has one
 * (specific and in the user's language); else the generic sentence for the code (in the user's language) with the
 * API's own reason under it (`detail` with its field errors, see errorDetail) when that says something more; else
 * the generic sentence alone. Never the same words twice: a wrong sign-in said "Wrong email or password." then
 * "wrong email or password", and a refused upload "The server does not accept this kind of content." before the
 * useful "This is a spreadsheet workbook…".
 */
export function errorMessage(parts: { reason?: string | undefined; detail?: string | undefined; generic: string }): {
  title: string;
  detail: string | undefined;
} {
  const reason = parts.reason?.trim();
  if (reason) return { title: reason, detail: undefined };
  const detail = parts.detail?.trim();
  if (detail && !sameWords(detail, parts.generic)) return { title: parts.generic, detail };
  return { title: parts.generic, detail: undefined };
}
