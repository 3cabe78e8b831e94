import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";

/**
 * A Redis lease: one holder at a time for `key`, identified by an owner token, expiring `ttlMs` after the last
 * acquire or renew unless renewed. Every operation is one Lua script, so "is it mine?" and "extend/delete it" can
 * never interleave with another holder's acquire. Used for the single placer and the single realtime relay.
 */
export type Lease = {
  readonly key: string;
  /** This holder's owner token (random unless given). */
  readonly token: string;
  readonly ttlMs: number;
  /** Takes the lease if it is free, or extends it if this holder already has it. True when held afterwards. */
  acquire(): Promise<boolean>;
  /** Extends the lease only if this holder still has it; false when it expired or another holder took it. */
  renew(): Promise<boolean>;
  /** Gives the lease up only if this holder has it (never deletes another holder's lease). True when released. */
  release(): Promise<boolean>;
};

// KEYS[1] = lease key; ARGV[1] = owner token; ARGV[2] = ttl in ms.
const ACQUIRE = `
local current = redis.call('GET', KEYS[1])
if current == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if current then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`;
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * Creates a lease handle (nothing is written until `acquire`). `ttlMs` is an integer number of milliseconds ≥ 1;
 * renew well within it (a third of it is usual). Redis errors reject the returned promises.
 */
export function createLease(redis: Redis, opts: { key: string; ttlMs: number; token?: string }): Lease {
  if (!Number.isInteger(opts.ttlMs) || opts.ttlMs < 1) throw new Error(`lease ttlMs must be a positive integer`);
  const token = opts.token ?? randomUUID();
  const run = async (script: string) => (await redis.eval(script, 1, opts.key, token, String(opts.ttlMs))) === 1;
  return {
    key: opts.key,
    token,
    ttlMs: opts.ttlMs,
    acquire: () => run(ACQUIRE),
    renew: () => run(RENEW),
    release: () => run(RELEASE),
  };
}
