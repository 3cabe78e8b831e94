import { execFile } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { instanceQrKey } from "@mirage/contracts/worker-bus";
import { createOrgWithMembers, type OrgFixture } from "@mirage/testing/fixtures";
import createClient, { type Middleware } from "openapi-fetch";
import openapiTS, { astToString } from "openapi-typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, type Harness, type Json, startHarness } from "./harness.ts";
import { createResponseValidator, startFakeWorker } from "./openapi-tools.ts";
import { walkWorkRoutes } from "./openapi-walk.ts";

// The OpenAPI document as real tools use it: Redocly lints it, openapi-typescript generates types from it that a
// client program type-checks against, and every route's real answers validate against its schemas.
let h: Harness;
let a: OrgFixture;
let doc: Json;
let worker: Awaited<ReturnType<typeof startFakeWorker>>;
const PASSWORD = "contract-password-1";
const root = path.resolve(import.meta.dirname, "..");
const genDir = path.join(root, "node_modules/.cache/mirage-openapi-contract");

beforeAll(async () => {
  h = await startHarness({ PLACEMENT_INTERVAL_MS: "200" });
  a = await createOrgWithMembers(h.t.admin, "contract-a");
  await h.t.admin`update auth.users set encrypted_password = extensions.crypt(${PASSWORD}, extensions.gen_salt('bf', 4))
                  where id = ${a.users.owner.id}`;
  await h.t.admin`update public.organizations set default_country = 'BR' where id = ${a.orgId}`;
  doc = (await api(h, "get", "/api/v1/openapi.json")).body;
  worker = await startFakeWorker(h);
}, 60_000);
afterAll(async () => {
  await worker?.close();
  await h?.close();
  rmSync(genDir, { recursive: true, force: true });
});

function runTool(file: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 90_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe("the served document and real tools", () => {
  it("defines Problem once (no self-reference) and documents security for every operation and webhook", () => {
    const problem = doc.components.schemas.Problem;
    expect(problem.$ref).toBeUndefined();
    expect(problem.properties.code).toBeDefined();
    for (const [name, item] of Object.entries(doc.webhooks as Record<string, Json>)) {
      expect(item.post.security, name).toEqual([]);
      expect(item.post.operationId, name).toBeTruthy();
    }
  });

  it("describes every property of every request body (generated clients show it as the field's documentation)", () => {
    const missing = new Set<string>();
    let checked = 0;
    for (const [p, ops] of Object.entries(doc.paths as Record<string, Json>)) {
      if (!p.startsWith("/api/v1")) continue;
      for (const op of Object.values(ops as Record<string, Json>)) {
        const schema = op.requestBody?.content?.["application/json"]?.schema;
        if (!schema) continue;
        // A named body is a $ref into the components; an unnamed one is inline, named here by its operation.
        const name = schema.$ref ? schema.$ref.split("/").at(-1) : op.operationId;
        const resolved = schema.$ref ? doc.components.schemas[name] : schema;
        for (const [field, prop] of Object.entries((resolved?.properties ?? {}) as Record<string, Json>)) {
          checked++;
          if (typeof prop.description !== "string" || prop.description.trim() === "") missing.add(`${name}.${field}`);
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect([...missing], "request body properties without a description").toEqual([]);
  });

  it("describes every property of every response body, nested ones and referenced components included", () => {
    const schemas = doc.components.schemas as Record<string, Json>;
    const described = (s: Json) => typeof s?.description === "string" && s.description.trim() !== "";
    const target = (ref: string) => ref.split("/").at(-1) as string;
    const missing = new Set<string>();
    const visited = new Set<string>();
    let checked = 0;
    // Each component is walked once, under its own name; inline schemas under the path that leads to them.
    const walk = (schema: Json, name: string): void => {
      if (!schema || typeof schema !== "object") return;
      if (schema.$ref) {
        const ref = target(schema.$ref);
        if (visited.has(ref)) return;
        visited.add(ref);
        walk(schemas[ref], ref);
        return;
      }
      for (const [field, prop] of Object.entries((schema.properties ?? {}) as Record<string, Json>)) {
        checked++;
        // A property that is only a $ref may leave its documentation to the referenced component.
        if (!described(prop) && !(prop.$ref && described(schemas[target(prop.$ref)]))) missing.add(`${name}.${field}`);
        walk(prop, `${name}.${field}`);
      }
      if (schema.items) walk(schema.items, `${name}[]`);
      if (typeof schema.additionalProperties === "object") walk(schema.additionalProperties, `${name}{}`);
      for (const key of ["allOf", "anyOf", "oneOf"]) for (const sub of (schema[key] ?? []) as Json[]) walk(sub, name);
    };
    for (const [p, ops] of Object.entries(doc.paths as Record<string, Json>)) {
      if (!p.startsWith("/api/v1")) continue;
      for (const op of Object.values(ops as Record<string, Json>)) {
        for (const [status, response] of Object.entries((op.responses ?? {}) as Record<string, Json>)) {
          if (!status.startsWith("2")) continue;
          const schema = response.content?.["application/json"]?.schema;
          if (schema) walk(schema, schema.$ref ? target(schema.$ref) : `${op.operationId}.${status}`);
        }
      }
    }
    expect(checked).toBeGreaterThan(500);
    expect([...missing], "response body properties without a description").toEqual([]);
  });

  it("passes `redocly lint` with no errors", async () => {
    mkdirSync(genDir, { recursive: true });
    const file = path.join(genDir, "served.json");
    writeFileSync(file, JSON.stringify(doc));
    const run = await runTool(path.join(root, "node_modules/.bin/redocly"), [
      "lint",
      "--config",
      path.join(root, "../redocly.yaml"),
      "--format",
      "json",
      file,
    ]);
    const report = JSON.parse(run.stdout) as { totals: { errors: number }; problems: Json[] };
    const errors = report.problems.filter((p) => p.severity === "error").map((p) => `${p.ruleId}: ${p.message}`);
    expect(errors).toEqual([]);
    expect(report.totals.errors).toBe(0);
  }, 90_000);

  it("generates types with openapi-typescript that a typed openapi-fetch client type-checks against", async () => {
    const types = astToString(await openapiTS(structuredClone(doc)));
    expect(types).toContain('"/api/v1/orgs/{orgId}/instances"');
    mkdirSync(genDir, { recursive: true });
    writeFileSync(path.join(genDir, "api.ts"), types);
    // A client as an integrator writes it: typed paths, typed params, typed answers, and one deliberate mistake
    // per rule that must not compile.
    writeFileSync(
      path.join(genDir, "client.ts"),
      `import createClient from "openapi-fetch";
import type { paths } from "./api.ts";
const client = createClient<paths>({ baseUrl: "http://127.0.0.1:1" });
export async function use(orgId: string): Promise<unknown[]> {
  const list = await client.GET("/api/v1/orgs/{orgId}/instances", { params: { path: { orgId } } });
  const names: string[] = list.data?.items.map((i) => i.name) ?? [];
  const audit = await client.GET("/api/v1/orgs/{orgId}/audit-log", {
    params: { path: { orgId }, query: { beforeId: 10, limit: 5 } },
  });
  const next: number | null | undefined = audit.data?.nextBeforeId;
  const created = await client.POST("/api/v1/orgs/{orgId}/instances", {
    params: { path: { orgId } },
    body: { name: "sales-1", phone: "(11) 99999-0001" },
  });
  const problemCode: string | undefined = created.error?.code;
  const key = await client.POST("/api/v1/orgs/{orgId}/api-keys", {
    params: { path: { orgId } },
    body: { name: "n8n", scopes: ["read"] },
  });
  const keyOrg: string | undefined = key.data?.orgId;
  // @ts-expect-error complete lists carry no cursor
  list.data?.nextBeforeId;
  // @ts-expect-error scopes are an enum
  await client.POST("/api/v1/orgs/{orgId}/api-keys", { params: { path: { orgId } }, body: { name: "x", scopes: ["root"] } });
  // @ts-expect-error unknown route
  await client.GET("/api/v1/nope");
  return [names, next, problemCode, keyOrg];
}
`,
    );
    writeFileSync(
      path.join(genDir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          allowImportingTsExtensions: true,
          skipLibCheck: true,
          types: [],
        },
        files: ["client.ts"],
      }),
    );
    // A child process: the type-check takes seconds and must not block this process's event loop (the server).
    const run = await runTool(path.join(root, "../node_modules/.bin/tsc"), ["-p", path.join(genDir, "tsconfig.json")]);
    const diagnostics = `${run.stdout}${run.stderr}`.trim().split("\n").filter(Boolean);
    expect(diagnostics).toEqual([]);
  }, 90_000);
});

describe("every route answers what its schema says", () => {
  it("called through openapi-fetch, each operation's real answers validate against the document", async () => {
    const validator = createResponseValidator(doc);
    const seen = new Set<string>();
    const failures: string[] = [];
    const validating: Middleware = {
      async onResponse({ request, response, schemaPath }) {
        const method = request.method.toLowerCase();
        const type = response.headers.get("content-type") ?? "";
        // JSON answers as values; text ones (CSV exports) as the string their `type: string` schema describes.
        const body = type.includes("json") ? await response.clone().json() : await response.clone().text();
        const problem = validator.check(schemaPath, method, response.status, type, body);
        if (problem) failures.push(`${method} ${schemaPath} ${response.status}: ${problem}`);
        if (response.status < 300) seen.add(`${method} ${schemaPath}`);
        return response;
      },
    };
    // biome-ignore lint/suspicious/noExplicitAny: the types are generated at test time (see above); here the runtime.
    const client = createClient<any>({ baseUrl: h.url });
    client.use(validating);
    const orgId = a.orgId;
    const login = await client.POST("/api/v1/auth/login", {
      body: { email: "owner@contract-a.test", password: PASSWORD },
    });
    expect(login.response.status).toBe(200);
    const auth = { authorization: `Bearer ${login.data.accessToken}` };
    const o = { path: { orgId } };
    const call = async (method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE", route: string, init: Json = {}) => {
      const res = await client[method](route, { params: o, headers: auth, ...init });
      if (res.response.status >= 300 && res.response.status !== 404 && res.response.status !== 403) {
        failures.push(`${method} ${route}: ${res.response.status} ${JSON.stringify(res.error).slice(0, 300)}`);
      }
      return res as { data: Json; error: Json; response: Response };
    };

    // auth
    const refreshed = await call("POST", "/api/v1/auth/refresh", { body: { refreshToken: login.data.refreshToken } });
    await call("GET", "/api/v1/auth/me");
    // organizations and members
    await call("GET", "/api/v1/orgs");
    await call("GET", "/api/v1/orgs/{orgId}");
    await call("PATCH", "/api/v1/orgs/{orgId}", { body: { timezone: "America/Sao_Paulo", defaultCountry: "BR" } });
    await call("GET", "/api/v1/orgs/{orgId}/members");
    const m = { path: { orgId, userId: a.users.viewer.id } };
    await call("PATCH", "/api/v1/orgs/{orgId}/members/{userId}", { params: m, body: { role: "marketer" } });
    await call("DELETE", "/api/v1/orgs/{orgId}/members/{userId}", { params: m });
    // invitations
    const inv = await call("POST", "/api/v1/orgs/{orgId}/invitations", { body: { email: "c@x.test", role: "viewer" } });
    await call("GET", "/api/v1/orgs/{orgId}/invitations");
    await call("POST", "/api/v1/invitations/preview", { body: { token: inv.data.token } });
    // Accepting for a new account is anonymous: no session may accept for someone else.
    const signedIn = await call("POST", "/api/v1/invitations/accept", { body: { token: inv.data.token } });
    expect(signedIn.response.status).toBe(403);
    await call("POST", "/api/v1/invitations/accept", {
      headers: {},
      body: { token: inv.data.token, password: "a-new-password" },
    });
    const inv2 = await call("POST", "/api/v1/orgs/{orgId}/invitations", {
      body: { email: "d@x.test", role: "viewer" },
    });
    await call("DELETE", "/api/v1/orgs/{orgId}/invitations/{invitationId}", {
      params: { path: { orgId, invitationId: inv2.data.id } },
    });
    // API keys
    const key = await call("POST", "/api/v1/orgs/{orgId}/api-keys", { body: { name: "n8n", scopes: ["read"] } });
    expect(key.data.orgId).toBe(orgId);
    await call("GET", "/api/v1/orgs/{orgId}/api-keys");
    await call("DELETE", "/api/v1/orgs/{orgId}/api-keys/{keyId}", { params: { path: { orgId, keyId: key.data.id } } });
    // webhooks and deliveries
    const hook = await call("POST", "/api/v1/orgs/{orgId}/webhooks", {
      body: { url: "http://127.0.0.1:9/hook", description: "contract" },
    });
    const w = { path: { orgId, webhookId: hook.data.id } };
    await call("GET", "/api/v1/orgs/{orgId}/webhooks");
    await call("GET", "/api/v1/orgs/{orgId}/webhooks/{webhookId}", { params: w });
    await call("PATCH", "/api/v1/orgs/{orgId}/webhooks/{webhookId}", { params: w, body: { events: ["webhook:test"] } });
    await call("POST", "/api/v1/orgs/{orgId}/webhooks/{webhookId}/rotate-secret", { params: w });
    const sent = await call("POST", "/api/v1/orgs/{orgId}/webhooks/{webhookId}/test", { params: w });
    const deliveries = await call("GET", "/api/v1/orgs/{orgId}/webhooks/{webhookId}/deliveries", { params: w });
    expect(deliveries.data.items.map((d: Json) => d.id)).toEqual(sent.data.deliveryIds);
    const d = { path: { ...w.path, deliveryId: sent.data.deliveryIds[0] } };
    await call("GET", "/api/v1/orgs/{orgId}/webhooks/{webhookId}/deliveries/{deliveryId}", { params: d });
    await h.t.admin`update public.webhook_deliveries set status = 'dead' where id = ${d.path.deliveryId}`;
    await call("POST", "/api/v1/orgs/{orgId}/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver", { params: d });
    await call("DELETE", "/api/v1/orgs/{orgId}/webhooks/{webhookId}", { params: w });
    await call("GET", "/api/v1/orgs/{orgId}/audit-log", { params: { ...o, query: { limit: 2 } } });
    // instances, against a stand-in worker
    const inst = await call("POST", "/api/v1/orgs/{orgId}/instances", {
      body: { name: "c-1", phone: "(11) 99999-0001" },
    });
    expect(inst.data.phone).toBe("+5511999990001");
    const i = { path: { orgId, instanceId: inst.data.id } };
    await call("GET", "/api/v1/orgs/{orgId}/instances");
    await call("GET", "/api/v1/orgs/{orgId}/instances/{instanceId}", { params: i });
    await h.redis.set(
      instanceQrKey(h.prefix, inst.data.id),
      JSON.stringify({
        instanceId: inst.data.id,
        qr: "2@abc",
        dataUrl: "data:image/png;base64,iVBORw0KGgo=",
        attempt: 1,
        expiresAt: new Date(Date.now() + 60_000).toISOString(),
      }),
    );
    await call("GET", "/api/v1/orgs/{orgId}/instances/{instanceId}/qr", { params: i });
    const code = await call("POST", "/api/v1/orgs/{orgId}/instances/{instanceId}/pairing-code", {
      params: i,
      body: { phone: "11 99999-0001" },
    });
    expect(code.data).toMatchObject({ code: "ABCD1234", phone: "+5511999990001" });
    for (const action of ["start", "stop", "restart", "logout"]) {
      const res = await call("POST", `/api/v1/orgs/{orgId}/instances/{instanceId}/${action}`, { params: i });
      expect(res.response.status, action).toBe(200);
    }
    await call("GET", "/api/v1/orgs/{orgId}/instances/{instanceId}/events", { params: i });
    await call("GET", "/api/v1/orgs/{orgId}/instances/{instanceId}/health", { params: i });
    await call("DELETE", "/api/v1/orgs/{orgId}/instances/{instanceId}", { params: i });
    await walkWorkRoutes({ call, doc, admin: h.t.admin, orgId, workerId: worker.id, auth });
    await call("GET", "/api/v1/openapi.json");
    // errors validate against Problem too
    const missing = await call("GET", "/api/v1/orgs/{orgId}/webhooks/{webhookId}", { params: w });
    expect(missing.response.status).toBe(404);
    await call("POST", "/api/v1/auth/logout", { body: { refreshToken: refreshed.data.refreshToken } });

    expect(failures).toEqual([]);
    const documented = Object.entries(doc.paths as Record<string, Json>)
      .filter(([p]) => p.startsWith("/api/v1"))
      .flatMap(([p, ops]) => Object.keys(ops).map((method) => `${method} ${p}`));
    const missed = documented.filter((op) => !seen.has(op));
    expect(missed, "operations never answered 2xx in this test").toEqual([]);
  }, 60_000);
});

describe("one cursor pagination scheme", () => {
  it("every list that announces nextBeforeId takes beforeId, and no other list announces it", () => {
    for (const [p, ops] of Object.entries(doc.paths as Record<string, Json>)) {
      for (const [method, op] of Object.entries(ops as Record<string, Json>)) {
        const schema = op.responses?.["200"]?.content?.["application/json"]?.schema;
        const resolved = schema?.$ref ? doc.components.schemas[schema.$ref.split("/").at(-1)] : schema;
        const paged = Boolean(resolved?.properties?.nextBeforeId);
        const params = ((op.parameters ?? []) as Json[]).map((x) => x.name);
        expect(params.includes("beforeId"), `${method} ${p}`).toBe(paged);
        if (paged) expect(resolved.required, `${method} ${p}`).toContain("nextBeforeId");
      }
    }
  });

  it("nextBeforeId is non-null exactly when more rows exist, and following it visits every row once", async () => {
    const owner = await h.tokenFor(a.users.owner);
    const total = Number(
      (await h.t.admin<{ n: number }[]>`select count(*)::int as n from public.audit_log where org_id = ${a.orgId}`)[0]
        ?.n,
    );
    expect(total).toBeGreaterThan(3);
    const exact = await api(h, "get", `/api/v1/orgs/${a.orgId}/audit-log?limit=${total}`, { token: owner });
    expect(exact.body.items).toHaveLength(total);
    expect(exact.body.nextBeforeId).toBeNull();
    const ids: number[] = [];
    let before: number | null = null;
    let pages = 0;
    do {
      const q: string = before ? `&beforeId=${before}` : "";
      const page: Json = await api(h, "get", `/api/v1/orgs/${a.orgId}/audit-log?limit=3${q}`, { token: owner });
      ids.push(...page.body.items.map((e: Json) => e.id));
      before = page.body.nextBeforeId;
      if (before !== null) expect(page.body.items).toHaveLength(3);
      pages++;
    } while (before !== null && pages < 100);
    expect(ids).toHaveLength(total);
    expect(new Set(ids).size).toBe(total);
  });
});
