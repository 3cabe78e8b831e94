import "server-only";
import { ZTokenPair } from "@mirage/contracts/auth";
import type { NextResponse } from "next/server";
import { AuthFailure, type Tokens } from "./auth-types";
import { serverEnv } from "./config";
import { supabaseLogin, supabaseLogout, supabaseRefresh } from "./supabase-auth";

/** Cookie names. Both are httpOnly: browser JavaScript never reads either token from them. */
export const ACCESS_COOKIE = "mirage_at";
export const REFRESH_COOKIE = "mirage_rt";
const REFRESH_MAX_AGE_S = 30 * 24 * 3600;

export { AuthFailure, type Tokens };

async function orchestratorAuth(path: string, body: unknown): Promise<Tokens> {
  const res = await fetch(`${serverEnv().MIRAGE_API_URL}/api/v1/auth/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    cache: "no-store",
  });
  const json: unknown = await res.json().catch(() => null);
  if (!res.ok) throw new AuthFailure(res.status, json);
  const pair = ZTokenPair.parse(json);
  return { accessToken: pair.accessToken, refreshToken: pair.refreshToken, expiresIn: pair.expiresIn };
}

/** Email and password → tokens, with the configured provider. Throws AuthFailure with the API's problem. */
export function login(email: string, password: string): Promise<Tokens> {
  return serverEnv().AUTH_PROVIDER === "supabase"
    ? supabaseLogin(email, password)
    : orchestratorAuth("login", { email, password });
}

// Refresh tokens rotate and a reused one revokes the whole login, so concurrent requests holding the same refresh
// token must share one refresh. Results are kept briefly for requests that arrive just after it completed (the
// browser may still send the old cookie). The map lives on globalThis because the proxy and the route handlers are
// separate bundles in one server process: a module-level map each would let both refresh the same token.
const REFRESHES = Symbol.for("mirage.dashboard.refreshes");
const holder = globalThis as typeof globalThis & { [REFRESHES]?: Map<string, Promise<Tokens>> };
holder[REFRESHES] ??= new Map();
const inflight: Map<string, Promise<Tokens>> = holder[REFRESHES];

/** Exchanges a refresh token (once, shared by concurrent callers) for new tokens. */
export function refresh(refreshToken: string): Promise<Tokens> {
  const existing = inflight.get(refreshToken);
  if (existing) return existing;
  const p =
    serverEnv().AUTH_PROVIDER === "supabase"
      ? supabaseRefresh(refreshToken)
      : orchestratorAuth("refresh", { refreshToken });
  inflight.set(refreshToken, p);
  p.then(
    () => setTimeout(() => inflight.delete(refreshToken), 30_000).unref?.(),
    () => inflight.delete(refreshToken),
  );
  return p;
}

export async function logout(refreshToken: string, accessToken: string | undefined): Promise<void> {
  if (serverEnv().AUTH_PROVIDER === "supabase") return supabaseLogout(refreshToken, accessToken);
  await fetch(`${serverEnv().MIRAGE_API_URL}/api/v1/auth/logout`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ refreshToken }),
  }).catch(() => undefined);
}

function secure(requestUrl: string): boolean {
  const mode = serverEnv().DASHBOARD_SECURE_COOKIES;
  return mode === "auto" ? requestUrl.startsWith("https:") : mode === "true";
}

/** Puts the tokens in httpOnly SameSite=Lax cookies; the access cookie lives exactly as long as the token. */
export function setSessionCookies(res: NextResponse, tokens: Tokens, requestUrl: string): void {
  const base = { httpOnly: true, sameSite: "lax" as const, secure: secure(requestUrl), path: "/" };
  res.cookies.set(ACCESS_COOKIE, tokens.accessToken, { ...base, maxAge: Math.max(1, tokens.expiresIn - 10) });
  res.cookies.set(REFRESH_COOKIE, tokens.refreshToken, { ...base, maxAge: REFRESH_MAX_AGE_S });
}

export function clearSessionCookies(res: NextResponse): void {
  res.cookies.delete(ACCESS_COOKIE);
  res.cookies.delete(REFRESH_COOKIE);
}
