import type { TTokenPair } from "@mirage/contracts/auth";
import type { Database } from "@mirage/db";
import {
  findRefreshTokenForUpdate,
  insertRefreshToken,
  markRefreshTokenRotated,
  revokeRefreshTokenFamily,
} from "@mirage/db/refresh-tokens";
import { findActiveUser, findUserByEmail, recordSignIn } from "@mirage/db/users";
import type { Logger } from "@mirage/logger";
import { AppError } from "../http/app-error.ts";
import type { LoginLimiter } from "./login-limiter.ts";
import { DUMMY_HASH, verifyPassword } from "./passwords.ts";
import { hashSecret } from "./principal.ts";
import type { SessionRevocations } from "./revocations.ts";
import { newRefreshToken, type TokenSigner } from "./tokens.ts";

export type SessionDeps = {
  db: Database;
  signer: TokenSigner;
  limiter: LoginLimiter;
  refreshTtlSeconds: number;
  logger: Logger;
  /** Where revoked session ids go, so their access tokens stop working at once. */
  revocations: SessionRevocations;
  /** Told about revoked sessions (the realtime gateway ends their sockets). */
  onSessionsRevoked?: (sessionIds: string[]) => void;
};

type ClientInfo = { ip: string; userAgent: string | undefined };

/**
 * Builtin sessions: password login, refresh-token rotation with reuse detection, logout. All service work (the
 * caller is not authenticated yet); no tenant data is read here, only auth.users and refresh_tokens.
 */
export function createSessionService(deps: SessionDeps) {
  async function issue(
    user: { id: string; email: string },
    client: ClientInfo,
    family?: { familyId: string; parentId: string },
  ): Promise<TTokenPair> {
    const refreshToken = newRefreshToken();
    const row = await deps.db.asService((tx) =>
      insertRefreshToken(tx, {
        userId: user.id,
        tokenHash: hashSecret(refreshToken),
        expiresAt: new Date(Date.now() + deps.refreshTtlSeconds * 1000),
        familyId: family?.familyId,
        parentId: family?.parentId,
        userAgent: client.userAgent?.slice(0, 300) ?? null,
        ip: client.ip,
      }),
    );
    const access = await deps.signer.sign({ userId: user.id, email: user.email, sessionId: row.familyId });
    return {
      accessToken: access.token,
      tokenType: "bearer",
      expiresIn: access.expiresIn,
      refreshToken,
      user: { id: user.id, email: user.email },
    };
  }

  return {
    async login(email: string, password: string, client: ClientInfo): Promise<TTokenPair> {
      await deps.limiter.check(email, client.ip);
      const user = await deps.db.asService((tx) => findUserByEmail(tx, email));
      const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
      const banned = user?.bannedUntil && user.bannedUntil.getTime() > Date.now();
      if (!user || !ok || banned) {
        await deps.limiter.fail(email);
        deps.logger.info({ email, ip: client.ip, known: Boolean(user) }, "login failed");
        throw new AppError("invalid_credentials", "wrong email or password");
      }
      await deps.limiter.succeed(email);
      await deps.db.asService((tx) => recordSignIn(tx, user.id));
      return issue({ id: user.id, email: user.email }, client);
    },

    async refresh(refreshToken: string, client: ClientInfo): Promise<TTokenPair> {
      const outcome = await deps.db.asService(async (tx) => {
        const row = await findRefreshTokenForUpdate(tx, hashSecret(refreshToken));
        if (!row) return { kind: "unknown" as const };
        if (row.rotatedAt) {
          // A rotated token presented again means two parties hold the family: revoke it all, both must log in.
          await revokeRefreshTokenFamily(tx, row.familyId, "reuse_detected");
          return { kind: "reused" as const, familyId: row.familyId };
        }
        if (row.revokedAt) return { kind: "unknown" as const };
        if (row.expiresAt.getTime() <= Date.now()) return { kind: "expired" as const };
        await markRefreshTokenRotated(tx, row.id);
        const user = await findActiveUser(tx, row.userId);
        if (!user || user.banned) return { kind: "unknown" as const };
        return { kind: "ok" as const, user, familyId: row.familyId, parentId: row.id };
      });
      if (outcome.kind === "reused") {
        await deps.revocations.revoke([outcome.familyId]);
        deps.onSessionsRevoked?.([outcome.familyId]);
      }
      switch (outcome.kind) {
        case "unknown":
          throw new AppError("invalid_token", "unknown refresh token");
        case "expired":
          throw new AppError("token_expired", "the refresh token has expired; log in again");
        case "reused":
          deps.logger.warn({ familyId: outcome.familyId }, "refresh token reuse: family revoked");
          throw new AppError(
            "refresh_token_reused",
            "this refresh token was already used; every session of it was revoked",
          );
        case "ok":
          return issue(outcome.user, client, { familyId: outcome.familyId, parentId: outcome.parentId });
      }
    },

    /** Revokes the token's whole family (this device's session); unknown tokens are fine (idempotent). */
    async logout(refreshToken: string): Promise<void> {
      const familyId = await deps.db.asService(async (tx) => {
        const row = await findRefreshTokenForUpdate(tx, hashSecret(refreshToken));
        if (row) await revokeRefreshTokenFamily(tx, row.familyId, "logout");
        return row?.familyId;
      });
      // Also for an already revoked family: a logout retried after a Redis outage still ends its access tokens.
      if (familyId) {
        await deps.revocations.revoke([familyId]);
        deps.onSessionsRevoked?.([familyId]);
      }
    },
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
