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

/** `connection`: the caller's shared connection (BullMQ duplicates it for each worker's event reader). */
export function createWorkerCommandClient(opts: { connection: Redis; prefix: string }) {
  type Entry = { queue: Queue; events: QueueEvents };
  // Promises, so that concurrent first requests to a worker share one queue and one event reader.
  const queues = new Map<string, Promise<Entry>>();
  const open = async (workerId: string): Promise<Entry> => {
    const name = workerCommandQueue(workerId);
    const queue = new Queue(name, { connection: opts.connection, prefix: opts.prefix });
    // A Redis outage is reported by the requests that fail; these listeners keep it from being an unhandled
    // 'error' event as well (ioredis and BullMQ reconnect by themselves).
    queue.on("error", () => {});
    let last: [string, string[]] | undefined;
    try {
      // QueueEvents reads from "$" (what arrives after its read reaches Redis) until its first event: an answer
      // written before that first read, or between two empty ten-second reads, would never be heard and its
      // request would wait out its timeout. Reading on from the stream's current end closes both gaps.
      [last] = (await opts.connection.xrevrange(`${opts.prefix}:${name}:events`, "+", "-", "COUNT", 1)) as [
        string,
        string[],
      ][];
    } catch (err) {
      await queue.close().catch(() => {});
      throw err;
    }
    // QueueEvents blocks on XREAD: BullMQ gives it a duplicate of the connection it is handed (and closes it). Handed
    // the shared one, that duplicate would inherit its request retry limit, which blocking reads refuse; handed a
    // template of it without that limit, which never connects itself.
    const template = opts.connection.duplicate({ maxRetriesPerRequest: null, lazyConnect: true });
    const events = new QueueEvents(name, {
      connection: template,
      prefix: opts.prefix,
      lastEventId: last?.[0] ?? "0-0",
    });
    events.on("error", () => {});
    try {
      await events.waitUntilReady();
    } catch (err) {
      await Promise.all([queue.close(), events.close()]).catch(() => {});
      throw err;
    }
    return { queue, events };
  };
  const forWorker = (workerId: string): Promise<Entry> => {
    let entry = queues.get(workerId);
    if (!entry) {
      entry = open(workerId);
      queues.set(workerId, entry);
      // A failed opening (Redis down) is tried again by the next request.
      entry.catch(() => queues.delete(workerId));
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
      const entries = await Promise.allSettled(queues.values());
      queues.clear();
      await Promise.all(
        entries.flatMap((e) => (e.status === "fulfilled" ? [e.value.queue.close(), e.value.events.close()] : [])),
      );
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
