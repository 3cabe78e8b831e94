import { ZLoginRequest } from "@mirage/contracts/auth";
import { type NextRequest, NextResponse } from "next/server";
import { problemResponse } from "@/lib/server/bff";
import {
  ACCESS_COOKIE,
  AuthFailure,
  clearSessionCookies,
  login,
  logout,
  REFRESH_COOKIE,
  setSessionCookies,
} from "@/lib/server/session";

/** Sign in: the tokens go into httpOnly cookies; the browser gets only `{ ok: true }`. */
export async function POST(req: NextRequest) {
  const body = ZLoginRequest.safeParse(await req.json().catch(() => null));
  if (!body.success) return problemResponse(400, "validation_failed", "email and password are required");
  try {
    const tokens = await login(body.data.email, body.data.password);
    const res = NextResponse.json({ ok: true });
    setSessionCookies(res, tokens, req.url);
    return res;
  } catch (err) {
    if (err instanceof AuthFailure) {
      return NextResponse.json(err.problem ?? {}, {
        status: err.status,
        headers: { "content-type": "application/problem+json" },
      });
    }
    return problemResponse(503, "service_unavailable", "the API is not reachable right now");
  }
}

/** Sign out: revokes the refresh token at the provider and clears both cookies. */
export async function DELETE(req: NextRequest) {
  const rt = req.cookies.get(REFRESH_COOKIE)?.value;
  if (rt) await logout(rt, req.cookies.get(ACCESS_COOKIE)?.value);
  const res = new NextResponse(null, { status: 204 });
  clearSessionCookies(res);
  return res;
}
