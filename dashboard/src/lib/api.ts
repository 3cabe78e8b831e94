import type { TProblem } from "@mirage/contracts/errors";

/** An API answer that was not 2xx, with the problem+json body when there was one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly problem: Partial<TProblem> | null,
  ) {
    super(detail || code);
    this.name = "ApiError";
  }
}

function toSignIn(): never {
  const next = window.location.pathname + window.location.search;
  window.location.assign(`/sign-in?next=${encodeURIComponent(next)}`);
  throw new ApiError(401, "unauthenticated", "redirecting to sign-in", null);
}

async function readProblem(res: Response): Promise<ApiError> {
  const body = (await res.json().catch(() => null)) as Partial<TProblem> | null;
  const code = typeof body?.code === "string" ? body.code : res.status >= 500 ? "service_unavailable" : "bad_request";
  return new ApiError(res.status, code, typeof body?.detail === "string" ? body.detail : res.statusText, body);
}

/** The BFF round trip shared by api() and apiBlob(): a 401 retried once, a second one to sign-in, problems thrown. */
async function send(path: string, init: { method?: string; body?: unknown }): Promise<Response> {
  const request = () =>
    fetch(`/api/v1${path}`, {
      method: init.method ?? "GET",
      headers: init.body === undefined ? undefined : { "content-type": "application/json" },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      credentials: "same-origin",
    });
  let res: Response;
  try {
    res = await request();
    if (res.status === 401) res = await request();
  } catch {
    throw new ApiError(0, "network", "the dashboard server is not reachable", null);
  }
  if (res.status === 401) toSignIn();
  if (!res.ok) throw await readProblem(res);
  return res;
}

/**
 * Calls the orchestrator's API through the dashboard's BFF (`/api/v1/…`, cookies carry the session). A 401 is retried
 * once (the server refreshes the session on the next request); a second one sends the user to sign-in and back.
 * Throws ApiError for any other non-2xx answer; answers undefined for 204.
 */
export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const res = await send(path, init);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/**
 * A file from the API (a CSV export) as a Blob, with api()'s session and error handling: a lapsed session refreshes
 * or goes to sign-in, and a refusal becomes an ApiError to show, instead of a downloaded error page.
 */
export async function apiBlob(path: string): Promise<Blob> {
  return (await send(path, {})).blob();
}

/** Saves a Blob as a download named `filename` (the browser's own download, no URL carrying the session). */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  // After the click has handed the URL to the download; revoking at once can cancel it in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** POST to one of the dashboard's own routes (session, simulator) with the same error handling. */
export async function dashboardPost<T>(path: string, body: unknown): Promise<T> {
  const res = await fetch(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  }).catch(() => null);
  if (!res) throw new ApiError(0, "network", "the dashboard server is not reachable", null);
  if (!res.ok) throw await readProblem(res);
  return (await res.json()) as T;
}
