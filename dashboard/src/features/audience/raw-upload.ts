"use client";

import type { TProblem } from "@mirage/contracts/errors";
import { ApiError } from "@/lib/api";

/**
 * POSTs a file (or a slice of it) as the raw body through the BFF, as the import and blacklist routes expect
 * (`Content-Type: text/csv`, options in the query). Throws ApiError with the problem+json of a refusal.
 */
export async function postFile<T>(path: string, body: Blob, query: Record<string, string | undefined>): Promise<T> {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== "") qs.set(k, v);
  const send = () =>
    fetch(`/api/v1${path}${qs.size > 0 ? `?${qs}` : ""}`, {
      method: "POST",
      headers: { "content-type": "text/csv" },
      body,
      credentials: "same-origin",
    });
  let res: Response;
  try {
    res = await send();
    // The BFF refreshes an expired session on the next request.
    if (res.status === 401) res = await send();
  } catch {
    throw new ApiError(0, "network", "the dashboard server is not reachable", null);
  }
  if (!res.ok) {
    const problem = (await res.json().catch(() => null)) as Partial<TProblem> | null;
    const code = typeof problem?.code === "string" ? problem.code : res.status >= 500 ? "internal" : "bad_request";
    throw new ApiError(
      res.status,
      code,
      typeof problem?.detail === "string" ? problem.detail : res.statusText,
      problem,
    );
  }
  return (await res.json()) as T;
}
