import { REALTIME_STREAM, type TRealtimePublish, ZRealtimePublish } from "@mirage/contracts/realtime";
import type { Redis } from "ioredis";
import { luaScript } from "./lua.ts";

/**
 * Appends a realtime event to the shared Redis stream (every orchestrator replica tails it and emits to the
 * organization's socket.io room) and to the organization's own stream, which reconnecting clients replay from.
 * Both entries share one id, the event's cursor. Trimming is approximate (~) so XADD stays O(1).
 *
 * Workers call this for events that have no database row (QR codes, health samples); database changes reach the
 * stream through the orchestrator's LISTEN relay, except the send API's own (it appends a new message's events
 * itself, with publishRealtimeEvents, instead of notifying).
 */
const SCRIPT = `
local ids = {}
for i = 2, #KEYS do
  local event = ARGV[i + 2]
  local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'e', event)
  redis.call('XADD', KEYS[i], 'MAXLEN', '~', ARGV[2], id, 'e', event)
  redis.call('PEXPIRE', KEYS[i], ARGV[3])
  ids[#ids + 1] = id
end
return ids`;
const append = luaScript(SCRIPT);

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
  const [id] = await publishRealtimeEvents(redis, [event], opts);
  return id ?? "";
}

/** Appends several events in order, in one round trip (one script); answers their cursors in the same order. */
export async function publishRealtimeEvents(
  redis: Redis,
  events: readonly TRealtimePublish[],
  opts: PublishOptions = {},
): Promise<string[]> {
  if (events.length === 0) return [];
  const valid = events.map((e) => ZRealtimePublish.parse(e) as TRealtimePublish);
  const ids = await append(
    redis,
    [opts.stream ?? REALTIME_STREAM, ...valid.map((e) => orgStreamKey(e.orgId, opts.stream))],
    [
      String(opts.globalMaxLen ?? 10_000),
      String(opts.orgMaxLen ?? 1_000),
      String(opts.orgTtlMs ?? 24 * 3600 * 1000),
      ...valid.map((e) => JSON.stringify(e)),
    ],
  );
  return (ids as unknown[]).map(String);
}
