import type { TApiKeyScope, TOrgRole } from "@mirage/contracts/enums";
import type { TErrorCode } from "@mirage/contracts/errors";
import type { Request, RequestHandler, Response } from "express";
import type { z } from "zod";
import type { Principal } from "../auth/principal.ts";
import { AppError } from "./app-error.ts";

export type HttpMethod = "get" | "post" | "put" | "patch" | "delete";

/**
 * Who may call a route:
 * - `public`: anyone (login, refresh);
 * - `user`: a person's access token only;
 * - `any`: a person, or an API key holding one of `scopes` (`admin` satisfies every scope).
 */
export type RouteAuth = { kind: "public" } | { kind: "user" } | { kind: "any"; scopes: readonly TApiKeyScope[] };

export type RouteResponse = {
  description: string;
  schema?: z.ZodType;
  example?: unknown;
  /** A non-JSON answer the handler streams itself (e.g. text/csv); documented with this media type. */
  contentType?: string;
};

/** What a handler gets: validated input, and the caller (always set unless the route is public). */
export type RouteInput<P, Q, B, A extends RouteAuth = RouteAuth> = {
  params: P;
  query: Q;
  body: B;
  principal: A extends { kind: "public" } ? undefined : Principal;
};

/**
 * One API route: its contract (documented in OpenAPI from the same zod schemas that validate it) and its handler.
 * Feature folders export arrays of these; the app mounts them under /api/v1 and the OpenAPI builder reads them.
 */
export type RouteDef<P = unknown, Q = unknown, B = unknown, A extends RouteAuth = RouteAuth> = {
  method: HttpMethod;
  /** Express path under /api/v1 (or under `basePath`), e.g. /orgs/:orgId/members. */
  path: string;
  /** Where the route is mounted when not under /api/v1 (the Evolution compatibility layer's own base path). */
  basePath?: string;
  /**
   * A hot path (the send API): tried first by the router, which otherwise tests every route registered before it.
   * Only for a path no other route of the same method matches, so that order changes nothing but the cost.
   */
  hot?: boolean;
  /** The OpenAPI security scheme when not Mirage's bearer token / X-Api-Key (e.g. Evolution's `apikey` header). */
  securityScheme?: string;
  summary: string;
  description?: string;
  tags: string[];
  auth: A;
  /** Roles allowed in the organization named by :orgId (documentation; the handler enforces it through withOrg). */
  roles?: readonly TOrgRole[];
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  /** Request headers the route reads (documentation: the handler reads and checks them itself). */
  headers?: z.ZodType;
  body?: z.ZodType<B>;
  /** A raw (non-JSON) request body the handler reads from the request stream itself, e.g. an uploaded CSV file. */
  rawBody?: { contentTypes: string[]; description: string };
  /** Error codes this route answers beyond the common ones (see the OpenAPI builder), for the document. */
  errors?: readonly TErrorCode[];
  /** Success responses by status; error responses are documented for every route from the error table. */
  responses: Record<number, RouteResponse>;
  handler: (input: RouteInput<P, Q, B, A>, req: Request, res: Response) => Promise<{ status: number; body?: unknown }>;
};

/** Identity helper that infers P/Q/B from the schemas and whether a principal is guaranteed from `auth`. */
export function defineRoute<P = undefined, Q = undefined, B = undefined, const A extends RouteAuth = RouteAuth>(
  def: RouteDef<P, Q, B, A>,
): RouteDef {
  return def as unknown as RouteDef;
}

/**
 * The path of the first string (or object key) holding a NUL character, which Postgres text cannot store: refused
 * here for every route and every part of the request, instead of per field.
 */
export function findNulCharacter(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === "string") return value.includes("\u0000") ? path : undefined;
  if (depth > 32 || value === null || typeof value !== "object") return undefined;
  for (const [key, inner] of Object.entries(value)) {
    if (key.includes("\u0000")) return `${path}.${key.replaceAll("\u0000", "\\0")}`;
    const found = findNulCharacter(inner, `${path}.${key}`, depth + 1);
    if (found) return found;
  }
  return undefined;
}

function parseOrThrow<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T {
  const nul = findNulCharacter(value, where);
  if (nul) {
    throw new AppError("validation_failed", `invalid ${where}`, {
      errors: [{ path: nul, message: "must not contain the NUL character (\\u0000)" }],
    });
  }
  if (!schema) return undefined as T;
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  throw new AppError("validation_failed", `invalid ${where}`, {
    errors: result.error.issues.map((i) => ({
      path: [where, ...i.path].join("."),
      message: i.message,
    })),
  });
}

/** Express handler: authenticate → scope check → validate params/query/body → handler → JSON. */
export function toExpressHandler(
  def: RouteDef,
  authenticate: (req: Request) => Promise<Principal | undefined>,
): RequestHandler {
  return async (req, res) => {
    let principal: Principal | undefined;
    if (def.auth.kind !== "public") {
      principal = await authenticate(req);
      if (!principal) throw new AppError("unauthenticated", "send a bearer access token or an API key");
      if (principal.kind === "api_key") {
        if (def.auth.kind === "user") {
          throw new AppError("forbidden", "this route needs a person's access token, not an API key");
        }
        const needed = def.auth.scopes;
        const held = principal.scopes;
        if (!held.includes("admin") && !needed.some((s) => held.includes(s))) {
          throw new AppError("insufficient_scope", `this route needs an API key with scope ${needed.join(" or ")}`);
        }
      }
      req.principal = principal;
    }
    const hasBody = Number(req.headers["content-length"] ?? 0) > 0 || req.headers["transfer-encoding"] !== undefined;
    if (def.body && hasBody && !req.is(["application/json", "application/*+json"])) {
      throw new AppError("unsupported_media_type", "send the body as application/json");
    }
    const params = parseOrThrow(def.params, req.params, "params");
    const query = parseOrThrow(def.query, req.query, "query");
    const body = parseOrThrow(def.body, req.body, "body");
    const out = await def.handler(
      { params, query, body, principal } as RouteInput<unknown, unknown, unknown>,
      req,
      res,
    );
    // A handler that sent a non-JSON body itself (the QR as a PNG) has answered already.
    if (res.headersSent) return;
    if (out.body === undefined) res.status(out.status).end();
    else res.status(out.status).json(out.body);
  };
}
