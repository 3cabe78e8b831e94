import { randomBytes } from "node:crypto";
import { ZApiKey, ZApiKeyParams, ZCreateApiKeyRequest, ZCreatedApiKey } from "@mirage/contracts/api-keys";
import { listOf, ZOrgIdParams } from "@mirage/contracts/common";
import { canonicalScopes } from "@mirage/contracts/enums";
import type { Database } from "@mirage/db";
import {
  createApiKeyPrincipal,
  insertApiKey,
  listApiKeys,
  principalRoleForScopes,
  revokeApiKey,
} from "@mirage/db/api-keys";
import { audit } from "../audit/record.ts";
import { ADMIN_ROLES, type Authenticator, hashSecret, withOrg } from "../auth/principal.ts";
import { AppError } from "../http/app-error.ts";
import { defineRoute, type RouteDef } from "../http/route.ts";
import type { RealtimeControl } from "../realtime/control.ts";

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** mk_<8 alphanumerics: the visible prefix>_<43 base64url chars: 256 bits of secret>. */
export function generateApiKey(): { key: string; prefix: string } {
  const bytes = randomBytes(8);
  const head = Array.from(bytes, (b) => ALNUM[b % ALNUM.length]).join("");
  const prefix = `mk_${head}`;
  return { key: `${prefix}_${randomBytes(32).toString("base64url")}`, prefix };
}

export function apiKeyRoutes(deps: {
  db: Database;
  realtime?: RealtimeControl;
  /** Forgets a revoked key at once (the authenticator reuses looked-up keys for a few seconds). */
  authenticator?: Pick<Authenticator, "forgetApiKey">;
}): RouteDef[] {
  const { db } = deps;
  return [
    defineRoute({
      method: "get",
      path: "/orgs/:orgId/api-keys",
      summary: "List the organization's API keys (never the keys themselves)",
      tags: ["api-keys"],
      auth: { kind: "any", scopes: ["admin"] },
      roles: ADMIN_ROLES,
      params: ZOrgIdParams,
      responses: {
        200: { description: "API keys", schema: listOf(ZApiKey), example: { items: [ZApiKey.meta()?.example] } },
      },
      async handler({ params, principal }) {
        const items = await withOrg(db, principal, params.orgId, ADMIN_ROLES, (tx) => listApiKeys(tx, params.orgId));
        return { status: 200, body: { items } };
      },
    }),
    defineRoute({
      method: "post",
      path: "/orgs/:orgId/api-keys",
      summary: "Create an API key with scopes; the key is in this response only",
      description:
        "Scopes: read (GET endpoints), messages:send (send messages, cancel queued ones, the inbox; `send` is " +
        "accepted as its former name and stored as messages:send), instances (manage instances), campaigns (manage " +
        "campaigns), admin (everything, including members, keys and webhooks). Send it as `Authorization: Bearer " +
        "mk_…` or `X-Api-Key: mk_…`. Only a hash is stored.",
      tags: ["api-keys"],
      auth: { kind: "any", scopes: ["admin"] },
      roles: ADMIN_ROLES,
      params: ZOrgIdParams,
      body: ZCreateApiKeyRequest,
      responses: {
        201: {
          description: "The key, shown once",
          schema: ZCreatedApiKey,
          example: { ...(ZApiKey.meta()?.example as object), key: "mk_7Hq2aB9x_Zk3…" },
        },
      },
      async handler({ params, body, principal }, req) {
        const scopes = canonicalScopes(body.scopes);
        const expiresAt = body.expiresAt ? new Date(body.expiresAt) : null;
        if (expiresAt && expiresAt.getTime() <= Date.now()) {
          throw new AppError("validation_failed", "expiresAt must be in the future", {
            errors: [{ path: "body.expiresAt", message: "must be in the future" }],
          });
        }
        const { key, prefix } = generateApiKey();
        const row = await withOrg(db, principal, params.orgId, ADMIN_ROLES, async (tx) => {
          const created = await insertApiKey(tx, {
            orgId: params.orgId,
            name: body.name,
            prefix,
            keyHash: hashSecret(key),
            scopes,
            expiresAt,
            createdBy: principal.kind === "user" ? principal.userId : null,
          });
          await audit(tx, req, {
            orgId: params.orgId,
            action: "api_key.create",
            targetType: "api_key",
            targetId: created.id,
            detail: { name: body.name, scopes },
          });
          return created;
        });
        // The principal (a machine user) is a service write: RLS already allowed the key itself just above. Until it
        // exists the key authenticates nothing, so a failure here leaves a harmless, revocable row.
        await db.asService((tx) =>
          createApiKeyPrincipal(tx, { keyId: row.id, orgId: params.orgId, role: principalRoleForScopes(scopes) }),
        );
        return { status: 201, body: { ...row, key } };
      },
    }),
    defineRoute({
      method: "delete",
      path: "/orgs/:orgId/api-keys/:keyId",
      summary: "Revoke an API key (its requests answer 401: at once on this replica, within 5 s on others)",
      tags: ["api-keys"],
      auth: { kind: "any", scopes: ["admin"] },
      roles: ADMIN_ROLES,
      params: ZApiKeyParams,
      responses: { 200: { description: "The revoked key", schema: ZApiKey } },
      async handler({ params, principal }, req) {
        const row = await withOrg(db, principal, params.orgId, ADMIN_ROLES, async (tx) => {
          await audit(tx, req, {
            orgId: params.orgId,
            action: "api_key.revoke",
            targetType: "api_key",
            targetId: params.keyId,
          });
          const revoked = await revokeApiKey(tx, { orgId: params.orgId, id: params.keyId });
          if (!revoked) throw new AppError("not_found", "API key not found");
          return revoked;
        });
        deps.authenticator?.forgetApiKey(params.keyId);
        deps.realtime?.apiKeyRevoked(params.keyId);
        return { status: 200, body: row };
      },
    }),
  ];
}
