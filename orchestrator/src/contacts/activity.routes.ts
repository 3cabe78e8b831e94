import { ZContactActivity, ZContactParams } from "@mirage/contracts/contacts";
import type { Database } from "@mirage/db";
import { contactCampaigns, contactConversations } from "@mirage/db/contact-activity";
import { findContact } from "@mirage/db/contacts";
import { ALL_ROLES, withOrg } from "../auth/principal.ts";
import { AppError } from "../http/app-error.ts";
import { defineRoute, type RouteDef } from "../http/route.ts";

/** The contact page's history: conversations and the campaigns that wrote to the contact (50 of each, latest first). */
export function activityRoutes(deps: { db: Database }): RouteDef[] {
  const { db } = deps;
  return [
    defineRoute({
      method: "get",
      path: "/orgs/:orgId/contacts/:contactId/activity",
      summary: "A contact's conversations and the campaigns that messaged them (latest 50 of each)",
      tags: ["contacts"],
      auth: { kind: "any", scopes: ["read", "campaigns"] },
      roles: ALL_ROLES,
      params: ZContactParams,
      responses: { 200: { description: "Conversations and campaigns", schema: ZContactActivity } },
      async handler({ params, principal }) {
        const out = await withOrg(db, principal, params.orgId, ALL_ROLES, async (tx) => {
          if (!(await findContact(tx, params.orgId, params.contactId)))
            throw new AppError("not_found", "contact not found");
          const [conversations, campaigns] = [
            await contactConversations(tx, params.orgId, params.contactId),
            await contactCampaigns(tx, params.orgId, params.contactId),
          ];
          return {
            conversations: conversations.map((c) => ({ ...c, lastMessageAt: c.lastMessageAt.toISOString() })),
            campaigns: campaigns.map((c) => ({ ...c, lastAt: c.lastAt.toISOString() })),
          };
        });
        return { status: 200, body: out };
      },
    }),
  ];
}
