import { z } from "zod";
import { CREATED_AT, ZTimestamp, ZUuid } from "./common.ts";
import { ZOrgRole } from "./enums.ts";

export const ZOrganization = z
  .object({
    id: ZUuid.describe("The organization's id."),
    name: z.string().describe("The organization's name."),
    slug: z.string().describe("The organization's unique short name."),
    timezone: z.string().describe("IANA time zone in which the daily statistics count days."),
    defaultCountry: z
      .string()
      .nullable()
      .describe(
        "ISO 3166-1 alpha-2 country applied to phone numbers written without a country code; null: none (every " +
          "number must carry its country code).",
      ),
    role: ZOrgRole.describe("The caller's role in the organization."),
    createdAt: ZTimestamp.describe(CREATED_AT),
  })
  .meta({
    id: "Organization",
    example: {
      id: "0b7e1a52-8d0e-4a57-a1f4-5c2f8e6b9d10",
      name: "Acme",
      slug: "acme",
      timezone: "America/Sao_Paulo",
      defaultCountry: "BR",
      role: "owner",
      createdAt: "2026-11-24T10:00:00.000Z",
    },
  });
export type TOrganization = z.infer<typeof ZOrganization>;

export const ZUpdateOrganizationRequest = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional().describe("The organization's new name (1–200 characters)."),
    timezone: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .describe(
        "IANA time zone such as America/Sao_Paulo, in which the daily statistics count days; an unknown zone is a 400.",
      ),
    defaultCountry: z
      .string()
      .regex(/^[A-Za-z]{2}$/, "must be a two-letter ISO 3166-1 country code such as BR")
      .transform((v) => v.toUpperCase())
      .nullable()
      .optional()
      .describe(
        "ISO 3166-1 alpha-2 country (e.g. BR, any case) in which phone numbers written without a country code are " +
          "read; null: every number must carry its country code.",
      ),
  })
  .refine(
    (v) => v.name !== undefined || v.timezone !== undefined || v.defaultCountry !== undefined,
    "at least one field is required",
  )
  .meta({ id: "UpdateOrganizationRequest", example: { name: "Acme Brasil" } });

export const ZMember = z
  .object({
    userId: ZUuid.describe("The member's user id."),
    email: z.string().nullable().describe("The member's email address; null when the account has none."),
    role: ZOrgRole.describe("The member's role in the organization."),
    createdAt: ZTimestamp.describe("When the user became a member (ISO 8601 with offset)."),
  })
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

export const ZMemberParams = z.strictObject({ orgId: ZUuid, userId: ZUuid });
export const ZUpdateMemberRequest = z
  .strictObject({
    role: ZOrgRole.describe(
      "The member's new role; only owners grant or take away `owner`, and the last owner cannot be demoted (409 last_owner).",
    ),
  })
  .meta({ id: "UpdateMemberRequest", example: { role: "marketer" } });
