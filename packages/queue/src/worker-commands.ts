import {
  type TWorkerCommand,
  type TWorkerCommandResult,
  workerCommandQueue,
  ZWorkerCommand,
  ZWorkerCommandResult,
} from "@mirage/contracts/worker-bus";
import { type ConnectionOptions, Queue, QueueEvents, UnrecoverableError, Worker } from "bullmq";
import type { Redis } from "ioredis";

/**
 * Commands from the orchestrator to the worker hosting an instance: one BullMQ queue per worker, so a command
 * waits for its worker (through a restart) instead of being lost, and the caller can await the result (a pairing
 * code, "already connected", …). Workers also reconcile from Postgres, so a command lost with a dead worker is
 * harmless: its instances are re-placed and started anyway.
 */
export type WorkerCommandOptions = { connection: Redis | ConnectionOptions; prefix: string };

export class WorkerCommandTimeout extends Error {
  constructor(workerId: string, type: string) {
    super(`worker ${workerId} did not answer the ${type} command in time`);
    this.name = "WorkerCommandTimeout";
  }
}

export function createWorkerCommandClient(opts: WorkerCommandOptions) {
  const queues = new Map<string, { queue: Queue; events: QueueEvents; own?: Redis }>();
  const forWorker = async (workerId: string) => {
    let entry = queues.get(workerId);
    if (!entry) {
      const name = workerCommandQueue(workerId);
      // QueueEvents blocks on XREAD: it gets a connection of its own, never the caller's shared one.
      const own =
        "duplicate" in opts.connection ? opts.connection.duplicate({ maxRetriesPerRequest: null }) : undefined;
      entry = {
        queue: new Queue(name, { connection: opts.connection, prefix: opts.prefix }),
        events: new QueueEvents(name, { connection: own ?? opts.connection, prefix: opts.prefix }),
        ...(own ? { own } : {}),
      };
      // A Redis outage is reported by the requests that fail; these listeners keep it from being an unhandled
      // 'error' event as well (ioredis and BullMQ reconnect by themselves).
      own?.on("error", () => {});
      entry.queue.on("error", () => {});
      entry.events.on("error", () => {});
      queues.set(workerId, entry);
      await entry.events.waitUntilReady();
    }
    return entry;
  };
  return {
    /** Sends a command without waiting (placement's "start"). */
    async send(workerId: string, command: TWorkerCommand): Promise<void> {
      const { queue } = await forWorker(workerId);
      await queue.add(command.type, ZWorkerCommand.parse(command), {
        removeOnComplete: { age: 600, count: 1000 },
        removeOnFail: { age: 3600, count: 1000 },
      });
    },
    /**
     * Sends a command and waits for the worker's answer. `retain: false` removes the job from Redis as soon as it
     * finishes (a command naming an erased person must not stay behind for the usual ten minutes).
     */
    async request(
      workerId: string,
      command: TWorkerCommand,
      timeoutMs = 30_000,
      opts: { retain?: boolean } = {},
    ): Promise<TWorkerCommandResult> {
      const { queue, events } = await forWorker(workerId);
      const retain = opts.retain ?? true;
      const job = await queue.add(command.type, ZWorkerCommand.parse(command), {
        removeOnComplete: retain ? { age: 600, count: 1000 } : true,
        removeOnFail: retain ? { age: 3600, count: 1000 } : true,
      });
      try {
        return ZWorkerCommandResult.parse(await job.waitUntilFinished(events, timeoutMs));
      } catch (err) {
        if (err instanceof Error && /timed out|timeout/i.test(err.message)) {
          // Nobody will run it late and surprise the caller: a stale command is removed, not left pending.
          await job.remove().catch(() => {});
          throw new WorkerCommandTimeout(workerId, command.type);
        }
        throw err;
      }
    },
    async close(): Promise<void> {
      await Promise.all(
        [...queues.values()].flatMap((q) => [
          q.queue.close(),
          q.events.close().then(() => q.own?.quit().catch(() => undefined)),
        ]),
      );
      queues.clear();
    },
  };
}

export type WorkerCommandClient = ReturnType<typeof createWorkerCommandClient>;

/** The worker side: validates every command (a malformed one fails without retry) and runs it. */
export function createWorkerCommandConsumer(
  opts: WorkerCommandOptions & {
    workerId: string;
    handle: (command: TWorkerCommand) => Promise<TWorkerCommandResult>;
    concurrency?: number;
    onError?: (err: Error) => void;
  },
): Worker {
  const worker = new Worker(
    workerCommandQueue(opts.workerId),
    async (job) => {
      const parsed = ZWorkerCommand.safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError(`invalid command: ${parsed.error.message}`);
      return opts.handle(parsed.data);
    },
    { connection: opts.connection, prefix: opts.prefix, concurrency: opts.concurrency ?? 8 },
  );
  worker.on("error", (err) => opts.onError?.(err));
  return worker;
}
