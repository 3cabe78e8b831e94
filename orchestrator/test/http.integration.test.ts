import SwaggerParser from "@apidevtools/swagger-parser";
import { createOrgWithMembers, type OrgFixture } from "@mirage/testing/fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, type Harness, type Json, startHarness } from "./harness.ts";

let h: Harness;
let a: OrgFixture;
let ownerToken: string;

beforeAll(async () => {
  h = await startHarness({
    HTTP_BODY_LIMIT_BYTES: "2048",
    CORS_ORIGINS: "https://app.example.com",
    OPS_ADMIN_EMAILS: "owner@http-a.test",
    METRICS_TOKEN: "metrics-token-0123456789",
    LOGIN_RATE_PER_IP_PER_MINUTE: "8",
  });
  a = await createOrgWithMembers(h.t.admin, "http-a");
  ownerToken = await h.tokenFor(a.users.owner);
  await h.t
    .admin`update auth.users set encrypted_password = extensions.crypt('ops-password-1', extensions.gen_salt('bf', 4))
                  where email in ('owner@http-a.test', 'admin@http-a.test')`;
});
afterAll(async () => {
  await h?.close();
});

function expectProblem(res: { status: number; body: Json; headers: Headers }, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  expect(res.body.code).toBe(code);
  expect(res.body.status).toBe(status);
  expect(typeof res.body.detail).toBe("string");
  expect(res.body.detail.length).toBeGreaterThan(0);
}

describe("operations endpoints", () => {
  it("answers /healthz and /readyz with Postgres and Redis checked", async () => {
    const health = await api(h, "get", "/healthz");
    expect(health).toMatchObject({ status: 200, body: { status: "ok" } });
    const ready = await api(h, "get", "/readyz");
    expect(ready.status).toBe(200);
    expect(ready.body.checks.postgres.ok).toBe(true);
    expect(ready.body.checks.redis.ok).toBe(true);
  });

  it("exposes Prometheus metrics with HTTP latency by route pattern, instances, messages and queues", async () => {
    await api(h, "get", `/api/v1/orgs/${a.orgId}`, { token: ownerToken });
    const refused = await api(h, "get", "/metrics");
    expect(refused.status).toBe(401);
    const res = await api(h, "get", "/metrics", { token: "metrics-token-0123456789" });
    expect(res.status).toBe(200);
    const text = res.body as string;
    expect(text).toContain(
      'mirage_http_request_duration_seconds_bucket{le="0.005",method="GET",route="/api/v1/orgs/:orgId"',
    );
    expect(text).toContain("# TYPE mirage_instances gauge");
    expect(text).toContain("# TYPE mirage_outbound_messages gauge");
    expect(text).toMatch(/mirage_queue_jobs\{queue="webhooks",state="waiting"\} 0/);
    expect(text).toContain("mirage_webhook_attempts_total");
  });

  it("counts instances by state and messages by status at scrape time", async () => {
    await h.t.admin`insert into public.instances (org_id, name) values (${a.orgId}, 'm-1'), (${a.orgId}, 'm-2')`;
    const res = await api(h, "get", "/metrics", { token: "metrics-token-0123456789" });
    expect(res.body).toContain('mirage_instances{status="pending_pairing"} 2');
  });

  it("echoes a safe X-Request-Id and mints one otherwise, also on errors", async () => {
    const mine = await api(h, "get", "/api/v1/orgs", { headers: { "x-request-id": "trace-123" } });
    expect(mine.headers.get("x-request-id")).toBe("trace-123");
    expect(mine.body.requestId).toBe("trace-123");
    const minted = await api(h, "get", "/healthz", { headers: { "x-request-id": "bad id with spaces" } });
    expect(minted.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("sets security headers and answers CORS only for configured origins", async () => {
    const res = await api(h, "get", "/healthz", { headers: { origin: "https://app.example.com" } });
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    const other = await api(h, "get", "/healthz", { headers: { origin: "https://evil.example.com" } });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    const preflight = await api(h, "options", "/api/v1/orgs", { headers: { origin: "https://app.example.com" } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-headers")).toContain("X-Api-Key");
  });
});

describe("Bull Board", () => {
  const basic = (email: string, password: string) => `Basic ${Buffer.from(`${email}:${password}`).toString("base64")}`;

  it("opens for operations admins (Basic or bearer) and nobody else", async () => {
    const none = await api(h, "get", "/admin/queues");
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toContain("Basic");
    const ok = await api(h, "get", "/admin/queues", {
      headers: { authorization: basic("owner@http-a.test", "ops-password-1") },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toContain("<html");
    const queues = await api(h, "get", "/admin/queues/api/queues", { token: ownerToken });
    expect(queues.status).toBe(200);
    expect(JSON.stringify(queues.body)).toContain("webhooks");
    const wrong = await api(h, "get", "/admin/queues", {
      headers: { authorization: basic("owner@http-a.test", "nope-nope-nope") },
    });
    expect(wrong.status).toBe(401);
    // An org admin is not an operations admin, with the right password or a valid token.
    const orgAdmin = await api(h, "get", "/admin/queues", {
      headers: { authorization: basic("admin@http-a.test", "ops-password-1") },
    });
    expect(orgAdmin.status).toBe(401);
    const viaToken = await api(h, "get", "/admin/queues", { token: await h.tokenFor(a.users.admin) });
    expect(viaToken.status).toBe(403);
  });
});

describe("bad input gets the right 4xx with a code and a reason", () => {
  const path = () => `/api/v1/orgs/${a.orgId}/api-keys`;

  it("malformed JSON → 400 malformed_json", async () => {
    const res = await api(h, "post", path(), {
      token: ownerToken,
      rawBody: '{"name": "x", ',
      headers: { "content-type": "application/json" },
    });
    expectProblem(res, 400, "malformed_json");
  });

  it("wrong types → 400 validation_failed naming the field", async () => {
    const res = await api(h, "post", path(), { token: ownerToken, body: { name: 42, scopes: "read" } });
    expectProblem(res, 400, "validation_failed");
    const paths = res.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toContain("body.name");
    expect(paths).toContain("body.scopes");
  });

  it("unknown fields → 400 validation_failed (strict schemas)", async () => {
    const res = await api(h, "post", path(), { token: ownerToken, body: { name: "k", scopes: ["read"], admin: true } });
    expectProblem(res, 400, "validation_failed");
    expect(JSON.stringify(res.body.errors)).toContain("admin");
  });

  it("unknown enum values → 400 validation_failed", async () => {
    const res = await api(h, "post", path(), { token: ownerToken, body: { name: "k", scopes: ["root"] } });
    expectProblem(res, 400, "validation_failed");
  });

  it("oversized bodies → 413 payload_too_large", async () => {
    const res = await api(h, "post", path(), { token: ownerToken, body: { name: "x".repeat(5000), scopes: ["read"] } });
    expectProblem(res, 413, "payload_too_large");
  });

  it("a body that is not JSON → 415 unsupported_media_type", async () => {
    const res = await api(h, "post", path(), {
      token: ownerToken,
      rawBody: "name=k",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expectProblem(res, 415, "unsupported_media_type");
  });

  it("malformed path parameters → 400 validation_failed before any query", async () => {
    const res = await api(h, "get", "/api/v1/orgs/not-a-uuid", { token: ownerToken });
    expectProblem(res, 400, "validation_failed");
    expect(res.body.errors[0].path).toBe("params.orgId");
  });

  it("bad query parameters → 400 validation_failed", async () => {
    const res = await api(h, "get", `/api/v1/orgs/${a.orgId}/audit-log?limit=5000`, { token: ownerToken });
    expectProblem(res, 400, "validation_failed");
    const unknown = await api(h, "get", `/api/v1/orgs/${a.orgId}/audit-log?sort=desc`, { token: ownerToken });
    expectProblem(unknown, 400, "validation_failed");
  });

  it("no token → 401 unauthenticated; garbage → 401 invalid_token; wrong secret → 401 invalid_token", async () => {
    expectProblem(await api(h, "get", "/api/v1/orgs"), 401, "unauthenticated");
    expectProblem(await api(h, "get", "/api/v1/orgs", { token: "garbage" }), 401, "invalid_token");
    const forged = await h.tokenFor(a.users.owner, { secret: "another-secret-that-is-long-enough-for-hs256" });
    expectProblem(await api(h, "get", "/api/v1/orgs", { token: forged }), 401, "invalid_token");
    expectProblem(
      await api(h, "get", "/api/v1/orgs", { headers: { authorization: "Basic abc" } }),
      401,
      "invalid_token",
    );
  });

  it("expired token (beyond the clock skew) → 401 token_expired", async () => {
    const expired = await h.tokenFor(a.users.owner, { expiresIn: Math.floor(Date.now() / 1000) - 120 });
    expectProblem(await api(h, "get", "/api/v1/orgs", { token: expired }), 401, "token_expired");
  });

  it("unsigned tokens (alg none) are refused", async () => {
    const header = Buffer.from(JSON.stringify({ alg: "none" })).toString("base64url");
    const payload = Buffer.from(
      JSON.stringify({ sub: a.users.owner.id, role: "authenticated", aud: "authenticated", exp: 9999999999 }),
    ).toString("base64url");
    expectProblem(await api(h, "get", "/api/v1/orgs", { token: `${header}.${payload}.` }), 401, "invalid_token");
  });

  it("a NUL character anywhere in the input → 400 validation_failed naming the field, never a 500", async () => {
    const cases: [string, string, unknown, string][] = [
      ["patch", `/api/v1/orgs/${a.orgId}`, { name: "Acme\u0000" }, "body.name"],
      ["post", `/api/v1/orgs/${a.orgId}/api-keys`, { name: "k\u0000", scopes: ["read"] }, "body.name"],
      [
        "post",
        `/api/v1/orgs/${a.orgId}/webhooks`,
        { url: "http://127.0.0.1:9/h", description: "d\u0000" },
        "body.description",
      ],
    ];
    for (const [method, url, body, field] of cases) {
      const res = await api(h, method, url, { token: ownerToken, body });
      expectProblem(res, 400, "validation_failed");
      expect(res.body.errors[0].path).toBe(field);
    }
    const inQuery = await api(h, "get", `/api/v1/orgs/${a.orgId}/audit-log?limit=1%00`, { token: ownerToken });
    expectProblem(inQuery, 400, "validation_failed");
  });

  it("a malformed percent-encoding in the path → 400 bad_request", async () => {
    for (const bad of ["%E0%A4%A", "%", "%zz"]) {
      expectProblem(await api(h, "get", `/api/v1/orgs/${bad}/members`, { token: ownerToken }), 400, "bad_request");
    }
  });

  it("unknown routes → 404 not_found as problem+json", async () => {
    expectProblem(await api(h, "get", "/api/v1/nope", { token: ownerToken }), 404, "not_found");
  });
});

describe("audit log", () => {
  it("records each mutation with actor, request id and address, newest first, paginated", async () => {
    for (const name of ["Renamed 1", "Renamed 2", "Renamed 3"]) {
      const res = await api(h, "patch", `/api/v1/orgs/${a.orgId}`, {
        token: ownerToken,
        body: { name },
        headers: { "x-request-id": `audit-${name.at(-1)}` },
      });
      expect(res.status).toBe(200);
    }
    const page1 = await api(h, "get", `/api/v1/orgs/${a.orgId}/audit-log?limit=2`, { token: ownerToken });
    expect(page1.body.items).toHaveLength(2);
    expect(page1.body.items[0]).toMatchObject({
      action: "organization.update",
      actorUserId: a.users.owner.id,
      requestId: "audit-3",
      ip: "127.0.0.1",
      detail: { name: "Renamed 3" },
    });
    const page2 = await api(h, "get", `/api/v1/orgs/${a.orgId}/audit-log?limit=2&beforeId=${page1.body.nextBeforeId}`, {
      token: ownerToken,
    });
    expect(page2.body.items[0].requestId).toBe("audit-1");
  });
});

describe("login rate limit per client address", () => {
  it("answers 429 rate_limited with Retry-After once an address sprays too many logins (any emails)", async () => {
    let limited: Awaited<ReturnType<typeof api>> | undefined;
    let attempts = 0;
    while (!limited && attempts < 12) {
      attempts++;
      const res = await api(h, "post", "/api/v1/auth/login", {
        body: { email: `spray-${attempts}@http-a.test`, password: "guess-guess" },
      });
      if (res.status === 429) limited = res;
      else expect(res.body.code).toBe("invalid_credentials");
    }
    expect(limited, "never rate limited").toBeDefined();
    expect(attempts).toBeLessThanOrEqual(9);
    expectProblem(limited as Awaited<ReturnType<typeof api>>, 429, "rate_limited");
    expect(Number(limited?.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});

describe("OpenAPI", () => {
  it("documents every mounted route, each with a summary, a response schema and an example", async () => {
    const res = await api(h, "get", "/api/v1/openapi.json");
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toBe("3.1.0");

    // Walk the API router Express actually serves, not the route list: a route mounted any other way shows up here.
    const app = h.orch.parts.app.app as unknown as { router: { stack: Json[] } };
    const mounted: string[] = [];
    for (const layer of app.router.stack) {
      const inner = layer.handle?.stack as Json[] | undefined;
      if (!inner) continue;
      const prefix = layer.rawPath && layer.rawPath !== "/" ? String(layer.rawPath) : "";
      for (const l of inner) {
        if (!l.route) continue;
        const path = `${prefix}${String(l.route.path)}`.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
        // The documentation UI itself is not part of the API it documents.
        if (path.startsWith("/docs")) continue;
        for (const method of Object.keys(l.route.methods)) mounted.push(`${method} ${path}`);
      }
    }
    expect(mounted).toContain("get /healthz");
    expect(mounted.length).toBeGreaterThan(20);
    const documented = new Set<string>();
    for (const [p, ops] of Object.entries(doc.paths as Record<string, Record<string, Json>>)) {
      for (const [method, op] of Object.entries(ops)) {
        documented.add(`${method} ${p}`);
        expect(op.summary, `${method} ${p} summary`).toBeTruthy();
        const success = Object.entries(op.responses as Record<string, Json>).filter(([s]) => s.startsWith("2"));
        expect(success.length, `${method} ${p} success response`).toBeGreaterThan(0);
        for (const [status, r] of success) {
          if (status === "204") continue;
          const content = r.content?.["application/json"] ?? r.content?.["text/plain"] ?? r.content?.["text/csv"];
          expect(content?.schema, `${method} ${p} ${status} schema`).toBeTruthy();
          expect(content?.example, `${method} ${p} ${status} example`).toBeDefined();
        }
      }
    }
    for (const route of mounted) expect(documented, `${route} is missing from the OpenAPI document`).toContain(route);
    const operationIds = Object.values(doc.paths as Record<string, Record<string, Json>>).flatMap((ops) =>
      Object.values(ops).map((op) => op.operationId),
    );
    expect(new Set(operationIds).size).toBe(operationIds.length);
    // Webhook payloads and socket.io events are documented too.
    expect(Object.keys(doc.webhooks)).toContain("message:status");
    expect(Object.keys(doc["x-mirage-socket-events"]).sort()).toEqual([
      "blacklist:changed",
      "campaign:progress",
      "conversation:changed",
      "import:progress",
      "instance:health",
      "instance:qr",
      "instance:status",
      "message:inbound",
      "message:status",
    ]);
    for (const ref of Object.values(doc["x-mirage-socket-events"] as Record<string, { $ref: string }>)) {
      expect(doc.components.schemas[ref.$ref.split("/").at(-1) ?? ""]).toBeDefined();
    }
    for (const ops of ["get /healthz", "get /readyz", "get /metrics"]) expect(documented).toContain(ops);
  });

  it("is a valid OpenAPI 3.1 document", async () => {
    const res = await api(h, "get", "/api/v1/openapi.json");
    await expect(SwaggerParser.validate(structuredClone(res.body))).resolves.toBeDefined();
  });

  it("serves the docs page and its assets from node_modules", async () => {
    const page = await api(h, "get", "/docs");
    expect(page.status).toBe(200);
    expect(page.body).not.toMatch(/https?:\/\//);
    const init = await api(h, "get", "/docs/init.js");
    expect(init.body).toContain("/api/v1/openapi.json");
    const asset = await fetch(`${h.url}/docs/assets/swagger-ui-bundle.js`);
    expect(asset.status).toBe(200);
    expect((await asset.text()).length).toBeGreaterThan(100_000);
    // Its icon is named, so the browser does not ask the API for /favicon.ico (a 404 in the console).
    const icon = /<link rel="icon"[^>]* href="([^"]+)"/.exec(String(page.body))?.[1];
    expect(icon).toBeDefined();
    const iconRes = await fetch(`${h.url}${icon}`);
    expect(iconRes.status).toBe(200);
    expect(iconRes.headers.get("content-type")).toBe("image/png");
  });
});
