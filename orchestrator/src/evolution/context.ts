import { createHash } from "node:crypto";
import type { TOrgRole } from "@mirage/contracts/enums";
import type { Database, Tx } from "@mirage/db";
import { findEvolutionToken } from "@mirage/db/evolution";
import { findInstanceViewByName, type InstanceView } from "@mirage/db/instances";
import type { Request, Response } from "express";
import {
  ALL_ROLES,
  API_KEY_PATTERN,
  type Authenticator,
  type Principal,
  principalOfApiKey,
  withOrg,
} from "../auth/principal.ts";
import { AppError } from "../http/app-error.ts";
import type { InstanceControl } from "../instances/instance-control.ts";
import type { SendService } from "../messaging/send-service.ts";
import type { TargetPolicy } from "../webhooks/ssrf.ts";

export { evolutionState } from "./events.ts";

export type EvolutionDeps = {
  db: Database;
  control: InstanceControl;
  send: SendService;
  authenticator: Authenticator;
  /** Where the compatibility layer is mounted, e.g. /evolution. */
  basePath: string;
  /** How long /instance/create and /instance/connect wait for the first QR code (Evolution waits a few seconds). */
  qrWaitMs: number;
  /** The webhook target policy (SSRF): an Evolution webhook URL is checked when set, like any endpoint's. */
  policy: TargetPolicy;
  /** Seals the signing secret of the webhook endpoints it creates. */
  sealSecret: (endpointId: string) => { keyId: string; ciphertext: Buffer };
};

/** What every Evolution route shares: its OpenAPI tag and security scheme, and where it is mounted. */
export function evolutionRouteBase(basePath: string): { tags: string[]; securityScheme: string; basePath: string } {
  return { tags: ["evolution"], securityScheme: "evolutionApiKey", basePath };
}

export const tokenHash = (token: string) => createHash("sha256").update(token).digest("hex");

/**
 * Evolution's `apikey` header: an organization API key (`mk_…`, Evolution's global key, with its scopes) or an
 * instance token issued by /instance/create (acting as the API key that created the instance, for that instance
 * only: the instance id is left in res.locals). Falls back to Mirage's own Authorization / X-Api-Key headers.
 */
export function evolutionAuthenticator(deps: Pick<EvolutionDeps, "db" | "authenticator">) {
  return async (req: Request, res: Response): Promise<Principal | undefined> => {
    const key = req.get("apikey");
    if (!key) {
      const principal = await deps.authenticator.authenticateRequest(req);
      // The generic answer ("send a bearer access token or an API key") pointed at a token these routes refuse.
      if (!principal) {
        throw new AppError(
          "unauthenticated",
          "send an organization API key (mk_…) or an instance token in the apikey header",
        );
      }
      return principal;
    }
    if (API_KEY_PATTERN.test(key)) return deps.authenticator.authenticateToken(key);
    const found = await deps.db.asService((tx) => findEvolutionToken(tx, tokenHash(key)));
    if (!found)
      throw new AppError("invalid_token", "unknown apikey: send an organization API key or an instance token");
    res.locals.evolutionInstanceId = found.token.instanceId;
    return principalOfApiKey(found.key);
  };
}

/** The organization the caller acts in: API keys and instance tokens carry it; people's tokens do not. */
export function orgOf(principal: Principal): string {
  if (principal.kind !== "api_key") {
    throw new AppError("forbidden", "the Evolution API layer takes an organization API key in the apikey header");
  }
  return principal.orgId;
}

/**
 * Instance names to ids for the hot path (sendText), cached briefly per organization so a send costs one
 * transaction like the native route. Safe when stale: the send path re-reads the instance by id under RLS in its
 * own transaction (a deleted instance answers 404, and `forget` drops the entry). Lookups themselves run as the
 * caller under RLS, and instance tokens are checked against the resolved id every time.
 */
export function createInstanceNameCache(deps: Pick<EvolutionDeps, "db">, ttlMs = 30_000, max = 10_000) {
  const entries = new Map<string, { id: string; orgId: string; at: number }>();
  return {
    async resolve(principal: Principal, res: Response, name: string): Promise<{ id: string; orgId: string }> {
      const orgId = orgOf(principal);
      const key = `${orgId}:${name}`;
      let hit = entries.get(key);
      if (!hit || Date.now() - hit.at > ttlMs) {
        const inst = await withInstance(deps, principal, res, name, ALL_ROLES, async (_tx, i) => i);
        if (entries.size >= max) entries.clear();
        hit = { id: inst.id, orgId: inst.orgId, at: Date.now() };
        entries.set(key, hit);
      }
      const only = res.locals.evolutionInstanceId as string | undefined;
      if (only && only !== hit.id)
        throw new AppError("invalid_token", "this instance token belongs to another instance");
      return hit;
    },
    forget(orgId: string, name: string): void {
      entries.delete(`${orgId}:${name}`);
    },
  };
}
export type InstanceNameCache = ReturnType<typeof createInstanceNameCache>;

/**
 * Runs fn with the named instance, as the caller under RLS: 404 naming the instance when the organization has none
 * by that name, 401 when an instance token names another instance.
 */
export async function withInstance<T>(
  deps: Pick<EvolutionDeps, "db">,
  principal: Principal,
  res: Response,
  name: string,
  roles: readonly TOrgRole[],
  fn: (tx: Tx, inst: InstanceView) => Promise<T>,
): Promise<T> {
  const orgId = orgOf(principal);
  return withOrg(deps.db, principal, orgId, roles, async (tx) => {
    const inst = await findInstanceViewByName(tx, orgId, name);
    if (!inst) throw new AppError("not_found", `The "${name}" instance does not exist`);
    const only = res.locals.evolutionInstanceId as string | undefined;
    if (only && only !== inst.id)
      throw new AppError("invalid_token", "this instance token belongs to another instance");
    return fn(tx, inst);
  });
}
