import type { TSendRefusalCode } from "@mirage/contracts/errors";
import { luaScript } from "@mirage/queue/lua";
import type { Redis } from "ioredis";
import { AppError } from "../http/app-error.ts";

/**
 * A token bucket per instance in Redis (shared by every replica): `burst` messages at once, refilled at
 * `perMinute`. One round trip per request (a Lua script), so it costs the send API well under a millisecond.
 */
const SCRIPT = `
local key = KEYS[1]
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local state = redis.call('HMGET', key, 't', 'ts')
local tokens = tonumber(state[1]) or capacity
local ts = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + (now - ts) * rate)
local allowed = 0
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  wait = math.ceil((1 - tokens) / rate)
end
redis.call('HSET', key, 't', tokens, 'ts', now)
redis.call('PEXPIRE', key, math.ceil(capacity / rate) + 1000)
return { allowed, wait }`;
const take = luaScript(SCRIPT);

export type SendRateLimiter = {
  /** Takes one token for `instanceId`; throws 429 rate_limited with Retry-After when the bucket is empty. */
  take(instanceId: string): Promise<void>;
};

export function createSendRateLimiter(redis: Redis, cfg: { prefix: string; perMinute: number; burst: number }) {
  const ratePerMs = cfg.perMinute / 60_000;
  return {
    async take(instanceId: string): Promise<void> {
      const [allowed, waitMs] = (await take(
        redis,
        [`${cfg.prefix}:send-rate:${instanceId}`],
        [String(cfg.burst), String(ratePerMs), String(Date.now())],
      )) as [number, number];
      if (allowed === 1) return;
      throw new AppError(
        "rate_limited",
        `this instance accepts ${cfg.perMinute} messages per minute (bursts of ${cfg.burst}); try again shortly`,
        {
          retryAfter: Math.max(1, Math.ceil(waitMs / 1000)),
          reasonCode: "instance_rate_limited" satisfies TSendRefusalCode,
        },
      );
    },
  } satisfies SendRateLimiter;
}
