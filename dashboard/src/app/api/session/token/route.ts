import { type NextRequest, NextResponse } from "next/server";
import { problemResponse, sessionAccess, withRefreshed } from "@/lib/server/bff";

/**
 * The short-lived access token, for the socket.io handshake only (socket.io connects to the orchestrator directly).
 * The refresh token never leaves the httpOnly cookie.
 */
export async function GET(req: NextRequest) {
  const session = await sessionAccess(req);
  if (!session) return problemResponse(401, "unauthenticated", "sign in again");
  const res = NextResponse.json({ token: session.accessToken }, { headers: { "cache-control": "no-store" } });
  return withRefreshed(res, session, req);
}
