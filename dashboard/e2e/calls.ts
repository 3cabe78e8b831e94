/** The browser suites' calls besides the browser: JSON to the API or wa-sim's control API, from the page, polling. */
import { until as pollUntil } from "@mirage/testing/until";
import type { Page } from "playwright-core";

// biome-ignore lint/suspicious/noExplicitAny: API answers in a test
export type Json = Record<string, any>;

/**
 * A JSON call from the test process to `url`, with a bearer `token` when given and `body` as JSON when given.
 * Answers the status and the parsed body (`{}` when empty); never throws on a status.
 */
export async function jsonCall(
  method: string,
  url: string,
  opts: { token?: string | null; body?: unknown } = {},
): Promise<{ status: number; body: Json }> {
  const res = await fetch(url, {
    method,
    headers: {
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      ...(opts.body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Json) : {} };
}

/**
 * A same-origin API call from the page (`/api/v1<route>`, the BFF carrying the signed-in user's session): GET, or
 * POST with `body` as JSON. Answers the status and the parsed body.
 */
export async function pageApi<T>(page: Page, route: string, body?: unknown): Promise<{ status: number; body: T }> {
  return page.evaluate(
    async ({ route, body }) => {
      const res = await fetch(`/api/v1${route}`, {
        method: body === undefined ? "GET" : "POST",
        headers: body === undefined ? undefined : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: await res.json() };
    },
    { route, body },
  );
}

/** The shared polling helper (`@mirage/testing/until`) at a browser's pace: every 200 ms, `what` named on timeout. */
export function until<T>(
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  ms: number,
  what: string,
): Promise<T> {
  return pollUntil(fn, ms, what, 200);
}

/**
 * Adds a number per `accounts` entry (named `sender-1`, `sender-2`, …) through the API and pairs it the way a phone
 * does: the virtual phone scans the QR the API serves (`scan`). Waits until each is connected; answers their ids.
 */
export async function pairThroughApi(opts: {
  apiUrl: string;
  orgId: string;
  token: string;
  accounts: string[];
  scan: (account: string, qr: string) => void;
}): Promise<string[]> {
  const url = (p: string) => `${opts.apiUrl}/api/v1/orgs/${opts.orgId}${p}`;
  const ids: string[] = [];
  for (const [i, account] of opts.accounts.entries()) {
    const created = await jsonCall("POST", url("/instances"), { token: opts.token, body: { name: `sender-${i + 1}` } });
    if (created.status !== 201) throw new Error(`adding sender-${i + 1}: ${JSON.stringify(created.body)}`);
    const id = created.body.id as string;
    const qr = await until(
      async () => {
        const r = await jsonCall("GET", url(`/instances/${id}/qr`), { token: opts.token });
        return r.status === 200 ? (r.body.qr as string) : undefined;
      },
      90_000,
      "a QR code",
    );
    opts.scan(account, qr);
    await until(
      async () => (await jsonCall("GET", url(`/instances/${id}`), { token: opts.token })).body.status === "connected",
      90_000,
      `sender-${i + 1} connected`,
    );
    ids.push(id);
  }
  return ids;
}
