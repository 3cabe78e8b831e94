import { createHash } from "node:crypto";
import type { TJwtClaims } from "@mirage/contracts/auth";
import { canonicalScopes, type TApiKeyScope, type TOrgRole } from "@mirage/contracts/enums";
import type { Database, Tx } from "@mirage/db";
import { type ApiKeyAuth, findApiKeyByHash } from "@mirage/db/api-keys";
import { findOwnRole } from "@mirage/db/members";
import type { Request } from "express";
import { AppError } from "../http/app-error.ts";
import type { SessionRevocations } from "./revocations.ts";
import type { TokenVerifier } from "./tokens.ts";

/** Who is calling. Both kinds carry Supabase-shaped claims, so every query runs asUser and RLS decides. */
export type Principal =
  | { kind: "user"; userId: string; email: string | undefined; claims: TJwtClaims }
  | {
      kind: "api_key";
      userId: string;
      keyId: string;
      orgId: string;
      scopes: TApiKeyScope[];
      claims: TJwtClaims;
    };

/** API keys look like mk_<8 prefix chars>_<secret>; the prefix is stored in clear to tell keys apart. */
export const API_KEY_PATTERN = /^mk_[A-Za-z0-9]{8}_[A-Za-z0-9_-]{32,}$/;

export function hashSecret(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

export type Authenticator = {
  /** Resolves a raw credential (an access token or an API key) to a principal; throws AppError when invalid. */
  authenticateToken(token: string): Promise<Principal>;
  /** From an HTTP request: Authorization: Bearer <token|key> or X-Api-Key: <key>; undefined when none is sent. */
  authenticateRequest(req: Request): Promise<Principal | undefined>;
  /** Drops a revoked key from this process's cache: its next request here reads the key again (and answers 401). */
  forgetApiKey(keyId: string): void;
};

/** How long a verified credential is reused without checking it again, and how many are kept. */
const TOKEN_CACHE_MS = 60_000;
const DEFAULT_API_KEY_CACHE_MS = 5_000;
const CACHE_MAX = 10_000;

/**
 * A small map of verified credentials by the sha256 of the credential (the secret itself is not kept), each until
 * its own deadline; the oldest entry goes first when full.
 */
function credentialCache<V>() {
  const entries = new Map<string, { value: V; until: number }>();
  return {
    get(hash: string): V | undefined {
      const hit = entries.get(hash);
      if (!hit) return undefined;
      if (hit.until > Date.now()) return hit.value;
      entries.delete(hash);
      return undefined;
    },
    set(hash: string, value: V, until: number) {
      if (until <= Date.now()) return;
      if (entries.size >= CACHE_MAX) {
        const oldest = entries.keys().next().value;
        if (oldest !== undefined) entries.delete(oldest);
      }
      entries.set(hash, { value, until });
    },
    deleteWhere(test: (value: V) => boolean) {
      for (const [hash, entry] of entries) if (test(entry.value)) entries.delete(hash);
    },
  };
}

/**
 * The principal an API key row acts as (its principal user, its scopes, its organization); throws AppError
 * invalid_token for an unknown or revoked key, token_expired for an expired one.
 */
export function principalOfApiKey(row: ApiKeyAuth | undefined): Principal {
  if (!row || row.revokedAt || !row.principalUserId) throw new AppError("invalid_token", "unknown or revoked API key");
  if (row.expiresAt && row.expiresAt.getTime() <= Date.now()) {
    throw new AppError("token_expired", "the API key has expired");
  }
  return {
    kind: "api_key",
    userId: row.principalUserId,
    keyId: row.id,
    orgId: row.orgId,
    // Keys stored with a former scope name (`send`) act with its current one (`messages:send`).
    scopes: canonicalScopes(row.scopes),
    claims: { sub: row.principalUserId, role: "authenticated", aud: "authenticated" },
  };
}

/**
 * Credentials are checked once and then reused briefly, so a request does not pay a signature check or a database
 * transaction before its own work: an access token's verified claims for up to a minute (never past its `exp` plus
 * the verifier's clock skew; a signed-out session is still refused on every request), an API key's row for
 * `apiKeyCacheMs` (default 5 s). A key revoked through this process is forgotten at once; another replica refuses it
 * within `apiKeyCacheMs`. Unknown credentials are never cached.
 */
export function createAuthenticator(deps: {
  db: Database;
  verifier: TokenVerifier;
  /** Sessions logged out or revoked for refresh-token reuse; their access tokens are refused before expiry. */
  revocations?: SessionRevocations;
  /** How long a looked-up API key is reused (ms); 0 reads it on every request. */
  apiKeyCacheMs?: number;
  /** Tolerated clock difference of the verifier, in seconds: a cached token lives until exp plus this. */
  clockSkewSeconds?: number;
}): Authenticator {
  const apiKeyCacheMs = deps.apiKeyCacheMs ?? DEFAULT_API_KEY_CACHE_MS;
  const keys = credentialCache<ApiKeyAuth>();
  const tokens = credentialCache<TJwtClaims>();

  async function fromApiKey(key: string): Promise<Principal> {
    const hash = hashSecret(key);
    const cached = keys.get(hash);
    // Expiry is checked on every use (principalOfApiKey), cached or not.
    if (cached) return principalOfApiKey(cached);
    // The one service lookup: which key is this? From here on the request acts as the key's principal under RLS.
    const row = await deps.db.asService((tx) => findApiKeyByHash(tx, hash));
    const principal = principalOfApiKey(row);
    if (row && apiKeyCacheMs > 0) keys.set(hash, row, Date.now() + apiKeyCacheMs);
    return principal;
  }

  async function verifyToken(token: string): Promise<TJwtClaims> {
    const hash = hashSecret(token);
    const cached = tokens.get(hash);
    if (cached) return cached;
    const claims = await deps.verifier.verify(token);
    const expiresAt = ((claims.exp ?? 0) + (deps.clockSkewSeconds ?? 0)) * 1000;
    tokens.set(hash, claims, Math.min(Date.now() + TOKEN_CACHE_MS, expiresAt));
    return claims;
  }

  async function authenticateToken(token: string): Promise<Principal> {
    if (token.startsWith("mk_")) {
      if (!API_KEY_PATTERN.test(token)) throw new AppError("invalid_token", "malformed API key");
      return fromApiKey(token);
    }
    const claims = await verifyToken(token);
    if (claims.session_id && deps.revocations && (await deps.revocations.isRevoked(claims.session_id))) {
      throw new AppError("invalid_token", "this session was signed out; log in again");
    }
    return { kind: "user", userId: claims.sub, email: claims.email, claims };
  }

  return {
    authenticateToken,
    async authenticateRequest(req) {
      const header = req.headers.authorization;
      const apiKey = req.headers["x-api-key"];
      if (typeof header === "string" && header.length > 0) {
        const match = /^Bearer\s+(\S+)$/i.exec(header);
        if (!match?.[1]) throw new AppError("invalid_token", "the Authorization header must be 'Bearer <token>'");
        return authenticateToken(match[1]);
      }
      if (typeof apiKey === "string" && apiKey.length > 0) {
        if (!API_KEY_PATTERN.test(apiKey)) throw new AppError("invalid_token", "malformed API key");
        return fromApiKey(apiKey);
      }
      return undefined;
    },
    forgetApiKey(keyId) {
      keys.deleteWhere((row) => row.id === keyId);
    },
  };
}

/**
 * Runs fn as the principal inside one organization: RLS decides what the queries see, and the caller's own
 * membership is read through RLS first, so another organization (or one the caller left) answers 404 and a role
 * outside `roles` answers 403.
 */
export async function withOrg<T>(
  db: Database,
  principal: Principal,
  orgId: string,
  roles: readonly TOrgRole[],
  fn: (tx: Tx, role: TOrgRole) => Promise<T>,
): Promise<T> {
  if (principal.kind === "api_key" && principal.orgId !== orgId)
    throw new AppError("not_found", "organization not found");
  return db.asUser(principal.claims, async (tx) => {
    const role = await findOwnRole(tx, orgId);
    if (!role) throw new AppError("not_found", "organization not found");
    if (!roles.includes(role)) {
      throw new AppError("forbidden", `this needs one of the roles ${roles.join(", ")}; you are ${role}`);
    }
    return fn(tx, role);
  });
}

export const ALL_ROLES: readonly TOrgRole[] = ["owner", "admin", "operator", "marketer", "viewer"];
export const ADMIN_ROLES: readonly TOrgRole[] = ["owner", "admin"];
/** Who writes the audience (contacts, lists, segments, blacklist, templates, imports) and campaigns. */
export const MARKETING_ROLES: readonly TOrgRole[] = ["owner", "admin", "marketer"];
