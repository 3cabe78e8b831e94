import { z } from "zod";
import { ZTimestamp, ZUuid } from "./common.ts";
import { ZOrgRole } from "./enums.ts";

export const ZOrganization = z
  .object({
    id: ZUuid,
    name: z.string(),
    slug: z.string(),
    timezone: z.string(),
    role: ZOrgRole,
    createdAt: ZTimestamp,
  })
  .meta({
    id: "Organization",
    example: {
      id: "0b7e1a52-8d0e-4a57-a1f4-5c2f8e6b9d10",
      name: "Acme",
      slug: "acme",
      timezone: "America/Sao_Paulo",
      role: "owner",
      createdAt: "2026-11-24T10:00:00.000Z",
    },
  });
export type TOrganization = z.infer<typeof ZOrganization>;

export const ZUpdateOrganizationRequest = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    timezone: z.string().min(1).max(64).optional(),
  })
  .refine((v) => v.name !== undefined || v.timezone !== undefined, "at least one field is required")
  .meta({ id: "UpdateOrganizationRequest", example: { name: "Acme Brasil" } });

export const ZMember = z
  .object({ userId: ZUuid, email: z.string().nullable(), role: ZOrgRole, createdAt: ZTimestamp })
  .meta({
    id: "Member",
    example: {
      userId: "6f1c0a4e-1d2b-4c3a-9f1e-0a1b2c3d4e5f",
      email: "ops@example.com",
      role: "operator",
      createdAt: "2026-11-24T10:00:00.000Z",
    },
  });
export type TMember = z.infer<typeof ZMember>;

export const ZCreateMemberRequest = z
  .strictObject({
    email: z.email().max(254),
    role: ZOrgRole,
    /** Initial password for a user who has no account yet; omitted → the account gets no password until reset. */
    password: z.string().min(10).max(200).optional(),
  })
  .meta({ id: "CreateMemberRequest", example: { email: "ops@example.com", role: "operator" } });
export type TCreateMemberRequest = z.infer<typeof ZCreateMemberRequest>;

export const ZMemberParams = z.strictObject({ orgId: ZUuid, userId: ZUuid });
export const ZUpdateMemberRequest = z
  .strictObject({ role: ZOrgRole })
  .meta({ id: "UpdateMemberRequest", example: { role: "marketer" } });
