import {
  instanceQrKey,
  type TWorkerInfo,
  workerAliveKey,
  workerEventsChannel,
  workerRegistryKey,
} from "@mirage/contracts/worker-bus";
import type { Redis } from "ioredis";
import type { EventSink, QrStore } from "../sessions/index.ts";

export function createRedisEventSink(redis: Redis, ns: string): EventSink {
  return {
    async publish(event) {
      await redis.publish(workerEventsChannel(ns), JSON.stringify(event));
    },
  };
}

export function createRedisQrStore(redis: Redis, ns: string): QrStore {
  return {
    async set(qr, ttlMs) {
      await redis.set(instanceQrKey(ns, qr.instanceId), JSON.stringify(qr), "PX", ttlMs);
    },
    async delete(instanceId) {
      await redis.del(instanceQrKey(ns, instanceId));
    },
  };
}

/**
 * Registry entry and liveness: the orchestrator treats a worker as live while its alive key exists, so a worker
 * killed with -9 disappears after `ttlMs` and its instances are placed elsewhere.
 */
export function createHeartbeat(
  redis: Redis,
  ns: string,
  info: () => Omit<TWorkerInfo, "heartbeatAt">,
  opts: { intervalMs: number; ttlMs: number; onError: (err: unknown) => void },
) {
  let timer: NodeJS.Timeout | undefined;
  const beat = async () => {
    const entry: TWorkerInfo = { ...info(), heartbeatAt: new Date().toISOString() };
    await redis
      .multi()
      .hset(workerRegistryKey(ns), entry.id, JSON.stringify(entry))
      .set(workerAliveKey(ns, entry.id), "1", "PX", opts.ttlMs)
      .exec();
  };
  return {
    async start() {
      await beat();
      timer = setInterval(() => beat().catch(opts.onError), opts.intervalMs);
      timer.unref();
    },
    /** Leaves the registry at once on a graceful stop, so placement does not wait for the TTL. */
    async stop() {
      if (timer) clearInterval(timer);
      const id = info().id;
      await redis.multi().hdel(workerRegistryKey(ns), id).del(workerAliveKey(ns, id)).exec();
    },
  };
}
