import { type NextRequest, NextResponse } from "next/server";
import { safeNext } from "@/lib/safe-next";
import { ACCESS_COOKIE, AuthFailure, REFRESH_COOKIE, refresh, setSessionCookies } from "@/lib/server/session";

/**
 * Pages only (API routes refresh for themselves): no session → sign-in with `?next=` to come back; an access cookie
 * that lapsed while the refresh cookie is valid → refreshed silently here, before the page renders with it.
 */
export async function proxy(req: NextRequest) {
  const { pathname, search } = req.nextUrl;
  const isSignIn = pathname === "/sign-in";
  // Open without a session: an invitation link is opened by people who have no account (or are not signed in) yet.
  const isPublic = isSignIn || pathname.startsWith("/invitations/");
  const access = req.cookies.get(ACCESS_COOKIE)?.value;
  const rt = req.cookies.get(REFRESH_COOKIE)?.value;

  if (!access && rt) {
    try {
      const tokens = await refresh(rt);
      // The page rendered for this request must see the new token too, so the request's cookies are rewritten.
      req.cookies.set(ACCESS_COOKIE, tokens.accessToken);
      req.cookies.set(REFRESH_COOKIE, tokens.refreshToken);
      const res = isSignIn
        ? NextResponse.redirect(new URL(safeNext(req.nextUrl.searchParams.get("next")), req.url))
        : NextResponse.next({ request: { headers: withPath(req) } });
      setSessionCookies(res, tokens, req.url);
      return res;
    } catch (err) {
      if (!(err instanceof AuthFailure)) throw err;
      const res = isPublic ? NextResponse.next() : toSignIn(req, pathname + search);
      res.cookies.delete(REFRESH_COOKIE);
      return res;
    }
  }
  if (!access && !isPublic) return toSignIn(req, pathname + search);
  // A sign-in page with an access cookie is still shown: the cookie may hold a token the API now refuses (a page
  // sent the user here for that reason), and redirecting back would loop.
  return NextResponse.next({ request: { headers: withPath(req) } });
}

/** The page's path for server components (a redirect to sign-in from there comes back to it). */
function withPath(req: NextRequest): Headers {
  const h = new Headers(req.headers);
  h.set("x-mirage-path", req.nextUrl.pathname + req.nextUrl.search);
  return h;
}

function toSignIn(req: NextRequest, next: string): NextResponse {
  const url = new URL("/sign-in", req.url);
  if (next && next !== "/") url.searchParams.set("next", next);
  return NextResponse.redirect(url);
}

export const config = {
  matcher: ["/((?!api/|_next/|favicon.ico|icon.svg).*)"],
};
