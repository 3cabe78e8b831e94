import { z } from "zod";
import { CREATED_AT, ORG_ID, ZTimestamp, ZUuid } from "./common.ts";
import { ZOrgRole } from "./enums.ts";

/** Membership by invitation: an admin invites an email with a role; the person accepts with the one-time token. */
export const ZInvitationStatus = z.enum(["pending", "accepted", "revoked", "expired"]);

export const ZInvitation = z
  .object({
    id: ZUuid.describe("The invitation's id."),
    orgId: ZUuid.describe(ORG_ID),
    email: z.string().describe("The invited email address."),
    role: ZOrgRole.describe("The role the person gets on accepting."),
    status: ZInvitationStatus.describe("Whether it is still open, was accepted or revoked, or has expired."),
    invitedBy: ZUuid.nullable().describe("The user who invited; null when an API key did."),
    expiresAt: ZTimestamp.describe("When the token stops working (ISO 8601 with offset)."),
    acceptedAt: ZTimestamp.nullable().describe("When it was accepted (ISO 8601 with offset); null until then."),
    createdAt: ZTimestamp.describe(CREATED_AT),
  })
  .meta({
    id: "Invitation",
    example: {
      id: "2b7c1e0a-9d8f-4e6a-8b1c-3d2e1f0a9b8c",
      orgId: "0b7e1a52-8d0e-4a57-a1f4-5c2f8e6b9d10",
      email: "ops@example.com",
      role: "operator",
      status: "pending",
      invitedBy: "6f1c0a4e-1d2b-4c3a-9f1e-0a1b2c3d4e5f",
      expiresAt: "2026-12-01T10:00:00.000Z",
      acceptedAt: null,
      createdAt: "2026-11-24T10:00:00.000Z",
    },
  });
export type TInvitation = z.infer<typeof ZInvitation>;

export const ZCreateInvitationRequest = z
  .strictObject({
    email: z
      .email()
      .max(254)
      .describe(
        "The invited person's email: they accept signed in as that account, or create it; a new invitation for the " +
          "same email replaces the open one.",
      ),
    role: ZOrgRole.describe("The role the person gets on accepting; only owners invite owners."),
  })
  .meta({ id: "CreateInvitationRequest", example: { email: "ops@example.com", role: "operator" } });

export const ZCreatedInvitation = ZInvitation.extend({
  token: z
    .string()
    .describe(
      "The one-time token, shown only in this answer: hand it to the invited person (there may be no mail in a " +
        "self-hosted setup).",
    ),
}).meta({ id: "CreatedInvitation" });

export const ZInvitationParams = z.strictObject({ orgId: ZUuid, invitationId: ZUuid });

const ZInvitationToken = z.string().min(20).max(200);

export const ZInvitationTokenRequest = z
  .strictObject({
    token: ZInvitationToken.describe("The one-time token POST …/invitations answered (shown once to the inviter)."),
  })
  .meta({ id: "InvitationTokenRequest", example: { token: "inv_3q2Zk8Fh1sLw0pQe7uXy…" } });

export const ZInvitationPreview = z
  .object({
    organization: z
      .object({
        id: ZUuid.describe("The organization's id."),
        name: z.string().describe("The organization's name."),
      })
      .describe("The organization the invitation is to."),
    email: z.string().describe("The invited email address."),
    role: ZOrgRole.describe("The role the person gets on accepting."),
    expiresAt: ZTimestamp.describe("When the token stops working (ISO 8601 with offset)."),
    accountExists: z
      .boolean()
      .describe("True: sign in as this email and accept. False: accepting sets the new account's password."),
  })
  .meta({
    id: "InvitationPreview",
    example: {
      organization: { id: "0b7e1a52-8d0e-4a57-a1f4-5c2f8e6b9d10", name: "Acme" },
      email: "ops@example.com",
      role: "operator",
      expiresAt: "2026-12-01T10:00:00.000Z",
      accountExists: false,
    },
  });

export const ZAcceptInvitationRequest = z
  .strictObject({
    token: ZInvitationToken.describe("The one-time invitation token; it works once and expires."),
    password: z
      .string()
      .min(10)
      .max(200)
      .optional()
      .describe(
        "Required exactly when no account has the invited email yet: the new account's password (10–200 " +
          "characters), chosen by its owner; an existing account accepts signed in and without it (409 account_exists).",
      ),
  })
  .meta({
    id: "AcceptInvitationRequest",
    example: { token: "inv_3q2Zk8Fh1sLw0pQe7uXy…", password: "correct horse battery staple" },
  });

export const ZAcceptedInvitation = z
  .object({
    orgId: ZUuid.describe("The organization joined."),
    userId: ZUuid.describe("The user who is now a member."),
    role: ZOrgRole.describe("The member's role."),
    accountCreated: z.boolean().describe("True when accepting created the account (with the given password)."),
  })
  .meta({
    id: "AcceptedInvitation",
    example: {
      orgId: "0b7e1a52-8d0e-4a57-a1f4-5c2f8e6b9d10",
      userId: "6f1c0a4e-1d2b-4c3a-9f1e-0a1b2c3d4e5f",
      role: "operator",
      accountCreated: true,
    },
  });
export type TCreatedInvitation = z.infer<typeof ZCreatedInvitation>;
export type TInvitationPreview = z.infer<typeof ZInvitationPreview>;
export type TAcceptedInvitation = z.infer<typeof ZAcceptedInvitation>;
