import { listOf, ZOrgIdParams } from "@mirage/contracts/common";
import {
  ZCreateMemberRequest,
  ZMember,
  ZMemberParams,
  ZOrganization,
  ZUpdateMemberRequest,
  ZUpdateOrganizationRequest,
} from "@mirage/contracts/organizations";
import type { Database } from "@mirage/db";
import {
  deleteMember,
  findMember,
  insertMember,
  listPeopleMembers,
  listUserEmails,
  updateMemberRole,
} from "@mirage/db/members";
import { findOrganization, listOrganizations, updateOrganization } from "@mirage/db/organizations";
import { createUser, findUserByEmail } from "@mirage/db/users";
import { audit } from "../audit/record.ts";
import { hashPassword } from "../auth/passwords.ts";
import { ADMIN_ROLES, ALL_ROLES, withOrg } from "../auth/principal.ts";
import { AppError } from "../http/app-error.ts";
import { defineRoute, type RouteDef } from "../http/route.ts";
import type { RealtimeControl } from "../realtime/control.ts";

export function organizationRoutes(deps: { db: Database; bcryptCost: number; realtime?: RealtimeControl }): RouteDef[] {
  const { db } = deps;
  const memberExample = ZMember.meta()?.example;

  return [
    defineRoute({
      method: "get",
      path: "/orgs",
      summary: "List the organizations the caller belongs to, with the caller's role in each",
      tags: ["organizations"],
      auth: { kind: "any", scopes: ["read"] },
      responses: {
        200: {
          description: "Organizations",
          schema: listOf(ZOrganization),
          example: { items: [ZOrganization.meta()?.example] },
        },
      },
      async handler({ principal }) {
        const items = await db.asUser(principal.claims, (tx) => listOrganizations(tx));
        return { status: 200, body: { items } };
      },
    }),
    defineRoute({
      method: "get",
      path: "/orgs/:orgId",
      summary: "Get one organization",
      tags: ["organizations"],
      auth: { kind: "any", scopes: ["read"] },
      roles: ALL_ROLES,
      params: ZOrgIdParams,
      responses: { 200: { description: "The organization", schema: ZOrganization } },
      async handler({ params, principal }) {
        const org = await withOrg(db, principal, params.orgId, ALL_ROLES, async (tx, role) => {
          const row = await findOrganization(tx, params.orgId);
          return row && { ...row, role };
        });
        if (!org) throw new AppError("not_found", "organization not found");
        return { status: 200, body: org };
      },
    }),
    defineRoute({
      method: "patch",
      path: "/orgs/:orgId",
      summary: "Rename an organization or change its time zone",
      tags: ["organizations"],
      auth: { kind: "any", scopes: ["admin"] },
      roles: ADMIN_ROLES,
      params: ZOrgIdParams,
      body: ZUpdateOrganizationRequest,
      responses: { 200: { description: "The updated organization", schema: ZOrganization } },
      async handler({ params, body, principal }, req) {
        if (body.timezone && !isTimeZone(body.timezone)) {
          throw new AppError("validation_failed", "unknown time zone", {
            errors: [{ path: "body.timezone", message: "must be an IANA time zone such as America/Sao_Paulo" }],
          });
        }
        const org = await withOrg(db, principal, params.orgId, ADMIN_ROLES, async (tx, role) => {
          const row = await updateOrganization(tx, params.orgId, { name: body.name, timezone: body.timezone });
          await audit(tx, req, {
            orgId: params.orgId,
            action: "organization.update",
            targetType: "organization",
            targetId: params.orgId,
            detail: body,
          });
          return row && { ...row, role };
        });
        if (!org) throw new AppError("not_found", "organization not found");
        return { status: 200, body: org };
      },
    }),
    defineRoute({
      method: "get",
      path: "/orgs/:orgId/members",
      summary: "List the organization's members (people; API keys are listed separately)",
      tags: ["members"],
      auth: { kind: "any", scopes: ["read"] },
      roles: ALL_ROLES,
      params: ZOrgIdParams,
      responses: { 200: { description: "Members", schema: listOf(ZMember), example: { items: [memberExample] } } },
      async handler({ params, principal }) {
        const rows = await withOrg(db, principal, params.orgId, ALL_ROLES, (tx) => listPeopleMembers(tx, params.orgId));
        // Emails live in auth.users, which no user may read: look up only the ids RLS just returned.
        const emails = await db.asService((tx) =>
          listUserEmails(
            tx,
            rows.map((r) => r.userId),
          ),
        );
        return { status: 200, body: { items: rows.map((r) => ({ ...r, email: emails.get(r.userId) ?? null })) } };
      },
    }),
    defineRoute({
      method: "post",
      path: "/orgs/:orgId/members",
      summary: "Add a member by email with a role (creates the account when the email has none)",
      description:
        "Owners and admins add members; only owners grant the owner role. A new account gets the given password, " +
        "or none (the person cannot log in until a password is set with the CLI's reset-password).",
      tags: ["members"],
      auth: { kind: "any", scopes: ["admin"] },
      roles: ADMIN_ROLES,
      params: ZOrgIdParams,
      body: ZCreateMemberRequest,
      responses: { 201: { description: "The new member", schema: ZMember } },
      async handler({ params, body, principal }, req) {
        // Confirm the caller may manage members before any service write (no account is created on a 403/404).
        await withOrg(db, principal, params.orgId, ADMIN_ROLES, async () => undefined);
        const passwordHash = body.password ? await hashPassword(body.password, deps.bcryptCost) : null;
        const user = await db.asService(async (tx) => {
          const found = await findUserByEmail(tx, body.email);
          if (found) return { id: found.id, email: found.email, created: false };
          const made = await createUser(tx, { email: body.email, passwordHash });
          return { id: made.id, email: made.email, created: true };
        });
        const member = await withOrg(db, principal, params.orgId, ADMIN_ROLES, async (tx) => {
          const row = await insertMember(tx, { orgId: params.orgId, userId: user.id, role: body.role });
          await audit(tx, req, {
            orgId: params.orgId,
            action: "member.add",
            targetType: "user",
            targetId: user.id,
            detail: { role: body.role, accountCreated: user.created },
          });
          return row;
        });
        return { status: 201, body: { ...member, email: user.email } };
      },
    }),
    defineRoute({
      method: "patch",
      path: "/orgs/:orgId/members/:userId",
      summary: "Change a member's role",
      description: "Only owners grant or take away the owner role; the last owner cannot be demoted (409 last_owner).",
      tags: ["members"],
      auth: { kind: "any", scopes: ["admin"] },
      roles: ADMIN_ROLES,
      params: ZMemberParams,
      body: ZUpdateMemberRequest,
      responses: { 200: { description: "The member", schema: ZMember } },
      async handler({ params, body, principal }, req) {
        const row = await withOrg(db, principal, params.orgId, ADMIN_ROLES, async (tx) => {
          const before = await findMember(tx, params);
          if (!before) throw new AppError("not_found", "member not found");
          const updated = await updateMemberRole(tx, { ...params, role: body.role });
          await audit(tx, req, {
            orgId: params.orgId,
            action: "member.role_change",
            targetType: "user",
            targetId: params.userId,
            detail: { from: before.role, to: body.role },
          });
          return updated;
        });
        if (!row) throw new AppError("not_found", "member not found");
        const emails = await db.asService((tx) => listUserEmails(tx, [row.userId]));
        return { status: 200, body: { ...row, email: emails.get(row.userId) ?? null } };
      },
    }),
    defineRoute({
      method: "delete",
      path: "/orgs/:orgId/members/:userId",
      summary: "Remove a member",
      description: "The last owner cannot be removed (409 last_owner); only owners remove owners.",
      tags: ["members"],
      auth: { kind: "any", scopes: ["admin"] },
      roles: ADMIN_ROLES,
      params: ZMemberParams,
      responses: { 204: { description: "Removed" } },
      async handler({ params, principal }, req) {
        await withOrg(db, principal, params.orgId, ADMIN_ROLES, async (tx) => {
          const before = await findMember(tx, params);
          if (!before) throw new AppError("not_found", "member not found");
          // Written first: removing oneself ends the membership the audit writer checks.
          await audit(tx, req, {
            orgId: params.orgId,
            action: "member.remove",
            targetType: "user",
            targetId: params.userId,
            detail: { role: before.role },
          });
          if (!(await deleteMember(tx, params))) throw new AppError("not_found", "member not found");
        });
        deps.realtime?.memberRemoved(params.orgId, params.userId);
        return { status: 204 };
      },
    }),
  ];
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
