import "server-only";
import { type NextRequest, NextResponse } from "next/server";
import { ACCESS_COOKIE, AuthFailure, REFRESH_COOKIE, refresh, setSessionCookies, type Tokens } from "./session";

export type SessionAccess = { accessToken: string; refreshed: Tokens | null };

/**
 * The caller's access token from its cookies, refreshed server-side when the access cookie has lapsed and a refresh
 * cookie is present. Null when there is no session (or the refresh was refused).
 */
export async function sessionAccess(req: NextRequest): Promise<SessionAccess | null> {
  const access = req.cookies.get(ACCESS_COOKIE)?.value;
  if (access) return { accessToken: access, refreshed: null };
  const rt = req.cookies.get(REFRESH_COOKIE)?.value;
  if (!rt) return null;
  try {
    const tokens = await refresh(rt);
    return { accessToken: tokens.accessToken, refreshed: tokens };
  } catch (err) {
    if (err instanceof AuthFailure) return null;
    throw err;
  }
}

/** A problem+json answer produced by the dashboard's own server (the API's problems are passed through as they are). */
export function problemResponse(status: number, code: string, detail: string): NextResponse {
  return NextResponse.json(
    { type: "about:blank", title: code, status, code, detail },
    { status, headers: { "content-type": "application/problem+json" } },
  );
}

/** Applies a refresh that happened while serving this request, so the browser keeps the rotated tokens. */
export function withRefreshed(res: NextResponse, session: SessionAccess, req: NextRequest): NextResponse {
  if (session.refreshed) setSessionCookies(res, session.refreshed, req.url);
  return res;
}
