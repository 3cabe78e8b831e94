import type { Database } from "@mirage/db";
import type { Logger } from "@mirage/logger";
import type { Queues } from "@mirage/queue/queues";
import type { KeyRing } from "@mirage/secrets";
import express, { type Express, type RequestHandler, Router } from "express";
import helmet from "helmet";
import type { Redis } from "ioredis";
import { pinoHttp } from "pino-http";
import { z } from "zod";
import { apiKeyRoutes } from "./api-keys/api-keys.routes.ts";
import { auditRoutes } from "./audit/audit.routes.ts";
import { authRoutes } from "./auth/auth.routes.ts";
import type { Authenticator } from "./auth/principal.ts";
import type { SessionService } from "./auth/sessions.ts";
import { errorHandler, notFoundHandler } from "./http/error-handler.ts";
import { genRequestId } from "./http/request-id.ts";
import { defineRoute, type RouteDef, toExpressHandler } from "./http/route.ts";
import { docsRouter } from "./openapi/docs.routes.ts";
import { buildOpenApiDocument } from "./openapi/document.ts";
import { BULL_BOARD_PATH, bullBoardHandler } from "./ops/bull-board.ts";
import type { Metrics } from "./ops/metrics.ts";
import { opsRouter } from "./ops/ops.routes.ts";
import { invitationRoutes } from "./organizations/invitations.routes.ts";
import { organizationRoutes } from "./organizations/organizations.routes.ts";
import type { RealtimeControl } from "./realtime/control.ts";
import type { TargetPolicy } from "./webhooks/ssrf.ts";
import { webhookRoutes } from "./webhooks/webhooks.routes.ts";

export const API_PREFIX = "/api/v1";

export type HttpAppConfig = {
  corsOrigins: string[];
  bodyLimitBytes: number;
  trustProxyHops: number;
  bcryptCost: number;
  /** How long an invitation token stays valid, in seconds. */
  invitationTtlSeconds: number;
  metricsToken?: string;
  version: string;
};

export type HttpAppDeps = {
  config: HttpAppConfig;
  logger: Logger;
  db: Database;
  redis: Redis;
  queues: Queues;
  authenticator: Authenticator;
  /** Builtin auth only; undefined with AUTH_PROVIDER=supabase (login happens at Supabase). */
  sessions: SessionService | undefined;
  /** MIRAGE_ENCRYPTION_KEYS: seals webhook signing secrets. */
  keyRing: KeyRing;
  policy: TargetPolicy;
  metrics: Metrics;
  /** Tells live sockets about revoked keys and removed members. */
  realtime?: RealtimeControl;
  /** Guards Bull Board (ops admins); undefined leaves Bull Board unmounted. */
  opsAdminGuard?: RequestHandler;
  /**
   * More feature routes (e.g. instances): each feature exports `xxxRoutes(deps): RouteDef[]` and main.ts
   * passes them here. They are validated, authenticated, mounted under /api/v1 and documented like the core ones.
   */
  features?: RouteDef[];
  /**
   * Routers mounted outside /api/v1 with their own authentication and error shape (the Evolution API layer); their
   * routes (each with its basePath) are documented in the same OpenAPI document.
   */
  /**
   * Route sets under a base path of their own (the Evolution API layer), with their router; `errorFormat` renders
   * every error under that path in another shape, those of the body parser and unknown routes included.
   */
  mounts?: { basePath: string; routes: RouteDef[]; router: Router; errorFormat?: "evolution" }[];
};

/** CORS for the configured origins only (credentials allowed, so never "*"). */
function cors(origins: string[]): RequestHandler {
  const allowed = new Set(origins);
  return (req, res, next) => {
    const origin = req.get("origin");
    if (origin && allowed.has(origin)) {
      res.setHeader("Access-Control-Allow-Origin", origin);
      res.setHeader("Vary", "Origin");
      res.setHeader("Access-Control-Allow-Credentials", "true");
      res.setHeader("Access-Control-Expose-Headers", "X-Request-Id, Retry-After");
      if (req.method === "OPTIONS") {
        res.setHeader("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS");
        res.setHeader("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Api-Key, X-Request-Id");
        res.setHeader("Access-Control-Max-Age", "600");
        res.status(204).end();
        return;
      }
    }
    next();
  };
}

/** Every API route of the core, in mount order (the OpenAPI document is built from the same list). */
export function coreRoutes(deps: HttpAppDeps): RouteDef[] {
  return [
    ...authRoutes({ db: deps.db, sessions: deps.sessions }),
    ...organizationRoutes({ db: deps.db, realtime: deps.realtime }),
    ...invitationRoutes({
      db: deps.db,
      authenticator: deps.authenticator,
      bcryptCost: deps.config.bcryptCost,
      ttlSeconds: deps.config.invitationTtlSeconds,
    }),
    ...apiKeyRoutes({ db: deps.db, realtime: deps.realtime, authenticator: deps.authenticator }),
    ...webhookRoutes({ db: deps.db, keyRing: deps.keyRing, policy: deps.policy }),
    ...auditRoutes({ db: deps.db }),
  ];
}

/** Routes about the API itself: its OpenAPI document (built from the whole route list, hence the getter). */
export function metaRoutes(getDocument: () => Record<string, unknown>): RouteDef[] {
  return [
    defineRoute({
      method: "get",
      path: "/openapi.json",
      summary: "This API's OpenAPI 3.1 document",
      tags: ["meta"],
      auth: { kind: "public" },
      responses: {
        200: {
          description: "The document",
          schema: z.record(z.string(), z.unknown()),
          example: { openapi: "3.1.0", info: { title: "Mirage orchestrator API" } },
        },
      },
      async handler() {
        return { status: 200, body: getDocument() };
      },
    }),
  ];
}

/** The Express app, without listen(): main.ts listens, tests use supertest or listen(0). */
export function createHttpApp(deps: HttpAppDeps): {
  app: Express;
  routes: RouteDef[];
  openapi: Record<string, unknown>;
} {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", deps.config.trustProxyHops);

  app.use(
    pinoHttp({
      logger: deps.logger.child({ module: "http" }),
      genReqId: genRequestId,
      customLogLevel: (_req, res, err) =>
        err || res.statusCode >= 500 ? "error" : res.statusCode >= 400 ? "info" : "debug",
      autoLogging: { ignore: (req) => req.url === "/healthz" || req.url === "/readyz" || req.url === "/metrics" },
    }),
  );
  app.use(deps.metrics.httpMiddleware);
  app.use(cors(deps.config.corsOrigins));

  // Bull Board renders its own inline bootstrap script, so it sits before helmet's strict CSP, behind its guard.
  if (deps.opsAdminGuard) app.use(BULL_BOARD_PATH, deps.opsAdminGuard, bullBoardHandler(deps.queues));

  app.use(helmet());
  // Before the body parser: its errors (malformed JSON, too large) render in the mount's shape too.
  for (const m of deps.mounts ?? []) {
    const format = m.errorFormat;
    if (format) {
      app.use(m.basePath, (_req, res, next) => {
        res.locals.errorFormat = format;
        next();
      });
    }
  }
  app.use(
    express.json({ limit: deps.config.bodyLimitBytes, strict: true, type: ["application/json", "application/*+json"] }),
  );

  const mounts = deps.mounts ?? [];
  let document: Record<string, unknown> = {};
  const routes = [
    ...coreRoutes(deps),
    ...(deps.features ?? []),
    ...mounts.flatMap((m) => m.routes),
    ...metaRoutes(() => document),
  ];
  document = buildOpenApiDocument(routes, { version: deps.config.version });

  const api = Router();
  const authenticate = deps.authenticator.authenticateRequest;
  const mounted = routes.filter((def) => !def.basePath);
  for (const def of [...mounted.filter((d) => d.hot), ...mounted.filter((d) => !d.hot)]) {
    api[def.method](def.path, toExpressHandler(def, authenticate));
  }

  app.use(opsRouter({ db: deps.db, redis: deps.redis, metrics: deps.metrics, metricsToken: deps.config.metricsToken }));
  app.use(docsRouter());
  app.use(API_PREFIX, api);
  for (const m of mounts) app.use(m.basePath, m.router);
  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return { app, routes, openapi: document };
}
