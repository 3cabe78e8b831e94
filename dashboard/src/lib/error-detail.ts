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
