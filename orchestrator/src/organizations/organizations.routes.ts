import { listOf, ZOrgIdParams } from "@mirage/contracts/common";
import {
  ZMember,
  ZMemberParams,
  ZOrganization,
  ZUpdateMemberRequest,
  ZUpdateOrganizationRequest,
} from "@mirage/contracts/organizations";
import type { Database } from "@mirage/db";
import { deleteMember, findMember, listPeopleMembers, listUserEmails, updateMemberRole } from "@mirage/db/members";
import { findOrganization, listOrganizations, updateOrganization } from "@mirage/db/organizations";
import { isKnownCountry } from "@mirage/phone";
import { audit } from "../audit/record.ts";
import { ADMIN_ROLES, ALL_ROLES, withOrg } from "../auth/principal.ts";
import { AppError } from "../http/app-error.ts";
import { defineRoute, type RouteDef } from "../http/route.ts";
import type { RealtimeControl } from "../realtime/control.ts";

export function organizationRoutes(deps: { db: Database; realtime?: RealtimeControl }): RouteDef[] {
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
      summary: "Rename an organization, change its time zone or its default country for phone numbers",
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
        if (body.defaultCountry && !isKnownCountry(body.defaultCountry)) {
          throw new AppError("validation_failed", "unknown country", {
            errors: [{ path: "body.defaultCountry", message: "must be an ISO 3166-1 alpha-2 country code such as BR" }],
          });
        }
        const org = await withOrg(db, principal, params.orgId, ADMIN_ROLES, async (tx, role) => {
          const row = await updateOrganization(tx, { orgId: params.orgId, ...body });
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
      description: "People join by invitation (POST …/invitations); no organization creates or edits accounts.",
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
