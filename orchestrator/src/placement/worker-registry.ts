import { type TWorkerInfo, workerAliveKey, workerRegistryKey, ZWorkerInfo } from "@mirage/contracts/worker-bus";
import type { Redis } from "ioredis";

/** Workers whose alive key still exists (heartbeat within its TTL); dead entries older than an hour are pruned. */
export async function listLiveWorkers(redis: Redis, ns: string, now = Date.now()): Promise<TWorkerInfo[]> {
  const entries = await redis.hgetall(workerRegistryKey(ns));
  const workers: TWorkerInfo[] = [];
  for (const value of Object.values(entries)) {
    const parsed = ZWorkerInfo.safeParse(safeJson(value));
    if (parsed.success) workers.push(parsed.data);
  }
  if (workers.length === 0) return [];
  const alive = await redis.mget(...workers.map((w) => workerAliveKey(ns, w.id)));
  const live: TWorkerInfo[] = [];
  const stale: string[] = [];
  workers.forEach((w, i) => {
    if (alive[i]) live.push(w);
    else if (now - Date.parse(w.heartbeatAt) > 3_600_000) stale.push(w.id);
  });
  if (stale.length > 0) await redis.hdel(workerRegistryKey(ns), ...stale);
  return live;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
