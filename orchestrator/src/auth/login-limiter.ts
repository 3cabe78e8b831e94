import type { Redis } from "ioredis";
import { AppError } from "../http/app-error.ts";

export type LoginLimiterConfig = {
  prefix: string;
  maxFailures: number;
  windowSeconds: number;
  lockoutSeconds: number;
  perIpPerMinute: number;
};

/**
 * Login throttling in Redis (shared by every replica): a per-IP rate limit against spraying, and per-email
 * failure counting with a temporary lockout against guessing one account's password.
 */
export function createLoginLimiter(redis: Redis, cfg: LoginLimiterConfig) {
  const emailKey = (email: string) => `${cfg.prefix}:login:fail:${email.toLowerCase()}`;
  const lockKey = (email: string) => `${cfg.prefix}:login:lock:${email.toLowerCase()}`;
  const ipKey = (ip: string) => `${cfg.prefix}:login:ip:${ip}:${Math.floor(Date.now() / 60_000)}`;

  return {
    /** Throws rate_limited / account_locked before any password is checked. */
    async check(email: string, ip: string): Promise<void> {
      const [[, ipCount], [, lockTtl]] = (await redis
        .multi()
        .incr(ipKey(ip))
        .ttl(lockKey(email))
        .expire(ipKey(ip), 60)
        .exec()) as [[null, number], [null, number]];
      if (ipCount > cfg.perIpPerMinute) {
        throw new AppError("rate_limited", "too many login attempts from this address; try again in a minute", {
          retryAfter: 60,
        });
      }
      if (lockTtl > 0) {
        throw new AppError("account_locked", "too many failed logins; this account is locked for a while", {
          retryAfter: lockTtl,
        });
      }
    },
    /** Counts a failure; the one that reaches the maximum locks the account. */
    async fail(email: string): Promise<void> {
      const [[, count]] = (await redis
        .multi()
        .incr(emailKey(email))
        .expire(emailKey(email), cfg.windowSeconds, "NX")
        .exec()) as [[null, number]];
      if (count >= cfg.maxFailures) {
        await redis.multi().set(lockKey(email), "1", "EX", cfg.lockoutSeconds).del(emailKey(email)).exec();
      }
    },
    async succeed(email: string): Promise<void> {
      await redis.del(emailKey(email));
    },
    async unlock(email: string): Promise<void> {
      await redis.del(emailKey(email), lockKey(email));
    },
  };
}

export type LoginLimiter = ReturnType<typeof createLoginLimiter>;
