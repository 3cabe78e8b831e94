import { REALTIME_STREAM, type TRealtimePublish, ZRealtimePublish } from "@mirage/contracts/realtime";
import type { Redis } from "ioredis";

/**
 * Appends a realtime event to the shared Redis stream (every orchestrator replica tails it and emits to the
 * organization's socket.io room) and to the organization's own stream, which reconnecting clients replay from.
 * Both entries share one id, the event's cursor. Trimming is approximate (~) so XADD stays O(1).
 *
 * Workers call this for events that have no database row (QR codes, health samples); database changes reach the
 * stream through the orchestrator's LISTEN relay.
 */
const SCRIPT = `
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'e', ARGV[3])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], id, 'e', ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return id`;

export type PublishOptions = {
  /** Stream key; defaults to REALTIME_STREAM. Tests use their own so parallel files never cross. */
  stream?: string;
  /** Entries kept in the shared stream. */
  globalMaxLen?: number;
  /** Entries kept per organization for catch-up. */
  orgMaxLen?: number;
  /** An idle organization's catch-up stream expires after this many ms. */
  orgTtlMs?: number;
};

export function orgStreamKey(orgId: string, stream: string = REALTIME_STREAM): string {
  return `${stream}:org:${orgId}`;
}

export async function publishRealtimeEvent(
  redis: Redis,
  event: TRealtimePublish,
  opts: PublishOptions = {},
): Promise<string> {
  const valid = ZRealtimePublish.parse(event) as TRealtimePublish;
  const id = await redis.eval(
    SCRIPT,
    2,
    opts.stream ?? REALTIME_STREAM,
    orgStreamKey(valid.orgId, opts.stream),
    String(opts.globalMaxLen ?? 10_000),
    String(opts.orgMaxLen ?? 1_000),
    JSON.stringify(valid),
    String(opts.orgTtlMs ?? 24 * 3600 * 1000),
  );
  return String(id);
}
