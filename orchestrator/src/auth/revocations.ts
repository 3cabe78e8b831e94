import type { Redis } from "ioredis";

/**
 * Revoked login sessions (refresh-token families), so the access tokens of a session stop working the moment it is
 * logged out or its refresh token is replayed, not when they expire. One Redis key per revoked session id, living
 * exactly as long as an access token of that session can (access TTL plus clock skew): the check on every request is
 * one EXISTS on a small key space.
 */
export function createSessionRevocations(redis: Redis, cfg: { prefix: string; ttlSeconds: number }) {
  const key = (sessionId: string) => `${cfg.prefix}:auth:revoked-session:${sessionId}`;
  return {
    /** Marks sessions revoked (idempotent). Throws when Redis is unavailable: the caller answers 503. */
    async revoke(sessionIds: readonly string[]): Promise<void> {
      if (sessionIds.length === 0) return;
      const multi = redis.multi();
      for (const id of sessionIds) multi.set(key(id), "1", "EX", cfg.ttlSeconds);
      await multi.exec();
    },
    async isRevoked(sessionId: string): Promise<boolean> {
      return (await redis.exists(key(sessionId))) === 1;
    },
  };
}

export type SessionRevocations = ReturnType<typeof createSessionRevocations>;
