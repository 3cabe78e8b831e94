import { type Request, type RequestHandler, Router } from "express";
import { type RouteDef, toExpressHandler } from "../http/route.ts";
import { evolutionChatActionRoutes } from "./chat-actions.routes.ts";
import { type EvolutionDeps, evolutionAuthenticator } from "./context.ts";
import { evolutionInstanceRoutes } from "./instances.routes.ts";
import { evolutionMessageRoutes } from "./messages.routes.ts";
import { unsupportedHandler } from "./unsupported.ts";
import { evolutionWebhookRoutes } from "./webhooks.routes.ts";

/**
 * The Evolution API v2 compatibility layer: Evolution's routes and payloads over Mirage's own services (instances,
 * the send path, the inbox, the webhook outbox), as the caller under RLS, audited. Its port to the rest of the
 * orchestrator: the routes (for the OpenAPI document), the router to mount, and the webhook body format.
 */
export type { EvolutionDeps } from "./context.ts";
export { type EvolutionDelivery, toEvolutionDelivery } from "./events.ts";

export function evolutionRoutes(deps: EvolutionDeps): RouteDef[] {
  return [
    ...evolutionInstanceRoutes(deps),
    ...evolutionMessageRoutes(deps),
    ...evolutionChatActionRoutes(deps),
    ...evolutionWebhookRoutes(deps),
  ];
}

/** The layer as the app mounts it: routes and router under deps.basePath, every error there in Evolution's shape. */
export function evolutionMount(deps: EvolutionDeps, routes: RouteDef[]) {
  return { basePath: deps.basePath, routes, router: evolutionRouter(deps, routes), errorFormat: "evolution" as const };
}

/** The router to mount at deps.basePath: errors render in Evolution's shape; unknown routes name what is missing. */
export function evolutionRouter(deps: EvolutionDeps, routes: RouteDef[]): Router {
  const router = Router();
  const authenticate = evolutionAuthenticator(deps);
  const evolutionErrors: RequestHandler = (_req, res, next) => {
    res.locals.errorFormat = "evolution";
    next();
  };
  router.use(evolutionErrors);
  for (const def of routes) {
    router[def.method](
      def.path,
      toExpressHandler(def, (req: Request) => authenticate(req, req.res as NonNullable<Request["res"]>)),
    );
  }
  router.use(unsupportedHandler);
  return router;
}
