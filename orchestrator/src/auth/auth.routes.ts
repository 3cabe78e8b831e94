import { ZLoginRequest, ZMe, ZRefreshRequest, ZTokenPair } from "@mirage/contracts/auth";
import type { Database } from "@mirage/db";
import { listOrganizations } from "@mirage/db/organizations";
import type { Request } from "express";
import { defineRoute, type RouteDef } from "../http/route.ts";
import type { SessionService } from "./sessions.ts";

const clientInfo = (req: Request) => ({ ip: req.ip ?? "0.0.0.0", userAgent: req.get("user-agent") });

export function authRoutes(deps: { db: Database; sessions: SessionService | undefined }): RouteDef[] {
  const me = defineRoute({
    method: "get",
    path: "/auth/me",
    summary: "Who am I: the caller, its organizations and roles (and, for an API key, its scopes)",
    tags: ["auth"],
    auth: { kind: "any", scopes: ["read", "messages:send", "instances", "campaigns"] },
    responses: { 200: { description: "The caller", schema: ZMe } },
    async handler({ principal }) {
      const orgs = await deps.db.asUser(principal.claims, (tx) => listOrganizations(tx));
      return {
        status: 200,
        body: {
          kind: principal.kind,
          userId: principal.userId,
          email: principal.kind === "user" ? (principal.email ?? null) : null,
          apiKey:
            principal.kind === "api_key"
              ? { id: principal.keyId, orgId: principal.orgId, scopes: principal.scopes }
              : null,
          organizations: orgs.map((o) => ({ id: o.id, name: o.name, slug: o.slug, role: o.role })),
        },
      };
    },
  });
  const sessions = deps.sessions;
  if (!sessions) return [me];

  return [
    defineRoute({
      method: "post",
      path: "/auth/login",
      summary: "Log in with email and password (builtin auth)",
      description:
        "Answers a short-lived access token and a refresh token. Repeated failures lock the email for a while " +
        "(429 account_locked) and each client address is rate limited (429 rate_limited).",
      tags: ["auth"],
      auth: { kind: "public" },
      body: ZLoginRequest,
      errors: ["invalid_credentials", "rate_limited"],
      responses: { 200: { description: "Tokens", schema: ZTokenPair } },
      async handler({ body }, req) {
        return { status: 200, body: await sessions.login(body.email, body.password, clientInfo(req)) };
      },
    }),
    defineRoute({
      method: "post",
      path: "/auth/refresh",
      summary: "Exchange a refresh token for new tokens (rotation)",
      description:
        "Each refresh token works once. Presenting a used one again revokes every token descended from the same " +
        "login (401 refresh_token_reused), and that login's access tokens stop working at once too: whoever stole " +
        "it and the legitimate client both have to log in again.",
      tags: ["auth"],
      auth: { kind: "public" },
      body: ZRefreshRequest,
      errors: ["invalid_token"],
      responses: { 200: { description: "New tokens", schema: ZTokenPair } },
      async handler({ body }, req) {
        return { status: 200, body: await sessions.refresh(body.refreshToken, clientInfo(req)) };
      },
    }),
    defineRoute({
      method: "post",
      path: "/auth/logout",
      summary: "Log out: revoke the refresh token and every token rotated from the same login",
      description:
        "The session's access tokens stop working at once (checked on every request against a short-lived list of " +
        "revoked sessions), not only when they expire.",
      tags: ["auth"],
      auth: { kind: "public" },
      body: ZRefreshRequest,
      responses: { 204: { description: "Logged out (also for unknown tokens)" } },
      async handler({ body }) {
        await sessions.logout(body.refreshToken);
        return { status: 204 };
      },
    }),
    me,
  ];
}
