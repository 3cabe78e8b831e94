import { randomUUID } from "node:crypto";
import { createOrgWithMembers, type OrgFixture } from "@mirage/testing/fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, type Harness, type Json, startHarness } from "./harness.ts";
import { startFakeWorker, templateOf } from "./openapi-tools.ts";

// A fuzz pass over every operation of the served OpenAPI document: each path parameter, query parameter and body
// field in turn gets hostile or edge values (the others stay valid), and no answer may be a 5xx. Bad input is the
// client's fault: a 4xx with a reason.
let h: Harness;
let a: OrgFixture;
let b: OrgFixture;
let doc: Json;
let owner: string;
let worker: Awaited<ReturnType<typeof startFakeWorker>>;
const ids: Record<string, string> = {};
const otherOrgIds: Record<string, string> = {};

async function fixtures(org: OrgFixture, into: Record<string, string>) {
  const t = h.t.admin;
  const [w] = await t<{ id: string }[]>`
    insert into public.webhook_endpoints (org_id, url) values (${org.orgId}, 'http://127.0.0.1:9/h') returning id`;
  if (!w) throw new Error("no webhook");
  const [d] = await t<{ id: number }[]>`
    insert into public.webhook_deliveries (org_id, endpoint_id, event_type, payload, status)
    values (${org.orgId}, ${w.id}, 'webhook:test', '{}', 'dead') returning id`;
  const tag = randomUUID().replaceAll("-", "");
  const [k] = await t<{ id: string }[]>`
    insert into public.api_keys (org_id, name, prefix, key_hash, scopes)
    values (${org.orgId}, 'k', ${`mk_${tag.slice(0, 8)}`}, ${tag}, '{read}') returning id`;
  const [i] = await t<{ id: string }[]>`
    insert into public.instances (org_id, name) values (${org.orgId}, ${`fuzz-${tag.slice(0, 6)}`}) returning id`;
  const [inv] = await t<{ id: string }[]>`
    insert into public.organization_invitations (org_id, email, role, token_hash, expires_at)
    values (${org.orgId}, ${`${tag}@x.test`}, 'viewer', ${tag}, now() + interval '1 day') returning id`;
  Object.assign(into, {
    orgId: org.orgId,
    webhookId: w.id,
    deliveryId: String(d?.id),
    keyId: k?.id ?? "",
    instanceId: i?.id ?? "",
    invitationId: inv?.id ?? "",
    userId: org.users.viewer.id,
  });
}

/** The audience, messaging and campaign rows of an organization, made through the API as its owner would. */
async function featureFixtures(org: OrgFixture, into: Record<string, string>) {
  const token = await h.tokenFor(org.users.owner);
  const base = `/api/v1/orgs/${org.orgId}`;
  const made = async (path: string, body: unknown, init: Parameters<typeof api>[3] = {}) => {
    const res = await api(h, "post", `${base}${path}`, { token, body, ...init });
    if (res.status >= 300) throw new Error(`fixture ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const contact = await made("/contacts", { phone: "+55 (11) 99999-0001", name: "Ana" });
  const list = await made("/lists", { name: "Leads" });
  await made(`/lists/${list.id}/members`, { contactIds: [contact.id] });
  const segment = await made("/segments", { name: "VIPs", filter: { tagsAny: ["vip"] } });
  const entry = await made("/blacklist", { phone: "+55 11 97777-0003" });
  const template = await made("/templates", { name: "Oi", body: "Oi {{first_name|cliente}}" });
  const imported = await made("/imports", undefined, {
    rawBody: "Nome;Celular\nBia;(11) 98888-0002\n",
    headers: { "content-type": "text/csv" },
  });
  await h.t.admin`update public.instances set status = 'connected' where id = ${into.instanceId ?? ""}`;
  const message = await made(`/instances/${into.instanceId}/messages`, { to: "+5511999990009", text: "oi" });
  const [conversation] = await h.t.admin<{ id: string }[]>`
    insert into public.conversations (org_id, instance_id, peer_phone)
    values (${org.orgId}, ${into.instanceId ?? ""}, '+5511955550005') returning id`;
  const note = await made(`/conversations/${conversation?.id}/notes`, { text: "retornar amanhã" });
  const campaign = await made("/campaigns", {
    name: "Black Friday",
    templateId: template.id,
    audience: { listIds: [list.id], segmentIds: [] },
    senderIds: [into.instanceId],
    timezone: "America/Sao_Paulo",
  });
  Object.assign(into, {
    contactId: contact.id,
    listId: list.id,
    segmentId: segment.id,
    entryId: entry.id,
    templateId: template.id,
    importId: imported.id,
    messageId: String(message.id),
    conversationId: conversation?.id ?? "",
    noteId: String(note.id),
    campaignId: campaign.id,
  });
}

beforeAll(async () => {
  h = await startHarness({ LOGIN_RATE_PER_IP_PER_MINUTE: "100000", HTTP_BODY_LIMIT_BYTES: "65536" });
  a = await createOrgWithMembers(h.t.admin, "fuzz-a");
  b = await createOrgWithMembers(h.t.admin, "fuzz-b");
  owner = await h.tokenFor(a.users.owner);
  doc = (await api(h, "get", "/api/v1/openapi.json")).body;
  await fixtures(a, ids);
  await fixtures(b, otherOrgIds);
  await featureFixtures(a, ids);
  await featureFixtures(b, otherOrgIds);
  worker = await startFakeWorker(h);
}, 60_000);
afterAll(async () => {
  await worker?.close();
  await h?.close();
});

type Op = { method: string; template: string; op: Json };
const operations = (): Op[] =>
  Object.entries(doc.paths as Record<string, Json>)
    .filter(([p]) => p.startsWith("/api/v1"))
    .flatMap(([template, ops]) =>
      Object.entries(ops as Record<string, Json>).map(([method, op]) => ({ method, template, op })),
    );

/** encodeURIComponent, except that a lone surrogate (which it refuses) becomes its malformed UTF-8 bytes. */
const enc = (text: string) => {
  try {
    return encodeURIComponent(text);
  } catch {
    return "%ED%A0%80";
  }
};

/** Path parameters whose schema is an integer (row ids such as deliveryId, messageId, noteId), by name. */
const integerParams = (): Set<string> =>
  new Set(
    operations().flatMap(({ op }) =>
      ((op.parameters ?? []) as Json[])
        .filter((p) => p.in === "path" && p.schema?.type === "integer")
        .map((p) => p.name as string),
    ),
  );

/** An id that exists nowhere, of the parameter's type. */
const unknownId = (name: string) => (integerParams().has(name) ? "2147483000" : randomUUID());

const fill = (template: string, values: Record<string, string>) =>
  template.replace(/\{([^}]+)\}/g, (_, name: string) => enc(values[name] ?? unknownId(name)));

const resolve = (schema: Json): Json =>
  schema?.$ref ? doc.components.schemas[String(schema.$ref).split("/").at(-1) ?? ""] : schema;

/** Strings put into a URL as they are (already encoded, or deliberately malformed). */
const RAW_SEGMENTS = ["%E0%A4%A", "%", "%%", "%zz", "%00", "%C0%AF", "%ED%A0%80", "..%2F..%2Fetc", "%FF%FE"];
/** Values encoded into a URL. */
const TEXTS = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "' or 1=1 --",
  "x".repeat(3000),
  "😀",
  "\ud800",
  "-1",
  "0",
  "1e309",
  "9".repeat(40),
  "null",
  "NaN",
  "[]",
  "{}",
  "00000000-0000-0000-0000-000000000000",
  "00000000-0000-4000-8000-00000000000Z",
];
/** What a parameter no route declares gets: text the query parser must survive, whatever the route ignores. */
const UNKNOWN_QUERY_TEXTS = ["\u0000", "x".repeat(3000), "\ud800", "[]"];
/** Values for JSON body fields. */
const BODY_VALUES: unknown[] = [
  null,
  "",
  "\u0000",
  "ok\u0000",
  "x".repeat(20_000),
  "😀\ud800",
  -1,
  0,
  1e308,
  2 ** 53 + 1,
  1.5,
  true,
  [],
  [null],
  ["\u0000"],
  {},
  { "\u0000": 1 },
  { nested: { deeper: "\u0000" } },
];
/** Whole bodies and content types. */
const RAW_BODIES: { body: string; type: string; encoding?: string }[] = [
  { body: "{", type: "application/json" },
  { body: "null", type: "application/json" },
  { body: "[]", type: "application/json" },
  { body: '"text"', type: "application/json" },
  { body: "123", type: "application/json" },
  { body: "[".repeat(50_000), type: "application/json" },
  { body: '{"a":"\\u0000"}', type: "application/json" },
  { body: '{"__proto__":{"admin":true}}', type: "application/json" },
  { body: "{}", type: "application/json; charset=utf-16" },
  { body: "{}", type: "application/json; charset=latin1" },
  { body: "{}", type: "text/plain" },
  { body: "a=b", type: "application/x-www-form-urlencoded" },
  { body: "not gzip", type: "application/json", encoding: "gzip" },
  { body: "{}", type: "application/json", encoding: "br-or-something" },
  { body: "x".repeat(70_000), type: "application/json" },
];

describe("fuzz pass over every operation of the OpenAPI document", () => {
  it("never answers 5xx to hostile path parameters, query parameters, body fields, bodies or credentials", async () => {
    const failures: string[] = [];
    const undocumented = new Set<string>();
    let requests = 0;
    const send = async (label: string, method: string, url: string, opts: Parameters<typeof api>[3] = {}) => {
      requests++;
      let res: Awaited<ReturnType<typeof api>>;
      try {
        res = await api(h, method, url, { token: owner, ...opts });
      } catch (error) {
        const cause = (error as Error).cause as Error | undefined;
        failures.push(`${label}: no answer (${(error as Error).message}${cause ? `: ${cause.message}` : ""})`);
        return;
      }
      if (res.status >= 500) failures.push(`${label}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
      else if (res.status >= 400 && typeof res.body === "object" && !res.body?.code) {
        failures.push(`${label}: ${res.status} without a problem code`);
      }
      // Every answer is one the operation documents (a route's own refusals go into its `errors:`).
      const template = templateOf(doc, method, url);
      const documented = template ? doc.paths[template][method]?.responses : undefined;
      if (documented && !documented[String(res.status)]) {
        undocumented.add(`${method} ${template} ${res.status} ${res.body?.code ?? ""}`);
      }
    };
    const work: (() => Promise<void>)[] = [];
    for (const { method, template, op } of operations()) {
      const params = (op.parameters ?? []) as Json[];
      const base = fill(template, ids);
      const example = op.requestBody?.content?.["application/json"]?.example;
      const body = op.requestBody ? structuredClone(example ?? {}) : undefined;
      // path parameters
      for (const p of params.filter((x) => x.in === "path")) {
        const re = new RegExp(`\\{${p.name}\\}`);
        for (const raw of RAW_SEGMENTS) {
          const url = fill(template.replace(re, raw), ids);
          work.push(() => send(`${method} ${template} ${p.name}=${raw}`, method, url, { body }));
        }
        for (const text of TEXTS) {
          const url = fill(template.replace(re, enc(text)), ids);
          work.push(() =>
            send(`${method} ${template} ${p.name}=${JSON.stringify(text).slice(0, 40)}`, method, url, { body }),
          );
        }
      }
      // query parameters, and one the route does not know. A route answers an unknown parameter the same whatever its
      // value, so it gets a few values (every value on every route was a quarter of this pass's 17,000 requests).
      const queryNames = params.filter((x) => x.in === "query").map((x) => x.name as string);
      for (const text of UNKNOWN_QUERY_TEXTS) {
        const url = `${base}?unknown=${enc(text)}`;
        work.push(() =>
          send(`${method} ${template} ?unknown=${JSON.stringify(text).slice(0, 40)}`, method, url, { body }),
        );
      }
      work.push(() => send(`${method} ${template} ?unknown=%zz`, method, `${base}?unknown=%zz`, { body }));
      work.push(() => send(`${method} ${template} ?unknown[x]=1`, method, `${base}?unknown[x]=1`, { body }));
      for (const name of queryNames) {
        for (const text of TEXTS) {
          const url = `${base}?${name}=${enc(text)}`;
          work.push(() =>
            send(`${method} ${template} ?${name}=${JSON.stringify(text).slice(0, 40)}`, method, url, { body }),
          );
        }
        for (const raw of [...RAW_SEGMENTS, `1&${name}=2`, "1", `[a]=1`]) {
          const url = `${base}?${name}=${raw}`;
          work.push(() => send(`${method} ${template} ?${name}=${raw}`, method, url, { body }));
        }
        work.push(() => send(`${method} ${template} ?${name}[x]=1`, method, `${base}?${name}[x]=1`, { body }));
      }
      // body fields, one at a time, the others as in the documented example
      // (multipart uploads get the hostile raw bodies below, not field-by-field JSON)
      const json = op.requestBody?.content?.["application/json"];
      if (json) {
        const schema = resolve(json.schema);
        const fields = [...Object.keys(schema?.properties ?? {}), "unknownField"];
        for (const field of fields) {
          for (const value of BODY_VALUES) {
            const fuzzed = { ...(body as object), [field]: value };
            work.push(() =>
              send(`${method} ${template} body.${field}=${JSON.stringify(value).slice(0, 40)}`, method, base, {
                body: fuzzed,
              }),
            );
          }
        }
      }
      // fetch sends no body with GET; every other method gets the hostile bodies, whether it takes one or not.
      for (const raw of method === "get" ? [] : RAW_BODIES) {
        const headers: Record<string, string> = { "content-type": raw.type };
        if (raw.encoding) headers["content-encoding"] = raw.encoding;
        work.push(() =>
          send(`${method} ${template} raw ${raw.type} ${raw.body.slice(0, 20)}`, method, base, {
            rawBody: raw.body,
            headers,
          }),
        );
      }
    }
    // credentials
    for (const authorization of [
      "Bearer a.b.c",
      "Bearer e30.e30.e30",
      "Bearer ....",
      "Bearer mk_%%%",
      "Bearer \u00ff\u00fe",
      "Bearer eyJhbGciOiJub25lIn0.e30.",
      "Bearer",
    ]) {
      work.push(() =>
        send(`auth ${authorization}`, "get", "/api/v1/orgs", { token: undefined, headers: { authorization } }),
      );
    }
    for (const key of ["mk_", `mk_${"a".repeat(8)}_${"b".repeat(40)}`, "x".repeat(5000)]) {
      work.push(() => send(`api key ${key.slice(0, 20)}`, "get", "/api/v1/orgs", { token: undefined, apiKey: key }));
    }
    // Eight at a time: fast, and still far below anything that would starve the server.
    const queue = [...work];
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) await next();
      }),
    );
    expect(requests).toBeGreaterThan(2000);
    expect(failures).toEqual([]);
    expect([...undocumented].sort(), "answers the document does not list").toEqual([]);
  }, 300_000);

  it("every route under a parent answers 404 when the parent does not exist or belongs to another organization", async () => {
    const failures: string[] = [];
    for (const { method, template, op } of operations()) {
      if (op.requestBody || method === "patch") continue;
      const names = ((op.parameters ?? []) as Json[])
        .filter((p) => p.in === "path" && p.name !== "orgId")
        .map((p) => p.name as string);
      for (const name of names) {
        const unknown = unknownId(name);
        for (const [what, value] of [
          ["unknown", unknown],
          ["another organization's", otherOrgIds[name] ?? unknown],
        ] as const) {
          const url = fill(template, { ...ids, [name]: value });
          const res = await api(h, method, url, { token: owner });
          if (res.status !== 404) failures.push(`${method} ${template} with ${what} ${name}: ${res.status}`);
        }
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
