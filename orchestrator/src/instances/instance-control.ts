import type { TWorkerCommand, TWorkerCommandResult } from "@mirage/contracts/worker-bus";
import { instanceQrKey, type TInstanceQr, ZInstanceQr } from "@mirage/contracts/worker-bus";
import type { Database } from "@mirage/db";
import { findHostedInstance, setDesiredState } from "@mirage/db/instances";
import { type WorkerCommandClient, WorkerCommandTimeout } from "@mirage/queue/worker-commands";
import type { Redis } from "ioredis";
import { AppError } from "../http/app-error.ts";
import type { PlacementService } from "../placement/placement-service.ts";
import { listLiveWorkers } from "../placement/worker-registry.ts";

export type InstanceControlDeps = {
  db: Database;
  redis: Redis;
  commands: WorkerCommandClient;
  placement: PlacementService;
  commandTimeoutMs: number;
  ns: string;
};

/**
 * The orchestrator's side of instance lifecycle: it holds no socket, so every action is a command to the worker
 * hosting the instance (placing it first when nobody does). Authorization happened before (RLS read of the row).
 */
export function createInstanceControl(deps: InstanceControlDeps) {
  async function hostOf(instanceId: string): Promise<string> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const inst = await deps.db.asService((tx) => findHostedInstance(tx, instanceId));
      if (!inst) throw new AppError("not_found", "instance not found");
      const live = await listLiveWorkers(deps.redis, deps.ns);
      if (inst.workerId && live.some((w) => w.id === inst.workerId)) return inst.workerId;
      await deps.placement.tick();
    }
    throw new AppError("service_unavailable", "no worker is running to host this instance; start a worker process");
  }

  async function request(command: TWorkerCommand): Promise<TWorkerCommandResult> {
    const workerId = await hostOf(command.instanceId);
    try {
      return await deps.commands.request(workerId, command, deps.commandTimeoutMs);
    } catch (err) {
      if (err instanceof WorkerCommandTimeout) throw new AppError("service_unavailable", err.message);
      throw err;
    }
  }

  return {
    /** Places a new instance (its worker starts it and shows QR codes). */
    async placeNew(): Promise<void> {
      await deps.placement.tick();
    },
    async start(instanceId: string): Promise<TWorkerCommandResult> {
      await deps.db.asService((tx) => setDesiredState(tx, instanceId, "running"));
      return request({ type: "start", instanceId });
    },
    async stop(instanceId: string): Promise<TWorkerCommandResult> {
      await deps.db.asService((tx) => setDesiredState(tx, instanceId, "stopped"));
      const inst = await deps.db.asService((tx) => findHostedInstance(tx, instanceId));
      const live = await listLiveWorkers(deps.redis, deps.ns);
      if (!inst?.workerId || !live.some((w) => w.id === inst.workerId)) return { ok: true, outcome: "not_running" };
      return deps.commands.request(inst.workerId, { type: "stop", instanceId }, deps.commandTimeoutMs);
    },
    async restart(instanceId: string): Promise<TWorkerCommandResult> {
      await deps.db.asService((tx) => setDesiredState(tx, instanceId, "running"));
      return request({ type: "restart", instanceId });
    },
    async logout(instanceId: string): Promise<TWorkerCommandResult> {
      return request({ type: "logout", instanceId });
    },
    async remove(instanceId: string): Promise<void> {
      const inst = await deps.db.asService((tx) => findHostedInstance(tx, instanceId));
      const live = await listLiveWorkers(deps.redis, deps.ns);
      if (inst?.workerId && live.some((w) => w.id === inst.workerId)) {
        await deps.commands.request(inst.workerId, { type: "delete", instanceId }, deps.commandTimeoutMs);
      }
    },
    async pairingCode(instanceId: string, phoneDigits: string): Promise<TWorkerCommandResult> {
      await deps.db.asService((tx) => setDesiredState(tx, instanceId, "running"));
      return request({ type: "pairing-code", instanceId, phoneDigits });
    },
    async latestQr(instanceId: string): Promise<TInstanceQr | undefined> {
      const raw = await deps.redis.get(instanceQrKey(deps.ns, instanceId));
      if (!raw) return undefined;
      const parsed = ZInstanceQr.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : undefined;
    },
  };
}

export type InstanceControl = ReturnType<typeof createInstanceControl>;
