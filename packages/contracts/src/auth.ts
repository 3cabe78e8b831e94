import { z } from "zod";

/**
 * The one token format (ARCHITECTURE decision 5): Supabase-shaped JWT claims. The same object is what `asUser`
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
