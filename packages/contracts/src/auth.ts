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
    accessToken: z.string().describe("The access token (a JWT): send it as `Authorization: Bearer <token>`."),
    tokenType: z.literal("bearer").describe("Always `bearer`."),
    expiresIn: z.number().int().describe("Seconds until the access token expires."),
    refreshToken: z
      .string()
      .describe("Trades for a new pair once at POST /auth/refresh; logging out with it ends the login."),
    user: z
      .object({
        id: ZUuid.describe("The signed-in user's id."),
        email: z.string().describe("The signed-in user's email address."),
      })
      .describe("The account that logged in."),
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
    kind: z.enum(["user", "api_key"]).describe("What authenticated the request: a user's token or an API key."),
    userId: ZUuid.describe("The acting user: the signed-in user, or the API key's own principal user."),
    email: z.string().nullable().describe("The signed-in user's email; null for an API key."),
    apiKey: z
      .object({
        id: ZUuid.describe("The API key's id."),
        orgId: ZUuid.describe("The one organization the key acts in."),
        scopes: z.array(ZApiKeyScope).describe("What the key may do."),
      })
      .nullable()
      .describe("Set for API keys: the key's organization and scopes; null for a user."),
    organizations: z
      .array(
        z.object({
          id: ZUuid.describe("The organization's id."),
          name: z.string().describe("The organization's name."),
          slug: z.string().describe("The organization's unique short name."),
          role: ZOrgRole.describe("The caller's role in it."),
        }),
      )
      .describe("The organizations the caller belongs to, with its role in each."),
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
