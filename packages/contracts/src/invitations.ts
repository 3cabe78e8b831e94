import { z } from "zod";
import { ZTimestamp, ZUuid } from "./common.ts";
import { ZOrgRole } from "./enums.ts";

/** Membership by invitation: an admin invites an email with a role; the person accepts with the one-time token. */
export const ZInvitationStatus = z.enum(["pending", "accepted", "revoked", "expired"]);

export const ZInvitation = z
  .object({
    id: ZUuid,
    orgId: ZUuid,
    email: z.string(),
    role: ZOrgRole,
    status: ZInvitationStatus,
    invitedBy: ZUuid.nullable(),
    expiresAt: ZTimestamp,
    acceptedAt: ZTimestamp.nullable(),
    createdAt: ZTimestamp,
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
  /** The one-time token. Shown once: hand it to the invited person (there may be no mail in a self-hosted setup). */
  token: z.string(),
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
    organization: z.object({ id: ZUuid, name: z.string() }),
    email: z.string(),
    role: ZOrgRole,
    expiresAt: ZTimestamp,
    /** True: sign in as this email and accept. False: accepting sets the new account's password. */
    accountExists: z.boolean(),
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
  .object({ orgId: ZUuid, userId: ZUuid, role: ZOrgRole, accountCreated: z.boolean() })
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
