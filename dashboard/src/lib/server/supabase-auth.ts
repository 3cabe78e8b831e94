import "server-only";
import { AuthFailure, type Tokens } from "./auth-types";
import { serverEnv } from "./config";

// Supabase Auth, used from the server only: the dashboard keeps the session in its own httpOnly cookies, so
// supabase-js never persists anything in the browser.
// Loaded only in Supabase mode: builtin auth never pays for supabase-js.
async function client() {
  const { createClient } = await import("@supabase/supabase-js");
  const env = serverEnv();
  if (!env.SUPABASE_URL || !env.SUPABASE_ANON_KEY) throw new Error("SUPABASE_URL and SUPABASE_ANON_KEY are required");
  return createClient(env.SUPABASE_URL, env.SUPABASE_ANON_KEY, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  });
}

function problem(status: number, detail: string) {
  return {
    type: "about:blank",
    title: status === 401 ? "Unauthorized" : "Error",
    status,
    code: status === 401 ? "invalid_credentials" : "service_unavailable",
    detail,
  };
}

export async function supabaseLogin(email: string, password: string): Promise<Tokens> {
  const { data, error } = await (await client()).auth.signInWithPassword({ email, password });
  if (error || !data.session) {
    const status = error?.status === 400 || error?.status === 401 ? 401 : (error?.status ?? 503);
    throw new AuthFailure(status, problem(status, error?.message ?? "no session"));
  }
  return {
    accessToken: data.session.access_token,
    refreshToken: data.session.refresh_token,
    expiresIn: data.session.expires_in,
  };
}

export async function supabaseRefresh(refreshToken: string): Promise<Tokens> {
  const { data, error } = await (await client()).auth.refreshSession({ refresh_token: refreshToken });
  if (error || !data.session) throw new AuthFailure(401, problem(401, error?.message ?? "session expired"));
  return {
    accessToken: data.session.access_token,
    refreshToken: data.session.refresh_token,
    expiresIn: data.session.expires_in,
  };
}

export async function supabaseLogout(refreshToken: string, accessToken: string | undefined): Promise<void> {
  if (!accessToken) return;
  const c = await client();
  await c.auth.setSession({ access_token: accessToken, refresh_token: refreshToken }).catch(() => undefined);
  await c.auth.signOut().catch(() => undefined);
}
