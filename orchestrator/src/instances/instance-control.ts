import type { TInstanceStatus } from "@mirage/contracts/enums";
import type { TWorkerCommand, TWorkerCommandResult, TWorkerInfo } from "@mirage/contracts/worker-bus";
import { instanceQrKey, type TInstanceQr, ZInstanceQr } from "@mirage/contracts/worker-bus";
import type { Database } from "@mirage/db";
import type { InstanceView } from "@mirage/db/instances";
import {
  assignInstance,
  countInstancesByWorker,
  findHostedInstance,
  HOSTED_STATUSES,
  listInstanceViews,
  setDesiredState,
  writeUnhostedStatus,
} from "@mirage/db/instances";
import { clearAuthState } from "@mirage/db/wa-auth";
import type { Logger } from "@mirage/logger";
import { type WorkerCommandClient, WorkerCommandTimeout } from "@mirage/queue/worker-commands";
import type { Redis } from "ioredis";
import { AppError } from "../http/app-error.ts";
import type { PlacementService } from "../placement/placement-service.ts";
import { listLiveWorkers } from "../placement/worker-registry.ts";

/** Statuses whose socket is logged in: they can check numbers, show presence and send receipts. */
const ACTIVE = new Set<TInstanceStatus>(["connected", "degraded", "restricted"]);

type ActCommand = Extract<TWorkerCommand, { type: "on-whatsapp" | "presence" | "read-receipts" | "reaction" }>;

export type InstanceControlDeps = {
  db: Database;
  redis: Redis;
  commands: WorkerCommandClient;
  placement: PlacementService;
  commandTimeoutMs: number;
  ns: string;
  logger?: Logger;
};

/**
 * The orchestrator's side of instance lifecycle: it holds no socket, so every action is a command to the worker
 * hosting the instance (placing it first when nobody does). Authorization happened before (RLS read of the row).
 * Every answer carries the instance's real resulting status.
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

  async function request(
    command: TWorkerCommand,
    workerId?: string,
    timeoutMs = deps.commandTimeoutMs,
  ): Promise<TWorkerCommandResult> {
    const target = workerId ?? (await hostOf(command.instanceId));
    try {
      return await deps.commands.request(target, command, timeoutMs);
    } catch (err) {
      if (err instanceof WorkerCommandTimeout) throw new AppError("service_unavailable", err.message);
      throw err;
    }
  }

  /**
   * A command about what a connected instance says or checks (on-WhatsApp, presence, read receipts), sent to the
   * worker hosting it. Fails fast with 503 — before any command is queued — when the instance is not connected or
   * its worker is gone, and when the worker answers that its socket is not logged in; 503 too after `timeoutMs`.
   */
  async function act(command: ActCommand, timeoutMs = Math.min(deps.commandTimeoutMs, 15_000)) {
    const inst = await deps.db.asService((tx) => findHostedInstance(tx, command.instanceId));
    if (!inst) throw new AppError("not_found", "instance not found");
    if (!ACTIVE.has(inst.status)) {
      throw new AppError("service_unavailable", `the instance is not connected (it is ${inst.status})`);
    }
    const live = await listLiveWorkers(deps.redis, deps.ns);
    if (!inst.workerId || !live.some((w) => w.id === inst.workerId)) {
      throw new AppError("service_unavailable", "the instance is not connected (its worker is not running)");
    }
    let result: TWorkerCommandResult;
    try {
      result = await request(command, inst.workerId, timeoutMs);
    } catch (err) {
      if (err instanceof AppError) throw err;
      // The worker's handler failed (WhatsApp did not answer the query): a dependency, not the caller's input.
      deps.logger?.warn({ err, command: command.type, instanceId: command.instanceId }, "instance command failed");
      throw new AppError("service_unavailable", `the instance could not complete the ${command.type} request`);
    }
    if (!result.ok && (result.outcome === "not_connected" || result.outcome === "not_hosted")) {
      throw new AppError("service_unavailable", "the instance is not connected right now");
    }
    return result;
  }

  /** The least-loaded live worker, for a one-off command on an instance nobody hosts. */
  async function anyLiveWorker(live: TWorkerInfo[]): Promise<TWorkerInfo | undefined> {
    const load = await deps.db.asService((tx) => countInstancesByWorker(tx));
    return [...live].sort((x, y) => (load.get(x.id) ?? 0) / x.capacity - (load.get(y.id) ?? 0) / y.capacity)[0];
  }

  /**
   * Logout or delete. The hosting worker does it (unlinking the device even when it has no socket open right now,
   * with a short-lived login). An instance whose worker is gone is handed to a live one first; with no worker at all,
   * the credentials are wiped here and the answer says the phone may still list the device.
   */
  async function unlink(instanceId: string, type: "logout" | "delete"): Promise<TWorkerCommandResult> {
    const inst = await deps.db.asService((tx) => findHostedInstance(tx, instanceId));
    if (!inst) throw new AppError("not_found", "instance not found");
    const live = await listLiveWorkers(deps.redis, deps.ns);
    let workerId = inst.workerId && live.some((w) => w.id === inst.workerId) ? inst.workerId : undefined;
    if (!workerId) {
      const worker = await anyLiveWorker(live);
      if (worker && (await deps.db.asService((tx) => assignInstance(tx, instanceId, worker.id))) !== undefined) {
        workerId = worker.id;
      }
    }
    if (workerId) return request({ type, instanceId }, workerId);
    await deps.db.asService(async (tx) => {
      await clearAuthState(tx, instanceId);
      await writeUnhostedStatus(tx, {
        instanceId,
        epoch: inst.epoch,
        to: "logged_out",
        reason: type === "delete" ? "deleted" : "logged_out_by_user",
        detail: { phoneUnlinked: !inst.hasCreds },
      });
    });
    return {
      ok: true,
      outcome: type === "delete" ? "deleted" : "logged_out",
      status: "logged_out",
      phoneUnlinked: !inst.hasCreds,
    };
  }

  return {
    /** Places a new instance (its worker starts it and shows QR codes). */
    async placeNew(): Promise<void> {
      // Best effort: the placement loop places it on its next tick anyway, so a Redis hiccup here must not turn an
      // instance that was created into an error answer.
      await deps.placement.tick().catch((err: unknown) => deps.logger?.warn({ err }, "placement after create failed"));
    },
    async start(instanceId: string): Promise<TWorkerCommandResult> {
      await deps.db.asService((tx) => setDesiredState(tx, instanceId, "running"));
      return request({ type: "start", instanceId });
    },
    async stop(instanceId: string): Promise<TWorkerCommandResult> {
      await deps.db.asService((tx) => setDesiredState(tx, instanceId, "stopped"));
      const inst = await deps.db.asService((tx) => findHostedInstance(tx, instanceId));
      if (!inst) throw new AppError("not_found", "instance not found");
      const live = await listLiveWorkers(deps.redis, deps.ns);
      if (inst.workerId && live.some((w) => w.id === inst.workerId)) {
        return request({ type: "stop", instanceId }, inst.workerId);
      }
      // Nobody hosts it: it is stopped now, and says so (a status that claimed a socket would be a lie).
      if (HOSTED_STATUSES.includes(inst.status)) {
        await deps.db.asService((tx) =>
          writeUnhostedStatus(tx, { instanceId, epoch: inst.epoch, to: "stopped", reason: "stopped_by_user" }),
        );
        return { ok: true, outcome: "stopped", status: "stopped" };
      }
      return { ok: true, outcome: "not_running", status: inst.status };
    },
    async restart(instanceId: string): Promise<TWorkerCommandResult> {
      await deps.db.asService((tx) => setDesiredState(tx, instanceId, "running"));
      return request({ type: "restart", instanceId });
    },
    logout(instanceId: string): Promise<TWorkerCommandResult> {
      return unlink(instanceId, "logout");
    },
    remove(instanceId: string): Promise<TWorkerCommandResult> {
      return unlink(instanceId, "delete");
    },
    async pairingCode(instanceId: string, phoneDigits: string): Promise<TWorkerCommandResult> {
      await deps.db.asService((tx) => setDesiredState(tx, instanceId, "running"));
      return request({ type: "pairing-code", instanceId, phoneDigits });
    },
    /** Which numbers (E.164) have a WhatsApp account, asked through the instance; one answer per number, in order. */
    async onWhatsApp(instanceId: string, phones: string[]) {
      const result = await act({ type: "on-whatsapp", instanceId, phones });
      return result.numbers ?? [];
    },
    /** Shows a presence through the instance; see the `presence` worker command. */
    presence(command: Omit<Extract<ActCommand, { type: "presence" }>, "type">): Promise<TWorkerCommandResult> {
      return act({ type: "presence", ...command });
    },
    /** Sends read receipts for received messages (chat JID as WhatsApp addressed it, and WhatsApp id). */
    async readReceipts(instanceId: string, keys: { remoteJid: string; id: string }[]): Promise<void> {
      await act({ type: "read-receipts", instanceId, keys });
    },
    /**
     * Reacts to a received message (its chat JID as WhatsApp addressed it, its id); `emoji` empty takes it back.
     * Answers the reaction message's WhatsApp id when the worker knows it.
     */
    async react(instanceId: string, remoteJid: string, id: string, emoji: string): Promise<string | undefined> {
      return (await act({ type: "reaction", instanceId, remoteJid, id, emoji })).messageId;
    },
    /**
     * After an erasure: every number of the organization hosted by a live worker drops the person's Signal keys from
     * memory and deletes what commits under way wrote (the `forget-person` command; `users`: JID user parts). The
     * jobs leave Redis with their answers. Best effort, in parallel, `timeoutMs` each: answers how many numbers
     * confirmed and how many key rows they still deleted; a number that did not answer forgets when it restarts.
     */
    async forgetPerson(orgId: string, users: string[], timeoutMs = 10_000): Promise<{ numbers: number; keys: number }> {
      if (users.length === 0) return { numbers: 0, keys: 0 };
      const views = await deps.db.asService((tx) => listInstanceViews(tx, orgId));
      const live = new Set((await listLiveWorkers(deps.redis, deps.ns)).map((w) => w.id));
      const answers = await Promise.all(
        views.flatMap((v) =>
          v.workerId && live.has(v.workerId)
            ? [
                deps.commands
                  .request(v.workerId, { type: "forget-person", instanceId: v.id, users }, timeoutMs, { retain: false })
                  .catch((err: unknown) => {
                    deps.logger?.warn({ err, instanceId: v.id }, "a worker did not forget an erased person's keys");
                    return undefined;
                  }),
              ]
            : [],
        ),
      );
      return answers.reduce(
        (acc, a) =>
          a?.outcome === "forgotten" ? { numbers: acc.numbers + 1, keys: acc.keys + (a.forgotten?.stored ?? 0) } : acc,
        { numbers: 0, keys: 0 },
      );
    },
    async latestQr(instanceId: string): Promise<TInstanceQr | undefined> {
      const raw = await deps.redis.get(instanceQrKey(deps.ns, instanceId));
      if (!raw) return undefined;
      const parsed = ZInstanceQr.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : undefined;
    },
    /**
     * Status shown to users never outlives the heartbeat that vouches for it: an instance whose status claims a
     * socket on a worker that is no longer live reads as `connecting` (`worker_lost`, no health) until a live
     * worker writes again. Placement records the same in the row on its next pass.
     */
    async withLiveness<T extends Pick<InstanceView, "status" | "statusReason" | "workerId" | "healthScore">>(
      views: T[],
    ): Promise<T[]> {
      if (!views.some((v) => v.workerId && HOSTED_STATUSES.includes(v.status))) return views;
      const live = new Set((await listLiveWorkers(deps.redis, deps.ns)).map((w) => w.id));
      return views.map((v) =>
        v.workerId && !live.has(v.workerId) && HOSTED_STATUSES.includes(v.status)
          ? { ...v, status: "connecting" as TInstanceStatus, statusReason: "worker_lost", healthScore: null }
          : v,
      );
    },
  };
}

export type InstanceControl = ReturnType<typeof createInstanceControl>;
