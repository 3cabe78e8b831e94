import type { Redis } from "ioredis";
import { AppError } from "../http/app-error.ts";

export type LoginLimiterConfig = {
  prefix: string;
  maxFailures: number;
  windowSeconds: number;
  lockoutSeconds: number;
  perIpPerMinute: number;
  /** The clock (ms since the epoch); tests set it. Default `Date.now`. */
  now?: () => number;
};

const MINUTE_MS = 60_000;

/**
 * Login throttling in Redis (shared by every replica): a per-IP rate limit against spraying, and per-email
 * failure counting with a temporary lockout against guessing one account's password.
 *
 * The per-IP limit is a sliding-window counter: attempts in this clock minute plus the previous minute's, weighted by
 * how much of the last 60 s it still covers (rounded up). A fixed window alone let an address make twice the limit
 * in the seconds around a minute's turn.
 */
export function createLoginLimiter(redis: Redis, cfg: LoginLimiterConfig) {
  const emailKey = (email: string) => `${cfg.prefix}:login:fail:${email.toLowerCase()}`;
  const lockKey = (email: string) => `${cfg.prefix}:login:lock:${email.toLowerCase()}`;
  const ipKey = (ip: string, minute: number) => `${cfg.prefix}:login:ip:${ip}:${minute}`;
  const now = cfg.now ?? Date.now;

  return {
    /** Throws rate_limited / account_locked before any password is checked. */
    async check(email: string, ip: string): Promise<void> {
      const at = now();
      const minute = Math.floor(at / MINUTE_MS);
      const [[, current], [, previous], [, lockTtl]] = (await redis
        .multi()
        .incr(ipKey(ip, minute))
        .get(ipKey(ip, minute - 1))
        .ttl(lockKey(email))
        .expire(ipKey(ip, minute), 120)
        .exec()) as [[null, number], [null, string | null], [null, number]];
      const stillCovered = 1 - (at % MINUTE_MS) / MINUTE_MS;
      const ipCount = current + Math.ceil(Number(previous ?? 0) * stillCovered);
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
