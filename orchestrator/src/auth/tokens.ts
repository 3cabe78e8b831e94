import { randomBytes, randomUUID } from "node:crypto";
import { type TJwtClaims, ZAccessTokenClaims } from "@mirage/contracts/auth";
import { createRemoteJWKSet, errors, type JWTVerifyGetKey, jwtVerify, SignJWT } from "jose";
import { AppError } from "../http/app-error.ts";

export type TokenVerifier = { verify(token: string): Promise<TJwtClaims> };
export type TokenSigner = {
  sign(input: { userId: string; email: string; sessionId: string }): Promise<{ token: string; expiresIn: number }>;
};

export type TokenConfig = {
  secret?: string;
  jwksUrl?: string;
  issuer?: string;
  audience: string;
  accessTtlSeconds: number;
  /** Tolerated clock difference between the issuer and this server, in seconds (exp, nbf and iat). */
  clockSkewSeconds?: number;
};

/**
 * Verifies Supabase-shaped access tokens: HS256 with the shared secret (builtin, or Supabase's legacy secret), or
 * asymmetric keys from a JWKS (Supabase's signing keys). The algorithm list is fixed so a token cannot pick "none"
 * or switch HS/RS families.
 */
export function createTokenVerifier(cfg: TokenConfig): TokenVerifier {
  const secret = cfg.secret ? new TextEncoder().encode(cfg.secret) : undefined;
  const jwks: JWTVerifyGetKey | undefined = cfg.jwksUrl ? createRemoteJWKSet(new URL(cfg.jwksUrl)) : undefined;
  return {
    async verify(token) {
      try {
        const header = JSON.parse(Buffer.from(token.split(".")[0] ?? "", "base64url").toString("utf8")) as {
          alg?: string;
        };
        const skew = cfg.clockSkewSeconds ?? 60;
        const options = {
          audience: cfg.audience,
          requiredClaims: ["exp", "sub"],
          clockTolerance: skew,
          ...(cfg.issuer ? { issuer: cfg.issuer } : {}),
        };
        let payload: unknown;
        if (header.alg === "HS256" && secret) {
          payload = (await jwtVerify(token, secret, { ...options, algorithms: ["HS256"] })).payload;
        } else if (jwks && header.alg && ["RS256", "ES256", "EdDSA"].includes(header.alg)) {
          payload = (await jwtVerify(token, jwks, { ...options, algorithms: ["RS256", "ES256", "EdDSA"] })).payload;
        } else {
          throw new AppError("invalid_token", "unsupported token algorithm");
        }
        const claims = ZAccessTokenClaims.safeParse(payload);
        if (!claims.success) throw new AppError("invalid_token", "the token's claims are not a user session");
        // A token "issued" in the future beyond the skew was minted with a wrong clock or to outlive its lifetime.
        if (claims.data.iat !== undefined && claims.data.iat > Math.floor(Date.now() / 1000) + skew) {
          throw new AppError("invalid_token", "the token was issued in the future");
        }
        return claims.data;
      } catch (error) {
        if (error instanceof AppError) throw error;
        if (error instanceof errors.JWTExpired) throw new AppError("token_expired", "the access token has expired");
        throw new AppError("invalid_token", "the access token is invalid", { cause: error });
      }
    },
  };
}

export function createTokenSigner(cfg: TokenConfig & { secret: string }): TokenSigner {
  const key = new TextEncoder().encode(cfg.secret);
  return {
    async sign({ userId, email, sessionId }) {
      const token = await new SignJWT({ role: "authenticated", email, session_id: sessionId })
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setSubject(userId)
        .setAudience(cfg.audience)
        .setIssuedAt()
        .setExpirationTime(`${cfg.accessTtlSeconds}s`)
        .setJti(randomUUID())
        .sign(key);
      return { token, expiresIn: cfg.accessTtlSeconds };
    },
  };
}

/** Opaque refresh tokens: 256 bits of randomness; only their sha256 is stored. */
export function newRefreshToken(): string {
  return `rt_${randomBytes(32).toString("base64url")}`;
}
