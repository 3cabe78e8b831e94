import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { createOrgWithMembers, type OrgFixture } from "@mirage/testing/fixtures";
import bcrypt from "bcryptjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, type Harness, startHarness } from "./harness.ts";

let h: Harness;
let a: OrgFixture;
let b: OrgFixture;
const PASSWORD = "correct horse battery staple";

beforeAll(async () => {
  h = await startHarness({
    LOGIN_MAX_FAILURES: "3",
    LOGIN_LOCKOUT_SECONDS: "60",
    LOGIN_RATE_PER_IP_PER_MINUTE: "1000",
  });
  a = await createOrgWithMembers(h.t.admin, "auth-a");
  b = await createOrgWithMembers(h.t.admin, "auth-b");
  // The seed writes hashes with pgcrypto's crypt(…, gen_salt('bf')) ($2a$): the login must accept those too.
  await h.t.admin`update auth.users set encrypted_password = extensions.crypt(${PASSWORD}, extensions.gen_salt('bf', 4))
                  where email like '%@auth-a.test'`;
  await h.t
    .admin`update auth.users set encrypted_password = ${bcrypt.hashSync(PASSWORD, 4)} where email like '%@auth-b.test'`;
});
afterAll(async () => {
  await h?.close();
});

const login = (email: string, password = PASSWORD) =>
  api(h, "post", "/api/v1/auth/login", { body: { email, password } });

describe("builtin login", () => {
  it("accepts pgcrypto ($2a$) and bcryptjs ($2b$) hashes and answers Supabase-shaped tokens", async () => {
    const res = await login("owner@auth-a.test");
    expect(res.status).toBe(200);
    expect(res.body.tokenType).toBe("bearer");
    expect(res.body.refreshToken).toMatch(/^rt_/);
    const claims = JSON.parse(Buffer.from(res.body.accessToken.split(".")[1], "base64url").toString());
    expect(claims).toMatchObject({
      sub: a.users.owner.id,
      role: "authenticated",
      aud: "authenticated",
      email: "owner@auth-a.test",
    });
    expect(claims.exp - claims.iat).toBe(900);
    expect((await login("viewer@auth-b.test")).status).toBe(200);

    const me = await api(h, "get", "/api/v1/auth/me", { token: res.body.accessToken });
    expect(me.status).toBe(200);
    expect(me.body.organizations).toEqual([{ id: a.orgId, name: "auth-a", slug: "auth-a", role: "owner" }]);
  });

  it("answers the same 401 for a wrong password and an unknown email", async () => {
    const wrong = await login("admin@auth-a.test", "not the password");
    const unknown = await login("nobody@auth-a.test", "whatever-password");
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe("invalid_credentials");
    expect(unknown.body).toMatchObject({ code: "invalid_credentials", detail: wrong.body.detail });
  });

  it("locks an email after repeated failures, even for the right password, and leaves others alone", async () => {
    for (let i = 0; i < 3; i++) expect((await login("operator@auth-a.test", "bad-password")).status).toBe(401);
    const locked = await login("operator@auth-a.test");
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe("account_locked");
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await login("marketer@auth-a.test")).status).toBe(200);
  });

  it("rejects malformed login bodies before touching the database", async () => {
    const res = await api(h, "post", "/api/v1/auth/login", { body: { email: "not-an-email", password: "" } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("validation_failed");
  });
});

describe("refresh tokens", () => {
  it("rotate: each refresh token works once and yields a new pair", async () => {
    const first = await login("admin@auth-b.test");
    const second = await api(h, "post", "/api/v1/auth/refresh", { body: { refreshToken: first.body.refreshToken } });
    expect(second.status).toBe(200);
    expect(second.body.refreshToken).not.toBe(first.body.refreshToken);
    const third = await api(h, "post", "/api/v1/auth/refresh", { body: { refreshToken: second.body.refreshToken } });
    expect(third.status).toBe(200);
  });

  it("reuse of a rotated token revokes the whole family, including the newest token", async () => {
    const first = await login("owner@auth-b.test");
    const second = await api(h, "post", "/api/v1/auth/refresh", { body: { refreshToken: first.body.refreshToken } });
    expect(second.status).toBe(200);
    // An attacker replays the first (already rotated) token.
    const replay = await api(h, "post", "/api/v1/auth/refresh", { body: { refreshToken: first.body.refreshToken } });
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe("refresh_token_reused");
    // The legitimate client's newest token is dead too.
    const victim = await api(h, "post", "/api/v1/auth/refresh", { body: { refreshToken: second.body.refreshToken } });
    expect(victim.status).toBe(401);
    const [row] = await h.t.admin<{ n: number }[]>`
      select count(*)::int as n from public.refresh_tokens
      where user_id = ${b.users.owner.id} and revoked_reason = 'reuse_detected'`;
    expect(row?.n).toBeGreaterThanOrEqual(2);
    // Another session of the same user is untouched.
    const other = await login("owner@auth-b.test");
    expect(
      (await api(h, "post", "/api/v1/auth/refresh", { body: { refreshToken: other.body.refreshToken } })).status,
    ).toBe(200);
  });

  it("logout revokes the session's refresh tokens", async () => {
    const session = await login("marketer@auth-b.test");
    const out = await api(h, "post", "/api/v1/auth/logout", { body: { refreshToken: session.body.refreshToken } });
    expect(out.status).toBe(204);
    const after = await api(h, "post", "/api/v1/auth/refresh", { body: { refreshToken: session.body.refreshToken } });
    expect(after.status).toBe(401);
    expect(after.body.code).toBe("invalid_token");
  });

  it("expired refresh tokens answer token_expired", async () => {
    const session = await login("operator@auth-b.test");
    await h.t
      .admin`update public.refresh_tokens set expires_at = now() - interval '1 second' where user_id = ${b.users.operator.id}`;
    const res = await api(h, "post", "/api/v1/auth/refresh", { body: { refreshToken: session.body.refreshToken } });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe("token_expired");
  });
});

describe("API keys", () => {
  async function createKey(scopes: string[], name = scopes.join("+")) {
    const token = await h.tokenFor(a.users.admin);
    const res = await api(h, "post", `/api/v1/orgs/${a.orgId}/api-keys`, { token, body: { name, scopes } });
    expect(res.status).toBe(201);
    return res.body as { id: string; key: string; prefix: string };
  }

  it("are shown once, stored hashed with a visible prefix, and listed without the secret", async () => {
    const created = await createKey(["read"], "lister");
    expect(created.key.startsWith(`${created.prefix}_`)).toBe(true);
    const [row] = await h.t.admin<
      { key_hash: string }[]
    >`select key_hash from public.api_keys where id = ${created.id}`;
    expect(row?.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row?.key_hash).not.toContain(created.key);
    const list = await api(h, "get", `/api/v1/orgs/${a.orgId}/api-keys`, { token: await h.tokenFor(a.users.owner) });
    const listed = list.body.items.find((k: { id: string }) => k.id === created.id);
    expect(listed.prefix).toBe(created.prefix);
    expect(JSON.stringify(list.body)).not.toContain(created.key);
  });

  it("authenticate by X-Api-Key or Bearer, enforce scopes, and record last use", async () => {
    const readKey = await createKey(["read"]);
    expect((await api(h, "get", `/api/v1/orgs/${a.orgId}/members`, { apiKey: readKey.key })).status).toBe(200);
    const bearer = await api(h, "get", `/api/v1/orgs/${a.orgId}`, { token: readKey.key });
    expect(bearer.status).toBe(200);
    const denied = await api(h, "get", `/api/v1/orgs/${a.orgId}/webhooks`, { apiKey: readKey.key });
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe("insufficient_scope");
    const write = await api(h, "post", `/api/v1/orgs/${a.orgId}/api-keys`, {
      apiKey: readKey.key,
      body: { name: "x", scopes: ["admin"] },
    });
    expect(write.body.code).toBe("insufficient_scope");
    const [row] = await h.t.admin<
      { last_used_at: Date | null }[]
    >`select last_used_at from public.api_keys where id = ${readKey.id}`;
    expect(row?.last_used_at).toBeInstanceOf(Date);
  });

  it("with scope admin manage webhooks; keys never reach another organization (404)", async () => {
    const adminKey = await createKey(["admin"]);
    expect((await api(h, "get", `/api/v1/orgs/${a.orgId}/webhooks`, { apiKey: adminKey.key })).status).toBe(200);
    const other = await api(h, "get", `/api/v1/orgs/${b.orgId}`, { apiKey: adminKey.key });
    expect(other.status).toBe(404);
    expect(other.body.code).toBe("not_found");
    // The key's principal is not listed among the people.
    const members = await api(h, "get", `/api/v1/orgs/${a.orgId}/members`, { apiKey: adminKey.key });
    expect(members.body.items).toHaveLength(5);
  });

  it("are bounded by RLS even past the scope check: a read key's principal is a viewer", async () => {
    const readKey = await createKey(["read"], "rls-probe");
    const [row] = await h.t.admin<{ role: string; kind: string }[]>`
      select m.role, m.kind from public.organization_members m
      join public.api_keys k on k.principal_user_id = m.user_id where k.id = ${readKey.id}`;
    expect(row).toEqual({ role: "viewer", kind: "api_key" });
  });

  it("stop working the moment they are revoked; revoked and malformed keys answer 401", async () => {
    const key = await createKey(["read"], "to-revoke");
    const owner = await h.tokenFor(a.users.owner);
    const revoked = await api(h, "delete", `/api/v1/orgs/${a.orgId}/api-keys/${key.id}`, { token: owner });
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toBeTruthy();
    const after = await api(h, "get", `/api/v1/orgs/${a.orgId}`, { apiKey: key.key });
    expect(after.status).toBe(401);
    expect(after.body.code).toBe("invalid_token");
    const [m] = await h.t.admin<{ n: number }[]>`
      select count(*)::int as n from public.organization_members m
      join public.api_keys k on k.principal_user_id = m.user_id where k.id = ${key.id}`;
    expect(m?.n).toBe(0);
    expect((await api(h, "get", "/api/v1/orgs", { apiKey: "mk_short" })).body.code).toBe("invalid_token");
  });

  it("expire at expiresAt", async () => {
    const key = await createKey(["read"], "expiring");
    await h.t.admin`update public.api_keys set expires_at = now() - interval '1 second' where id = ${key.id}`;
    const res = await api(h, "get", `/api/v1/orgs/${a.orgId}`, { apiKey: key.key });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe("token_expired");
  });

  it("are told what they are by /auth/me: their organization and scopes only", async () => {
    // `send` is the former name of `messages:send`: asked for, it is stored and shown under the new name.
    const key = await createKey(["send"], "me");
    const me = await api(h, "get", "/api/v1/auth/me", { apiKey: key.key });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      kind: "api_key",
      apiKey: { id: key.id, orgId: a.orgId, scopes: ["messages:send"] },
    });
    expect(me.body.organizations.map((o: { id: string }) => o.id)).toEqual([a.orgId]);
  });
});

describe("CLI", () => {
  const cli = (args: string[]) =>
    promisify(execFile)(
      process.execPath,
      ["--import", "tsx", path.resolve(import.meta.dirname, "../src/cli.ts"), ...args],
      {
        env: { ...process.env, DATABASE_URL: h.t.appUrl, QUEUE_PREFIX: h.prefix },
        cwd: path.resolve(import.meta.dirname, ".."),
      },
    );

  it("creates an organization with its owner, who can log in, and resets a password (signing out sessions)", async () => {
    const created = await cli([
      "create-org",
      "--name",
      "CLI Org",
      "--slug",
      "cli-org",
      "--email",
      "boss@cli.test",
      "--password",
      "first-password-1",
    ]);
    expect(created.stdout).toContain("organization cli-org");
    const session = await login("boss@cli.test", "first-password-1");
    expect(session.status).toBe(200);
    const me = await api(h, "get", "/api/v1/auth/me", { token: session.body.accessToken });
    expect(me.body.organizations[0]).toMatchObject({ slug: "cli-org", role: "owner" });

    const reset = await cli(["reset-password", "--email", "boss@cli.test"]);
    const generated = /password \(shown once\): (\S+)/.exec(reset.stdout)?.[1];
    expect(generated).toBeTruthy();
    expect((await login("boss@cli.test", "first-password-1")).status).toBe(401);
    expect((await login("boss@cli.test", generated)).status).toBe(200);
    const stale = await api(h, "post", "/api/v1/auth/refresh", { body: { refreshToken: session.body.refreshToken } });
    expect(stale.status).toBe(401);
    // The old session's access token is signed out too, not only its refresh token.
    expect((await api(h, "get", "/api/v1/auth/me", { token: session.body.accessToken })).status).toBe(401);
  }, 60_000);
});
