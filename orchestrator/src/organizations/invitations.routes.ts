import { randomBytes } from "node:crypto";
import { listOf, ZOrgIdParams } from "@mirage/contracts/common";
import {
  ZAcceptedInvitation,
  ZAcceptInvitationRequest,
  ZCreatedInvitation,
  ZCreateInvitationRequest,
  ZInvitation,
  ZInvitationParams,
  ZInvitationPreview,
  ZInvitationTokenRequest,
} from "@mirage/contracts/invitations";
import type { Database } from "@mirage/db";
import {
  acceptInvitation,
  findInvitationByTokenHash,
  type Invitation,
  type InvitationForAcceptance,
  insertInvitation,
  isMemberEmail,
  listInvitations,
  revokeInvitation,
} from "@mirage/db/invitations";
import { createUser, findUserByEmail } from "@mirage/db/users";
import { audit } from "../audit/record.ts";
import { hashPassword } from "../auth/passwords.ts";
import { ADMIN_ROLES, type Authenticator, hashSecret, withOrg } from "../auth/principal.ts";
import { AppError } from "../http/app-error.ts";
import { defineRoute, type RouteDef } from "../http/route.ts";

export type InvitationDeps = {
  db: Database;
  authenticator: Authenticator;
  bcryptCost: number;
  ttlSeconds: number;
};

const toDto = (i: Invitation) => ({
  ...i,
  expiresAt: i.expiresAt.toISOString(),
  acceptedAt: i.acceptedAt ? i.acceptedAt.toISOString() : null,
  createdAt: i.createdAt.toISOString(),
});

/** The one-time invitation token: 256 bits of randomness; only its sha256 is stored. */
export function newInvitationToken(): string {
  return `inv_${randomBytes(32).toString("base64url")}`;
}

function assertOpen(inv: InvitationForAcceptance | undefined): asserts inv is InvitationForAcceptance {
  if (!inv) throw new AppError("invitation_invalid", "this invitation does not exist");
  if (inv.status !== "pending") throw new AppError("invitation_invalid", `this invitation is ${inv.status}`);
}

/**
 * Membership by invitation. No organization creates an account for someone else, sets its password, or adds an
 * existing account without that account's consent: the invited person accepts with the one-time token, signed in as
 * the invited email when that account exists, or choosing the new account's password when it does not.
 */
export function invitationRoutes(deps: InvitationDeps): RouteDef[] {
  const { db } = deps;
  return [
    defineRoute({
      method: "post",
      path: "/orgs/:orgId/invitations",
      summary: "Invite a person by email with a role; the one-time token is in this response only",
      description:
        "Hand the token to the person (Mirage may run without mail). They accept with POST /api/v1/invitations/accept: " +
        "signed in as that email when the account exists, or choosing their own password when it does not. " +
        "Only owners invite owners. A new invitation for the same email replaces the open one.",
      tags: ["members"],
      auth: { kind: "any", scopes: ["admin"] },
      roles: ADMIN_ROLES,
      params: ZOrgIdParams,
      body: ZCreateInvitationRequest,
      responses: {
        201: {
          description: "The invitation with its token, shown once",
          schema: ZCreatedInvitation,
          example: { ...(ZInvitation.meta()?.example as object), token: "inv_3q2Zk8Fh1sLw0pQe7uXy…" },
        },
      },
      async handler({ params, body, principal }, req) {
        const existing = await db.asService((tx) => findUserByEmail(tx, body.email));
        const token = newInvitationToken();
        const row = await withOrg(db, principal, params.orgId, ADMIN_ROLES, async (tx, role) => {
          if (body.role === "owner" && role !== "owner")
            throw new AppError("forbidden", "only an owner invites an owner");
          if (await isMemberEmail(tx, { orgId: params.orgId, userId: existing?.id })) {
            throw new AppError("conflict", `${body.email} is already a member`);
          }
          const created = await insertInvitation(tx, {
            orgId: params.orgId,
            email: body.email,
            role: body.role,
            tokenHash: hashSecret(token),
            invitedBy: principal.kind === "user" ? principal.userId : null,
            expiresAt: new Date(Date.now() + deps.ttlSeconds * 1000),
          });
          await audit(tx, req, {
            orgId: params.orgId,
            action: "member.invite",
            targetType: "invitation",
            targetId: created.id,
            detail: { email: created.email, role: body.role },
          });
          return created;
        });
        return { status: 201, body: { ...toDto(row), token } };
      },
    }),
    defineRoute({
      method: "get",
      path: "/orgs/:orgId/invitations",
      summary: "List the organization's invitations, newest first, with their status",
      tags: ["members"],
      auth: { kind: "any", scopes: ["admin"] },
      roles: ADMIN_ROLES,
      params: ZOrgIdParams,
      responses: {
        200: {
          description: "Invitations",
          schema: listOf(ZInvitation, "The organization's invitations, newest first; the latest 500."),
          example: { items: [ZInvitation.meta()?.example] },
        },
      },
      async handler({ params, principal }) {
        const rows = await withOrg(db, principal, params.orgId, ADMIN_ROLES, (tx) => listInvitations(tx, params.orgId));
        return { status: 200, body: { items: rows.map(toDto) } };
      },
    }),
    defineRoute({
      method: "delete",
      path: "/orgs/:orgId/invitations/:invitationId",
      summary: "Revoke an open invitation (its token stops working at once)",
      tags: ["members"],
      auth: { kind: "any", scopes: ["admin"] },
      roles: ADMIN_ROLES,
      params: ZInvitationParams,
      responses: { 200: { description: "The revoked invitation", schema: ZInvitation } },
      async handler({ params, principal }, req) {
        const row = await withOrg(db, principal, params.orgId, ADMIN_ROLES, async (tx) => {
          const revoked = await revokeInvitation(tx, { orgId: params.orgId, id: params.invitationId });
          if (!revoked) throw new AppError("not_found", "no open invitation with this id");
          await audit(tx, req, {
            orgId: params.orgId,
            action: "member.invitation_revoke",
            targetType: "invitation",
            targetId: params.invitationId,
          });
          return revoked;
        });
        return { status: 200, body: toDto(row) };
      },
    }),
    defineRoute({
      method: "post",
      path: "/invitations/preview",
      summary: "What an invitation token is for: organization, email, role, and whether the account exists",
      tags: ["members"],
      auth: { kind: "public" },
      body: ZInvitationTokenRequest,
      errors: ["invitation_invalid"],
      responses: { 200: { description: "The invitation", schema: ZInvitationPreview } },
      async handler({ body }) {
        const out = await db.asService(async (tx) => {
          const inv = await findInvitationByTokenHash(tx, hashSecret(body.token), { forUpdate: false });
          assertOpen(inv);
          const user = await findUserByEmail(tx, inv.email);
          return { inv, accountExists: Boolean(user) };
        });
        return {
          status: 200,
          body: {
            organization: { id: out.inv.orgId, name: out.inv.orgName },
            email: out.inv.email,
            role: out.inv.role,
            expiresAt: out.inv.expiresAt.toISOString(),
            accountExists: out.accountExists,
          },
        };
      },
    }),
    defineRoute({
      method: "post",
      path: "/invitations/accept",
      summary: "Accept an invitation: join the organization (and, for a new email, create the account)",
      description:
        "When an account with the invited email exists, send its access token (`Authorization: Bearer …`) and no " +
        "password: only that account can accept. When none exists, send `password`: the account is created with " +
        "the password its owner chose (then log in). Tokens work once and expire.",
      tags: ["members"],
      auth: { kind: "public" },
      body: ZAcceptInvitationRequest,
      errors: ["unauthenticated", "forbidden", "invitation_invalid", "account_exists"],
      responses: { 200: { description: "The membership", schema: ZAcceptedInvitation } },
      async handler({ body }, req) {
        // Optional authentication: required exactly when the account exists (checked under the lock below).
        const principal = await deps.authenticator.authenticateRequest(req);
        if (principal?.kind === "api_key") throw new AppError("forbidden", "an API key cannot accept an invitation");
        const passwordHash = body.password ? await hashPassword(body.password, deps.bcryptCost) : null;
        const result = await db.asService(async (tx) => {
          const inv = await findInvitationByTokenHash(tx, hashSecret(body.token), { forUpdate: true });
          assertOpen(inv);
          const user = await findUserByEmail(tx, inv.email);
          let userId: string;
          if (user) {
            if (!principal) {
              throw new AppError("unauthenticated", `an account for ${inv.email} exists: sign in as it to accept`);
            }
            if (principal.userId !== user.id) {
              throw new AppError("forbidden", "this invitation is for another account");
            }
            if (passwordHash) {
              throw new AppError("account_exists", "the account exists and keeps its own password; omit password");
            }
            userId = user.id;
          } else {
            if (principal) throw new AppError("forbidden", "this invitation is for another account");
            if (!passwordHash) {
              throw new AppError("validation_failed", "choose a password for the new account", {
                errors: [{ path: "body.password", message: "required: no account has this email yet" }],
              });
            }
            userId = (await createUser(tx, { email: inv.email, passwordHash })).id;
          }
          await acceptInvitation(tx, { id: inv.id, orgId: inv.orgId, userId, role: inv.role });
          return { inv, userId, accountCreated: !user };
        });
        // Written as the new member (the audit writer takes the actor from the claims, never from the caller).
        await db.asUser({ sub: result.userId, role: "authenticated", aud: "authenticated" }, (tx) =>
          audit(tx, req, {
            orgId: result.inv.orgId,
            action: "member.join",
            targetType: "invitation",
            targetId: result.inv.id,
            detail: { role: result.inv.role, accountCreated: result.accountCreated },
          }),
        );
        return {
          status: 200,
          body: {
            orgId: result.inv.orgId,
            userId: result.userId,
            role: result.inv.role,
            accountCreated: result.accountCreated,
          },
        };
      },
    }),
  ];
}
