import { createServer, type Server } from "node:http";
import { createOrgWithMembers, type OrgFixture } from "@mirage/testing/fixtures";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, type Harness, startHarness } from "./harness.ts";

// AUTH_PROVIDER=supabase: tokens come from Supabase Auth, signed with its asymmetric keys (JWKS) or the legacy
// HS256 secret; the orchestrator only verifies them and has no login routes.
let h: Harness;
let a: OrgFixture;
let jwks: Server;
let privateKey: Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];
const LEGACY_SECRET = "supabase-legacy-jwt-secret-long-enough-000";
const ISSUER = "https://project.supabase.co/auth/v1";

beforeAll(async () => {
  const pair = await generateKeyPair("ES256");
  privateKey = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: "k1", alg: "ES256", use: "sig" };
  jwks = createServer((_req, res) => {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((r) => jwks.listen(0, "127.0.0.1", () => r()));
  const port = (jwks.address() as { port: number }).port;
  h = await startHarness({
    AUTH_PROVIDER: "supabase",
    JWT_SECRET: LEGACY_SECRET,
    SUPABASE_JWKS_URL: `http://127.0.0.1:${port}/jwks`,
    SUPABASE_JWT_ISSUER: ISSUER,
  });
  a = await createOrgWithMembers(h.t.admin, "supa-a");
});
afterAll(async () => {
  await h?.close();
  await new Promise((r) => jwks?.close(r));
});

const supabaseToken = (sub: string, opts: { issuer?: string; key?: "jwks" | "legacy" } = {}) => {
  const jwt = new SignJWT({ role: "authenticated", email: "owner@supa-a.test", session_id: "s1" })
    .setSubject(sub)
    .setAudience("authenticated")
    .setIssuer(opts.issuer ?? ISSUER)
    .setIssuedAt()
    .setExpirationTime("5m");
  return opts.key === "legacy"
    ? jwt.setProtectedHeader({ alg: "HS256" }).sign(new TextEncoder().encode(LEGACY_SECRET))
    : jwt.setProtectedHeader({ alg: "ES256", kid: "k1" }).sign(privateKey);
};

describe("AUTH_PROVIDER=supabase", () => {
  it("accepts Supabase tokens signed with its JWKS keys or the legacy HS256 secret", async () => {
    const viaJwks = await api(h, "get", `/api/v1/orgs/${a.orgId}`, { token: await supabaseToken(a.users.owner.id) });
    expect(viaJwks.status).toBe(200);
    expect(viaJwks.body.role).toBe("owner");
    const viaSecret = await api(h, "get", "/api/v1/orgs", {
      token: await supabaseToken(a.users.viewer.id, { key: "legacy" }),
    });
    expect(viaSecret.status).toBe(200);
    expect(viaSecret.body.items[0].role).toBe("viewer");
  });

  it("refuses tokens from another issuer", async () => {
    const res = await api(h, "get", "/api/v1/orgs", {
      token: await supabaseToken(a.users.owner.id, { issuer: "https://evil.example.com" }),
    });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe("invalid_token");
  });

  it("has no builtin login routes (they are not mounted nor documented)", async () => {
    const res = await api(h, "post", "/api/v1/auth/login", { body: { email: "owner@supa-a.test", password: "x" } });
    expect(res.status).toBe(404);
    const doc = await api(h, "get", "/api/v1/openapi.json");
    expect(doc.body.paths["/api/v1/auth/login"]).toBeUndefined();
    expect(doc.body.paths["/api/v1/auth/me"]).toBeDefined();
  });
});
