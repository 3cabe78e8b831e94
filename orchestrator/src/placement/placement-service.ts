import { placementLeaderKey, type TWorkerInfo } from "@mirage/contracts/worker-bus";
import type { Database } from "@mirage/db";
import {
  assignInstance,
  countInstancesByWorker,
  listInstancesNeedingPlacement,
  markInstancesOfLostWorkers,
} from "@mirage/db/instances";
import type { Logger } from "@mirage/logger";
import { createLease } from "@mirage/queue/lease";
import type { WorkerCommandClient } from "@mirage/queue/worker-commands";
import type { Redis } from "ioredis";
import { listLiveWorkers } from "./worker-registry.ts";

export type PlacementDeps = {
  db: Database;
  redis: Redis;
  commands: WorkerCommandClient;
  logger: Logger;
  intervalMs: number;
  /** Redis namespace (QUEUE_PREFIX) shared with the workers. */
  ns: string;
};

/**
 * Places instances on live workers (least loaded relative to capacity) and moves them off workers whose heartbeat
 * lapsed; their statuses become `connecting` (`worker_lost`) at once, whether or not another worker can take them. Assigning bumps the instance's epoch, which fences the previous host. One orchestrator replica places at a
 * time (a Redis lease), so two replicas never hand one instance to two workers.
 */
export function createPlacementService(deps: PlacementDeps) {
  const log = deps.logger.child({ module: "placement" });
  // Three passes' worth, so one slow pass does not hand placement to another replica mid-way.
  const lease = createLease(deps.redis, {
    key: placementLeaderKey(deps.ns),
    ttlMs: Math.max(3 * deps.intervalMs, 3_000),
  });
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  function pick(workers: TWorkerInfo[], load: Map<string, number>): TWorkerInfo | undefined {
    let best: TWorkerInfo | undefined;
    let bestRatio = Number.POSITIVE_INFINITY;
    for (const w of workers) {
      const n = load.get(w.id) ?? 0;
      if (n >= w.capacity) continue;
      const ratio = n / w.capacity;
      if (ratio < bestRatio || (ratio === bestRatio && best && w.id < best.id)) {
        best = w;
        bestRatio = ratio;
      }
    }
    return best;
  }

  async function placeAll(): Promise<number> {
    if (!(await lease.acquire())) return 0;
    const workers = await listLiveWorkers(deps.redis, deps.ns);
    const liveIds = workers.map((w) => w.id);
    // First the truth: what a lost worker hosted is no longer connected, even when nobody can take it over.
    const lost = await deps.db.asService((tx) => markInstancesOfLostWorkers(tx, liveIds));
    if (lost > 0) log.warn({ instances: lost }, "instances of lost workers marked connecting (worker_lost)");
    if (workers.length === 0) return 0;
    const [pending, load] = await deps.db.asService(
      async (tx) => [await listInstancesNeedingPlacement(tx, liveIds), await countInstancesByWorker(tx)] as const,
    );
    let placed = 0;
    for (const inst of pending) {
      const worker = pick(workers, load);
      if (!worker) {
        log.warn({ pending: pending.length - placed }, "every live worker is at capacity");
        break;
      }
      const epoch = await deps.db.asService((tx) => assignInstance(tx, inst.id, worker.id));
      if (epoch === undefined) continue;
      load.set(worker.id, (load.get(worker.id) ?? 0) + 1);
      if (inst.workerId) load.set(inst.workerId, Math.max(0, (load.get(inst.workerId) ?? 1) - 1));
      await deps.commands.send(worker.id, { type: "start", instanceId: inst.id });
      log.info({ instanceId: inst.id, workerId: worker.id, from: inst.workerId, epoch }, "instance placed");
      placed++;
    }
    return placed;
  }

  return {
    /** One placement pass now (after creating an instance, and in tests); concurrent calls share one pass. */
    tick(): Promise<number> {
      running ??= placeAll().finally(() => {
        running = undefined;
      });
      return running;
    },
    start(): void {
      timer = setInterval(() => {
        this.tick().catch((err: unknown) => log.error({ err }, "placement pass failed"));
      }, deps.intervalMs);
      timer.unref();
    },
    async close(): Promise<void> {
      if (timer) clearInterval(timer);
      await running?.catch(() => {});
      await lease.release().catch(() => false);
    },
  };
}

export type PlacementService = ReturnType<typeof createPlacementService>;
