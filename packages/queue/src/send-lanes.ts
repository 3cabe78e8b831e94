import { type TSendNudge, workerSendQueue, ZSendNudge } from "@mirage/contracts/worker-bus";
import { type ConnectionOptions, Queue, UnrecoverableError, Worker } from "bullmq";
import type { Redis } from "ioredis";

/**
 * Routing of send work to the worker hosting an instance: one BullMQ queue per worker (`worker-<id>-send`). A job
 * only says "instance X has a message due"; the worker claims rows from Postgres itself, so the job carries no
 * message content and a lost job only delays a send until the worker's periodic sweep.
 */
export type SendLaneOptions = { connection: Redis | ConnectionOptions; prefix: string };

export function createSendNudger(opts: SendLaneOptions) {
  const queues = new Map<string, Queue>();
  const forWorker = (workerId: string) => {
    let queue = queues.get(workerId);
    if (!queue) {
      queue = new Queue(workerSendQueue(workerId), { connection: opts.connection, prefix: opts.prefix });
      queues.set(workerId, queue);
    }
    return queue;
  };
  return {
    /** Tells `workerId` that an instance it hosts has work; `messageId` makes the job idempotent per message. */
    async nudge(workerId: string, nudge: TSendNudge): Promise<void> {
      await forWorker(workerId).add("send", ZSendNudge.parse(nudge), {
        ...(nudge.messageId ? { jobId: `m${nudge.messageId}` } : {}),
        removeOnComplete: true,
        removeOnFail: { age: 3600, count: 1000 },
      });
    },
    async close(): Promise<void> {
      await Promise.all([...queues.values()].map((q) => q.close()));
      queues.clear();
    },
  };
}

export type SendNudger = ReturnType<typeof createSendNudger>;

/** The worker's side: every valid nudge calls `handle` (which should return quickly: it only wakes a lane). */
export function createSendNudgeConsumer(
  opts: SendLaneOptions & {
    workerId: string;
    handle: (nudge: TSendNudge) => Promise<void> | void;
    onError?: (err: Error) => void;
  },
): Worker {
  const worker = new Worker(
    workerSendQueue(opts.workerId),
    async (job) => {
      const parsed = ZSendNudge.safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError(`invalid send nudge: ${parsed.error.message}`);
      await opts.handle(parsed.data);
    },
    { connection: opts.connection, prefix: opts.prefix, concurrency: 16 },
  );
  worker.on("error", (err) => opts.onError?.(err));
  return worker;
}
