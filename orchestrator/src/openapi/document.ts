import { ZProblem } from "@mirage/contracts/errors";
import { REALTIME_EVENTS } from "@mirage/contracts/realtime";
import { ZWebhookEnvelope, ZWebhookEventType } from "@mirage/contracts/webhooks";
import { z } from "zod";
import { ERROR_STATUS } from "../http/app-error.ts";
import type { RouteDef } from "../http/route.ts";

type JsonObject = Record<string, unknown>;

/** The operations outside /api/v1, documented by hand (they are plain routers, not RouteDefs). */
export const OPS_OPERATIONS: { method: string; path: string; summary: string; description: string }[] = [
  {
    method: "get",
    path: "/healthz",
    summary: "Liveness: the process answers",
    description: "Always 200 while the event loop runs.",
  },
  {
    method: "get",
    path: "/readyz",
    summary: "Readiness: Postgres and Redis answer",
    description: "200 when both answer within 2 s, else 503 with each check's error.",
  },
  {
    method: "get",
    path: "/metrics",
    summary: "Prometheus metrics",
    description: "Text exposition format. Needs `Authorization: Bearer <METRICS_TOKEN>` when that is set.",
  },
];

/**
 * Converts a zod schema to JSON Schema 2020-12 (what OpenAPI 3.1 uses), moving named sub-schemas (.meta({id})) into
 * components so they are shared.
 */
function toSchema(schema: z.ZodType, io: "input" | "output", components: JsonObject): JsonObject {
  const json = z.toJSONSchema(schema, { io, unrepresentable: "any", target: "draft-2020-12" }) as JsonObject;
  const text = JSON.stringify(json).replaceAll('"#/$defs/', '"#/components/schemas/');
  const out = JSON.parse(text) as JsonObject;
  const defs = (out.$defs ?? {}) as JsonObject;
  for (const [name, def] of Object.entries(defs)) components[name] = def;
  delete out.$defs;
  delete out.$schema;
  return out;
}

function toParameters(
  schema: z.ZodType | undefined,
  location: "path" | "query" | "header",
  components: JsonObject,
): JsonObject[] {
  if (!schema) return [];
  const json = toSchema(schema, "input", components);
  const props = (json.properties ?? {}) as Record<string, JsonObject>;
  const required = new Set((json.required as string[] | undefined) ?? []);
  return Object.entries(props).map(([name, prop]) => ({
    name,
    in: location,
    required: location === "path" || required.has(name),
    schema: prop,
    ...(prop.description ? { description: prop.description } : {}),
  }));
}

const exampleOf = (schema: z.ZodType | undefined): unknown =>
  schema ? (schema.meta() as { example?: unknown } | undefined)?.example : undefined;

/** Builds the OpenAPI 3.1 document from the same RouteDefs the app mounts: nothing can be served undocumented. */
export function buildOpenApiDocument(routes: RouteDef[], opts: { version: string; serverUrl?: string }): JsonObject {
  const components: JsonObject = {};
  const paths: Record<string, JsonObject> = {};
  const problemSchema = toSchema(ZProblem, "output", components);

  for (const route of routes) {
    const path = `${route.basePath ?? "/api/v1"}${route.path.replace(/:([A-Za-z0-9_]+)/g, "{$1}")}`;
    const responses: JsonObject = {};
    for (const [status, r] of Object.entries(route.responses)) {
      const example = r.example ?? exampleOf(r.schema);
      responses[status] = {
        description: r.description,
        ...(r.contentType
          ? {
              content: {
                [r.contentType]: {
                  schema: { type: "string" },
                  ...(r.example !== undefined ? { example: r.example } : {}),
                },
              },
            }
          : {}),
        ...(r.schema
          ? {
              content: {
                "application/json": {
                  schema: toSchema(r.schema, "output", components),
                  ...(example !== undefined ? { example } : {}),
                },
              },
            }
          : {}),
      };
    }
    // Every route: bad input, a dependency down (503), a bug (500). Authenticated ones: 401/403/404. Writes: a
    // unique or referenced value (409/404). Bodies: 413/415. Plus what the route declares itself.
    const errorStatuses = new Set<number>([400, 500, 503]);
    if (route.auth.kind !== "public") for (const s of [401, 403, 404]) errorStatuses.add(s);
    // The body parser runs for every write, with or without a documented body: an oversized or non-JSON one is
    // refused before the handler (413/415).
    if (route.method !== "get") for (const s of [404, 409, 413, 415]) errorStatuses.add(s);
    if (route.path.startsWith("/auth/login")) errorStatuses.add(429);
    for (const code of route.errors ?? []) errorStatuses.add(ERROR_STATUS[code]);
    for (const status of [...errorStatuses].sort()) {
      const codes = Object.entries(ERROR_STATUS)
        .filter(([, s]) => s === status)
        .map(([c]) => c);
      responses[String(status)] = {
        description: `Problem details; code is one of: ${codes.join(", ")}`,
        content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
      };
    }
    const operation: JsonObject = {
      operationId: `${route.method}${route.path.replace(/[/:-]+([a-zA-Z])/g, (_, c: string) => c.toUpperCase())}`,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: route.tags,
      parameters: [
        ...toParameters(route.params, "path", components),
        ...toParameters(route.query, "query", components),
        ...toParameters(route.headers, "header", components),
      ],
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content: {
                "application/json": {
                  schema: toSchema(route.body, "input", components),
                  ...(exampleOf(route.body) !== undefined ? { example: exampleOf(route.body) } : {}),
                },
              },
            },
          }
        : {}),
      ...(route.rawBody
        ? {
            requestBody: {
              required: true,
              description: route.rawBody.description,
              content: Object.fromEntries(
                route.rawBody.contentTypes.map((t) => [t, { schema: { type: "string", format: "binary" } }]),
              ),
            },
          }
        : {}),
      responses,
      security:
        route.auth.kind === "public"
          ? []
          : route.securityScheme
            ? [{ [route.securityScheme]: [] }]
            : route.auth.kind === "user"
              ? [{ bearerAuth: [] }]
              : [{ bearerAuth: [] }, { apiKeyHeader: [] }],
      ...(route.auth.kind === "any" ? { "x-mirage-api-key-scopes": route.auth.scopes } : {}),
      ...(route.roles ? { "x-mirage-roles": route.roles } : {}),
    };
    paths[path] ??= {};
    (paths[path] as JsonObject)[route.method] = operation;
  }

  for (const op of OPS_OPERATIONS) {
    paths[op.path] ??= {};
    (paths[op.path] as JsonObject)[op.method] = {
      operationId: `ops${op.path.replace(/\W/g, "")}`,
      summary: op.summary,
      description: op.description,
      tags: ["operations"],
      security: [],
      responses: {
        ...(op.path === "/metrics"
          ? {
              401: {
                description: "METRICS_TOKEN is set and the request does not carry it",
                content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
              },
            }
          : {}),
        ...(op.path === "/readyz"
          ? {
              503: {
                description: "Postgres or Redis does not answer",
                content: { "application/json": { schema: { type: "object" } } },
              },
            }
          : {}),
        200: {
          description: "OK",
          content:
            op.path === "/metrics"
              ? {
                  "text/plain": {
                    schema: { type: "string" },
                    example: "# HELP mirage_instances Instances by status\n",
                  },
                }
              : { "application/json": { schema: { type: "object" }, example: { status: "ok" } } },
        },
      },
    };
  }

  // toSchema already moved Problem into components (it has a meta id); `problemSchema` is only a $ref to it.
  if (!components.Problem) components.Problem = problemSchema;

  // Webhooks (an OpenAPI 3.1 feature): what Mirage POSTs to a subscribed endpoint, per event type.
  const envelope = toSchema(ZWebhookEnvelope, "output", components);
  const webhooks: Record<string, JsonObject> = {};
  for (const type of ZWebhookEventType.options) {
    webhooks[type] = {
      post: {
        operationId: `webhook${type.replace(/(^|:)([a-z])/g, (_, _sep: string, c: string) => c.toUpperCase())}`,
        summary: `${type} event delivered to a webhook endpoint`,
        description:
          "Verify Mirage-Signature (t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + '.' + raw body)>), refuse " +
          "old timestamps, and dedupe on Mirage-Event-Id. Answer 2xx quickly; other answers are retried.",
        parameters: [
          { name: "Mirage-Signature", in: "header", required: true, schema: { type: "string" } },
          { name: "Mirage-Event", in: "header", required: true, schema: { type: "string", const: type } },
          { name: "Mirage-Event-Id", in: "header", required: true, schema: { type: "string", format: "uuid" } },
          { name: "Mirage-Delivery", in: "header", required: true, schema: { type: "string" } },
        ],
        requestBody: { required: true, content: { "application/json": { schema: envelope } } },
        responses: { "2XX": { description: "Received" } },
        // Mirage calls the receiver: no credentials are sent; the receiver authenticates Mirage by the signature.
        security: [],
      },
    };
  }

  // socket.io events: not HTTP, so described as schemas plus an extension listing them.
  const socketEvents: Record<string, { $ref: string }> = {};
  for (const [name, schema] of Object.entries(REALTIME_EVENTS)) {
    const id = `RealtimeEvent_${name.replace(":", "_")}`;
    components[id] = toSchema(schema, "output", components);
    socketEvents[name] = { $ref: `#/components/schemas/${id}` };
  }

  return {
    openapi: "3.1.0",
    info: {
      title: "Mirage orchestrator API",
      version: opts.version,
      description:
        "Self-hosted WhatsApp orchestration. Authenticate with a bearer access token (POST /api/v1/auth/login) or " +
        "an organization API key (`Authorization: Bearer mk_…` or `X-Api-Key: mk_…`). Errors are RFC 9457 problem " +
        "details with a machine-readable `code`. Realtime events: socket.io at the same origin, handshake " +
        `\`auth: { token, since? }\`, events ${Object.keys(REALTIME_EVENTS).join(", ")} (payloads under ` +
        "`x-mirage-socket-events`); an organization's events reach only its members' sockets.",
    },
    servers: [{ url: opts.serverUrl ?? "/" }],
    paths,
    webhooks,
    /** Payload (`data`) schema of each socket.io event; the envelope is { cursor, type, orgId, at, data }. */
    "x-mirage-socket-events": socketEvents,
    components: {
      schemas: components,
      securitySchemes: {
        bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT or mk_ API key" },
        apiKeyHeader: { type: "apiKey", in: "header", name: "X-Api-Key" },
        evolutionApiKey: {
          type: "apiKey",
          in: "header",
          name: "apikey",
          description:
            "Evolution API compatibility: an organization API key, or the instance token from /instance/create",
        },
      },
    },
  };
}
