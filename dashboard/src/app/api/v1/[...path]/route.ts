import { type NextRequest, NextResponse } from "next/server";
import { problemResponse, sessionAccess, withRefreshed } from "@/lib/server/bff";
import { serverEnv } from "@/lib/server/config";
import { ACCESS_COOKIE } from "@/lib/server/session";

// The BFF: the browser calls /api/v1/… on the dashboard's origin with its cookies; this adds the bearer token and
// forwards to the orchestrator. Token endpoints are not forwarded: tokens never travel to browser JavaScript.
const BLOCKED = /^auth\/(login|refresh|logout)$/;
// Public endpoints (an invitation is previewed and accepted by people without a session): forwarded without a token
// when there is no session, with the session's token when there is one (an existing account accepts as itself).
const PUBLIC = /^invitations\/(preview|accept)$/;
const FORWARDED_HEADERS = ["content-type", "accept", "x-request-id"];

async function forward(req: NextRequest, ctx: { params: Promise<{ path: string[] }> }): Promise<NextResponse> {
  const { path } = await ctx.params;
  const joined = path.map(encodeURIComponent).join("/");
  if (BLOCKED.test(joined)) return problemResponse(404, "not_found", "use /api/session");
  const session = await sessionAccess(req);
  if (!session && !PUBLIC.test(joined)) {
    return problemResponse(401, "unauthenticated", "your session has ended; sign in again");
  }
  const headers = new Headers(session ? { authorization: `Bearer ${session.accessToken}` } : {});
  for (const h of FORWARDED_HEADERS) {
    const v = req.headers.get(h);
    if (v) headers.set(h, v);
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  let upstream: Response;
  try {
    upstream = await fetch(`${serverEnv().MIRAGE_API_URL}/api/v1/${joined}${req.nextUrl.search}`, {
      method: req.method,
      headers,
      body: hasBody ? await req.arrayBuffer() : undefined,
      cache: "no-store",
      signal: AbortSignal.timeout(30_000),
    });
  } catch {
    return problemResponse(503, "service_unavailable", "the Mirage API is not reachable right now");
  }
  const out = new NextResponse(upstream.status === 204 ? null : upstream.body, { status: upstream.status });
  for (const h of ["content-type", "cache-control", "retry-after", "x-request-id"]) {
    const v = upstream.headers.get(h);
    if (v) out.headers.set(h, v);
  }
  // A rejected access token is dropped; the next request refreshes from the refresh cookie (or signs in again).
  if (upstream.status === 401) {
    out.cookies.delete(ACCESS_COOKIE);
    return out;
  }
  return session ? withRefreshed(out, session, req) : out;
}

export { forward as DELETE, forward as GET, forward as PATCH, forward as POST, forward as PUT };
