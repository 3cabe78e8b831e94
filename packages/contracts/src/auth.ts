import { z } from "zod";
import { ZUuid } from "./common.ts";
import { ZApiKeyScope, ZOrgRole } from "./enums.ts";

/**
 * The one token format (ARCHITECTURE.md, decision 5): Supabase-shaped JWT claims. The same object is what `asUser`
 * hands to Postgres as `request.jwt.claims`, so `auth.uid()` in RLS policies reads `sub`.
 */
export const ZJwtClaims = z.object({
  sub: z.uuid(),
  role: z.literal("authenticated"),
  aud: z.string().default("authenticated"),
  email: z.email().optional(),
  exp: z.number().int().optional(),
  iat: z.number().int().optional(),
  session_id: z.string().optional(),
});
export type TJwtClaims = z.infer<typeof ZJwtClaims>;

/** What a bearer access token must carry: a subject and an expiry (a token without `exp` would never end). */
export const ZAccessTokenClaims = ZJwtClaims.extend({ exp: z.number().int(), iat: z.number().int().optional() });

// REST DTOs of /api/v1/auth.
export const ZLoginRequest = z
  .strictObject({
    email: z.email().max(254).describe("The account's email address (not case-sensitive)."),
    password: z.string().min(1).max(200).describe("The account's password."),
  })
  .meta({ id: "LoginRequest", example: { email: "admin@example.com", password: "correct horse battery staple" } });
export type TLoginRequest = z.infer<typeof ZLoginRequest>;

export const ZRefreshRequest = z
  .strictObject({
    refreshToken: z
      .string()
      .min(20)
      .max(200)
      .describe(
        "The refresh token of the last login or refresh: each works once (refreshing with one already used " +
          "revokes every token of that login), and logging out with it revokes them all.",
      ),
  })
  .meta({ id: "RefreshRequest" });
export type TRefreshRequest = z.infer<typeof ZRefreshRequest>;

export const ZTokenPair = z
  .object({
    accessToken: z.string(),
    tokenType: z.literal("bearer"),
    /** Seconds until the access token expires. */
    expiresIn: z.number().int(),
    refreshToken: z.string(),
    user: z.object({ id: ZUuid, email: z.string() }),
  })
  .meta({
    id: "TokenPair",
    example: {
      accessToken: "eyJhbGciOiJIUzI1NiJ9…",
      tokenType: "bearer",
      expiresIn: 900,
      refreshToken: "rt_3q2…",
      user: { id: "6f1c0a4e-1d2b-4c3a-9f1e-0a1b2c3d4e5f", email: "admin@example.com" },
    },
  });
export type TTokenPair = z.infer<typeof ZTokenPair>;

export const ZMe = z
  .object({
    kind: z.enum(["user", "api_key"]),
    userId: ZUuid,
    email: z.string().nullable(),
    /** Set for API keys: the key's organization and scopes. */
    apiKey: z.object({ id: ZUuid, orgId: ZUuid, scopes: z.array(ZApiKeyScope) }).nullable(),
    organizations: z.array(z.object({ id: ZUuid, name: z.string(), slug: z.string(), role: ZOrgRole })),
  })
  .meta({
    id: "Me",
    example: {
      kind: "user",
      userId: "6f1c0a4e-1d2b-4c3a-9f1e-0a1b2c3d4e5f",
      email: "admin@example.com",
      apiKey: null,
      organizations: [{ id: "0b7e1a52-8d0e-4a57-a1f4-5c2f8e6b9d10", name: "Acme", slug: "acme", role: "owner" }],
    },
  });
export type TMe = z.infer<typeof ZMe>;
