import { ApiError } from "@/lib/api";

/**
 * The API's reasons per field of a refused request (problem+json `errors`, `body.timezone` → `timezone`), to show
 * next to each field; the first reason wins. A nested path keeps its first segment (`body.words.3` → `words`).
 * Empty for anything else than an API refusal with field errors.
 */
export function fieldErrors(err: unknown): Record<string, string> {
  if (!(err instanceof ApiError)) return {};
  const out: Record<string, string> = {};
  for (const e of err.problem?.errors ?? []) {
    const field = e.path.replace(/^(body|query|params)\.?/, "").split(".")[0] ?? "";
    if (field && e.message.trim() && !(field in out)) out[field] = e.message.trim();
  }
  return out;
}
