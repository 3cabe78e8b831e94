import { createOrgWithMembers, type OrgFixture } from "@mirage/testing/fixtures";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, type Harness, type Json, JWT_SECRET, startHarness } from "./harness.ts";

// Membership by invitation, and access tokens that end when their session does.
let h: Harness;
let a: OrgFixture;
let b: OrgFixture;
const PASSWORD = "an-owner-password-1";

beforeAll(async () => {
  h = await startHarness({ WEBHOOK_WORKER_ENABLED: "false", LOGIN_RATE_PER_IP_PER_MINUTE: "1000" });
  a = await createOrgWithMembers(h.t.admin, "inv-a");
  b = await createOrgWithMembers(h.t.admin, "inv-b");
  await h.t.admin`update auth.users set encrypted_password = extensions.crypt(${PASSWORD}, extensions.gen_salt('bf', 4))
                  where email like '%@inv-a.test' or email like '%@inv-b.test'`;
});
afterAll(async () => {
  await h?.close();
});

const login = (email: string, password: string) => api(h, "post", "/api/v1/auth/login", { body: { email, password } });
const invite = async (orgId: string, token: string, email: string, role = "viewer") =>
  api(h, "post", `/api/v1/orgs/${orgId}/invitations`, { token, body: { email, role } });
const accept = (body: Json, token?: string) =>
  api(h, "post", "/api/v1/invitations/accept", { body, ...(token ? { token } : {}) });
const orgIdsOf = async (token: string) =>
  ((await api(h, "get", "/api/v1/orgs", { token })).body.items as Json[]).map((o) => o.id);

describe("the attack: an admin of organization A cannot end up able to log in to a member account of B", () => {
  it("no organization creates an account or sets a password: the member route with a password is gone", async () => {
    const adminA = await h.tokenFor(a.users.admin);
    const res = await api(h, "post", `/api/v1/orgs/${a.orgId}/members`, {
      token: adminA,
      body: { email: "victim@inv-b.test", role: "viewer", password: "chosen-by-attacker" },
    });
    expect(res.status).toBe(404);
    const [row] = await h.t.admin`select 1 from auth.users where email = 'victim@inv-b.test'`;
    expect(row).toBeUndefined();
  });

  it("an account A's admin made by accepting A's own invitation never gets into B, even once B invites that email", async () => {
    const adminA = await h.tokenFor(a.users.admin);
    // A's admin invites the victim's email and accepts with a password of their choosing (the token was shown to
    // them): the account exists now, and its only organization is A.
    const mine = await invite(a.orgId, adminA, "victim@inv-b.test", "viewer");
    expect(mine.status).toBe(201);
    const taken = await accept({ token: mine.body.token, password: "chosen-by-attacker" });
    expect(taken.body).toMatchObject({ orgId: a.orgId, accountCreated: true });
    const attacker = (await login("victim@inv-b.test", "chosen-by-attacker")).body.accessToken as string;

    // B invites the same email later. The token goes to B's admin (and on to the real person), not to A's admin.
    const ownerB = await h.tokenFor(b.users.owner);
    const theirs = await invite(b.orgId, ownerB, "victim@inv-b.test", "admin");
    expect(theirs.status).toBe(201);
    // Nothing happened to the account yet: no membership without acceptance, whoever holds the account.
    expect(await orgIdsOf(attacker)).toEqual([a.orgId]);
    // A's admin cannot see B's invitations, nor use A's spent token again.
    expect((await api(h, "get", `/api/v1/orgs/${b.orgId}/invitations`, { token: adminA })).status).toBe(404);
    expect((await accept({ token: mine.body.token }, attacker)).body.code).toBe("invitation_invalid");
    // And a guessed token is no token.
    expect((await accept({ token: `inv_${"x".repeat(43)}` }, attacker)).status).toBe(410);
    expect(await orgIdsOf(attacker)).toEqual([a.orgId]);
    const [membership] = await h.t.admin`
      select 1 from public.organization_members m join auth.users u on u.id = m.user_id
      where m.org_id = ${b.orgId} and u.email = 'victim@inv-b.test'`;
    expect(membership).toBeUndefined();
  });

  it("an existing account is added to no organization without accepting, and only by itself", async () => {
    const ownerB = await h.tokenFor(b.users.owner);
    const inv = await invite(b.orgId, ownerB, "operator@inv-a.test", "operator");
    expect(inv.status).toBe(201);
    expect(inv.body.token).toMatch(/^inv_/);
    const [before] = await h.t.admin`
      select 1 from public.organization_members where org_id = ${b.orgId} and user_id = ${a.users.operator.id}`;
    expect(before).toBeUndefined();

    const preview = await api(h, "post", "/api/v1/invitations/preview", { body: { token: inv.body.token } });
    expect(preview.body).toMatchObject({ email: "operator@inv-a.test", role: "operator", accountExists: true });
    expect(preview.body.organization.id).toBe(b.orgId);

    const anonymous = await accept({ token: inv.body.token });
    expect(anonymous.status).toBe(401);
    const someoneElse = await accept({ token: inv.body.token }, await h.tokenFor(a.users.viewer));
    expect(someoneElse.status).toBe(403);
    const operatorToken = await h.tokenFor(a.users.operator);
    const withPassword = await accept({ token: inv.body.token, password: "new-password-123" }, operatorToken);
    expect(withPassword.status).toBe(409);
    expect(withPassword.body.code).toBe("account_exists");
    // The password of the existing account is untouched by all of that.
    expect((await login("operator@inv-a.test", PASSWORD)).status).toBe(200);

    const ok = await accept({ token: inv.body.token }, operatorToken);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      orgId: b.orgId,
      userId: a.users.operator.id,
      role: "operator",
      accountCreated: false,
    });
    expect(await orgIdsOf(operatorToken)).toContain(b.orgId);
    // Single use.
    expect((await accept({ token: inv.body.token }, operatorToken)).status).toBe(410);
  });
});

describe("invitations", () => {
  it("a new account sets its own password through the one-time token, then logs in", async () => {
    const adminA = await h.tokenFor(a.users.admin);
    const inv = await invite(a.orgId, adminA, "New.Person@Example.test", "marketer");
    expect(inv.body).toMatchObject({ email: "new.person@example.test", role: "marketer", status: "pending" });
    const noPassword = await accept({ token: inv.body.token });
    expect(noPassword.status).toBe(400);
    expect(JSON.stringify(noPassword.body.errors)).toContain("body.password");
    const ok = await accept({ token: inv.body.token, password: "my-own-password" });
    expect(ok.body).toMatchObject({ orgId: a.orgId, role: "marketer", accountCreated: true });
    const session = await login("new.person@example.test", "my-own-password");
    expect(session.status).toBe(200);
    const orgs = await api(h, "get", "/api/v1/orgs", { token: session.body.accessToken });
    expect(orgs.body.items).toEqual([expect.objectContaining({ id: a.orgId, role: "marketer" })]);
    const listed = await api(h, "get", `/api/v1/orgs/${a.orgId}/invitations`, { token: adminA });
    expect(listed.body.items.find((i: Json) => i.id === inv.body.id)).toMatchObject({ status: "accepted" });
    // The token itself is never listed, nor stored in clear.
    expect(JSON.stringify(listed.body)).not.toContain(inv.body.token);
    const [stored] = await h.t.admin<{ token_hash: string }[]>`
      select token_hash from public.organization_invitations where id = ${inv.body.id}`;
    expect(stored?.token_hash).not.toBe(inv.body.token);
    expect(stored?.token_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("admins revoke invitations; revoked, replaced and expired tokens stop working", async () => {
    const adminA = await h.tokenFor(a.users.admin);
    const first = await invite(a.orgId, adminA, "later@example.test");
    const second = await invite(a.orgId, adminA, "later@example.test");
    expect((await accept({ token: first.body.token, password: "whatever-123" })).status).toBe(410);
    const revoked = await api(h, "delete", `/api/v1/orgs/${a.orgId}/invitations/${second.body.id}`, { token: adminA });
    expect(revoked.body.status).toBe("revoked");
    expect((await accept({ token: second.body.token, password: "whatever-123" })).body.code).toBe("invitation_invalid");
    expect(
      (await api(h, "delete", `/api/v1/orgs/${a.orgId}/invitations/${second.body.id}`, { token: adminA })).status,
    ).toBe(404);

    const third = await invite(a.orgId, adminA, "expired@example.test");
    await h.t.admin`update public.organization_invitations set expires_at = now() - interval '1 second'
                    where id = ${third.body.id}`;
    const expired = await accept({ token: third.body.token, password: "whatever-123" });
    expect(expired.status).toBe(410);
    expect(expired.body.detail).toContain("expired");
  });

  it("only owners invite owners; members are not invited twice", async () => {
    const adminA = await h.tokenFor(a.users.admin);
    expect((await invite(a.orgId, adminA, "boss@example.test", "owner")).status).toBe(403);
    expect((await invite(a.orgId, await h.tokenFor(a.users.owner), "boss@example.test", "owner")).status).toBe(201);
    expect((await invite(a.orgId, adminA, "viewer@inv-a.test")).status).toBe(409);
  });

  it("the seeded-style owner and the CLI's accounts keep logging in", async () => {
    expect((await login("owner@inv-a.test", PASSWORD)).status).toBe(200);
  });
});

describe("access tokens", () => {
  const sign = (claims: Record<string, unknown>, build: (j: SignJWT) => SignJWT) =>
    build(new SignJWT({ role: "authenticated", ...claims }).setProtectedHeader({ alg: "HS256" }))
      .setAudience("authenticated")
      .sign(new TextEncoder().encode(JWT_SECRET));

  it("require exp and sub, and refuse an iat in the future beyond the clock skew", async () => {
    const now = Math.floor(Date.now() / 1000);
    const noExp = await sign({}, (j) => j.setSubject(a.users.owner.id).setIssuedAt());
    const noSub = await sign({}, (j) => j.setIssuedAt().setExpirationTime("10m"));
    const future = await sign({}, (j) =>
      j
        .setSubject(a.users.owner.id)
        .setIssuedAt(now + 3600)
        .setExpirationTime(now + 7200),
    );
    const slightlyAhead = await sign({}, (j) =>
      j
        .setSubject(a.users.owner.id)
        .setIssuedAt(now + 20)
        .setExpirationTime(now + 600),
    );
    for (const token of [noExp, noSub, future]) {
      const res = await api(h, "get", "/api/v1/orgs", { token });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe("invalid_token");
    }
    expect((await api(h, "get", "/api/v1/orgs", { token: slightlyAhead })).status).toBe(200);
  });

  it("stop working at once after logout, with the whole session", async () => {
    const session = (await login("admin@inv-b.test", PASSWORD)).body;
    expect((await api(h, "get", "/api/v1/orgs", { token: session.accessToken })).status).toBe(200);
    const rotated = (await api(h, "post", "/api/v1/auth/refresh", { body: { refreshToken: session.refreshToken } }))
      .body;
    expect((await api(h, "post", "/api/v1/auth/logout", { body: { refreshToken: rotated.refreshToken } })).status).toBe(
      204,
    );
    for (const token of [session.accessToken, rotated.accessToken]) {
      const res = await api(h, "get", "/api/v1/orgs", { token });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe("invalid_token");
    }
    // Another login (another session) is unaffected.
    const other = (await login("admin@inv-b.test", PASSWORD)).body;
    expect((await api(h, "get", "/api/v1/orgs", { token: other.accessToken })).status).toBe(200);
  });

  it("stop working at once when a refresh token is replayed (the family is revoked)", async () => {
    const session = (await login("viewer@inv-b.test", PASSWORD)).body;
    const rotated = (await api(h, "post", "/api/v1/auth/refresh", { body: { refreshToken: session.refreshToken } }))
      .body;
    expect((await api(h, "get", "/api/v1/orgs", { token: rotated.accessToken })).status).toBe(200);
    const replay = await api(h, "post", "/api/v1/auth/refresh", { body: { refreshToken: session.refreshToken } });
    expect(replay.body.code).toBe("refresh_token_reused");
    expect((await api(h, "get", "/api/v1/orgs", { token: rotated.accessToken })).status).toBe(401);
    expect((await api(h, "get", "/api/v1/orgs", { token: session.accessToken })).status).toBe(401);
  });
});
