import type { Redis } from "ioredis";

/**
 * Holds back `redis`'s socket writes until the event loop's current turn ends (after every pending microtask),
 * then sends what was written meanwhile in one write. Commands keep their order on the connection, so Redis runs
 * them in the order they were issued. For a few commands that follow each other, where a loopback write per
 * command costs more CPU than the commands themselves (the send API's realtime events and worker nudge). A no-op
 * while the connection is not ready (ioredis queues commands itself then).
 */
export function coalesceWrites(redis: Redis): void {
  const stream = redis.status === "ready" ? redis.stream : undefined;
  if (!stream || typeof stream.cork !== "function") return;
  stream.cork();
  setImmediate(() => stream.uncork());
}
