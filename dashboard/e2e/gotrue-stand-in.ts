/**
 * A STAND-IN for GoTrue (Supabase's auth server), for tests only: GoTrue itself cannot run here. It implements just
 * what supabase-js calls from the dashboard's server — `POST /auth/v1/token?grant_type=password|refresh_token`,
 * `GET /auth/v1/user`, `POST /auth/v1/logout` — and serves its signing key at `/auth/v1/.well-known/jwks.json`, so the
 * orchestrator verifies its tokens in its Supabase JWKS mode exactly as it would Supabase's (ES256, aud
 * "authenticated", role, email, session_id). Passwords are checked against `auth.users.encrypted_password` (bcrypt,
 * as GoTrue stores them). Refresh tokens rotate; presenting a used one revokes the whole session, as GoTrue does.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { TestDatabase } from "@mirage/testing/postgres";
import { exportJWK, generateKeyPair, jwtVerify, SignJWT } from "jose";

type Sql = TestDatabase["admin"];

type Session = { id: string; userId: string; email: string; current: string; revoked: boolean };

export type GoTrueStandIn = {
  /** The project URL to give supabase-js (SUPABASE_URL): `<origin>`; endpoints are under /auth/v1. */
  url: string;
  jwksUrl: string;
  /** Requests seen, as "METHOD path?grant_type" — what the tests assert on. */
  calls: string[];
  /** Ends every session (as an admin revoking them, or refresh tokens expiring): refreshes are refused after it. */
  revokeAll(): void;
  close(): Promise<void>;
};

export async function startGoTrueStandIn(opts: { sql: Sql; accessTtlSeconds: number }): Promise<GoTrueStandIn> {
  const { privateKey, publicKey } = await generateKeyPair("ES256");
  const kid = randomUUID();
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: "ES256", use: "sig" };
  const sessions = new Map<string, Session>();
  const byRefresh = new Map<string, Session>();
  const calls: string[] = [];

  const issue = async (s: Session) => {
    const refresh = randomBytes(24).toString("base64url");
    s.current = refresh;
    byRefresh.set(refresh, s);
    const now = Math.floor(Date.now() / 1000);
    const access = await new SignJWT({ role: "authenticated", email: s.email, session_id: s.id, aal: "aal1" })
      .setProtectedHeader({ alg: "ES256", kid, typ: "JWT" })
      .setSubject(s.userId)
      .setAudience("authenticated")
      .setIssuedAt(now)
      .setExpirationTime(now + opts.accessTtlSeconds)
      .sign(privateKey);
    return {
      access_token: access,
      token_type: "bearer",
      expires_in: opts.accessTtlSeconds,
      expires_at: now + opts.accessTtlSeconds,
      refresh_token: refresh,
      user: user(s.userId, s.email),
    };
  };
  const user = (id: string, email: string) => ({
    id,
    aud: "authenticated",
    role: "authenticated",
    email,
    app_metadata: { provider: "email", providers: ["email"] },
    user_metadata: {},
    created_at: new Date(0).toISOString(),
  });
  const fail = (res: ServerResponse, status: number, code: string, msg: string) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify({ code: status, error_code: code, msg }));
  };
  const ok = (res: ServerResponse, body: unknown) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const bearer = async (req: IncomingMessage) => {
    const token = req.headers.authorization?.replace(/^Bearer /, "") ?? "";
    const { payload } = await jwtVerify(token, publicKey, { audience: "authenticated" });
    return payload as { sub: string; email: string; session_id: string };
  };
  const readJson = async (req: IncomingMessage): Promise<Record<string, unknown>> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    try {
      return JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Record<string, unknown>;
    } catch {
      return {};
    }
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://stand-in");
    const grant = url.searchParams.get("grant_type");
    calls.push(`${req.method} ${url.pathname}${grant ? `?${grant}` : ""}`);
    void (async () => {
      if (req.method === "GET" && url.pathname === "/auth/v1/.well-known/jwks.json") return ok(res, { keys: [jwk] });
      if (req.method === "POST" && url.pathname === "/auth/v1/token" && grant === "password") {
        const body = await readJson(req);
        const [row] = await opts.sql<{ id: string; email: string }[]>`
          select id, email from auth.users where email = ${String(body.email ?? "")}
            and encrypted_password is not null
            and encrypted_password = extensions.crypt(${String(body.password ?? "")}, encrypted_password)`;
        if (!row) return fail(res, 400, "invalid_credentials", "Invalid login credentials");
        const s: Session = { id: randomUUID(), userId: row.id, email: row.email, current: "", revoked: false };
        sessions.set(s.id, s);
        return ok(res, await issue(s));
      }
      if (req.method === "POST" && url.pathname === "/auth/v1/token" && grant === "refresh_token") {
        const token = String((await readJson(req)).refresh_token ?? "");
        const s = byRefresh.get(token);
        if (!s || s.revoked)
          return fail(res, 400, "refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found");
        if (s.current !== token) {
          // A rotated token presented again: someone else may hold it; GoTrue ends the session.
          s.revoked = true;
          return fail(res, 400, "refresh_token_already_used", "Invalid Refresh Token: Already Used");
        }
        return ok(res, await issue(s));
      }
      if (req.method === "GET" && url.pathname === "/auth/v1/user") {
        const claims = await bearer(req).catch(() => null);
        const s = claims && sessions.get(claims.session_id);
        if (!claims || !s || s.revoked) return fail(res, 403, "session_not_found", "Session not found");
        return ok(res, user(claims.sub, claims.email));
      }
      if (req.method === "POST" && url.pathname === "/auth/v1/logout") {
        const claims = await bearer(req).catch(() => null);
        if (!claims) return fail(res, 401, "no_authorization", "This endpoint requires a valid Bearer token");
        for (const s of sessions.values()) {
          const all = url.searchParams.get("scope") !== "local";
          if (s.id === claims.session_id || (all && s.userId === claims.sub)) s.revoked = true;
        }
        res.writeHead(204);
        return res.end();
      }
      return fail(res, 404, "not_found", "the stand-in implements only what supabase-js calls from the dashboard");
    })().catch((err: unknown) => fail(res, 500, "unexpected_failure", String(err)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    jwksUrl: `${origin}/auth/v1/.well-known/jwks.json`,
    calls,
    revokeAll() {
      for (const s of sessions.values()) s.revoked = true;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
