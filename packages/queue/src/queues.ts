import { type ConnectionOptions, type JobsOptions, Queue, UnrecoverableError, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { JOBS, type JobName, type JobPayload, QUEUE_NAMES, type QueueName } from "./catalog.ts";

export type QueueOptions = {
  connection: Redis | ConnectionOptions;
  /** BullMQ key prefix: one per deployment (and one per test file, so tests never see each other's jobs). */
  prefix: string;
  onError?: (error: Error, queue: QueueName) => void;
};

export type Queues = {
  get(name: QueueName): Queue;
  all(): Queue[];
  /** Validates the payload against the catalog and adds the job with the catalog's defaults (overridable). */
  enqueue<N extends JobName>(name: N, payload: JobPayload<N>, opts?: JobsOptions): Promise<string | undefined>;
  close(): Promise<void>;
};

export function createQueues(opts: QueueOptions): Queues {
  const queues = new Map<QueueName, Queue>();
  for (const name of QUEUE_NAMES) {
    const queue = new Queue(name, { connection: opts.connection, prefix: opts.prefix });
    queue.on("error", (error) => opts.onError?.(error, name));
    queues.set(name, queue);
  }
  const get = (name: QueueName): Queue => {
    const queue = queues.get(name);
    if (!queue) throw new Error(`unknown queue ${name}`);
    return queue;
  };
  let closed: Promise<void> | undefined;
  return {
    get,
    all: () => [...queues.values()],
    async enqueue(name, payload, jobOpts) {
      const def = JOBS[name];
      const data = def.payload.parse(payload);
      const job = await get(def.queue).add(name, data, { ...def.defaults, ...jobOpts } as JobsOptions);
      return job.id;
    },
    close() {
      closed ??= Promise.all([...queues.values()].map((q) => q.close())).then(() => undefined);
      return closed;
    },
  };
}

export type ProcessorContext = { jobId: string | undefined; attemptsMade: number; attempts: number };

export type CreateWorkerOptions<N extends JobName> = QueueOptions & {
  name: N;
  process: (payload: JobPayload<N>, ctx: ProcessorContext) => Promise<unknown>;
  concurrency?: number;
  /**
   * Delay in ms before the retry after `attemptsMade` failed attempts (1-based), for jobs whose backoff type is
   * custom (the catalog's). Gets the payload so a processor can compute the same delay to record it.
   */
  backoff?: (attemptsMade: number, payload: JobPayload<N> | undefined) => number;
  onFailed?: (payload: JobPayload<N> | undefined, error: Error, final: boolean) => void | Promise<void>;
};

/**
 * A BullMQ worker for one catalog job. Payloads that fail validation are permanent failures (UnrecoverableError):
 * retrying cannot fix them.
 */
export function createWorker<N extends JobName>(opts: CreateWorkerOptions<N>): Worker {
  const def = JOBS[opts.name];
  const worker = new Worker(
    def.queue,
    async (job) => {
      if (job.name !== opts.name) throw new UnrecoverableError(`unexpected job ${job.name} on queue ${def.queue}`);
      const parsed = def.payload.safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError(`invalid payload: ${parsed.error.message}`);
      return opts.process(parsed.data as JobPayload<N>, {
        jobId: job.id,
        attemptsMade: job.attemptsMade,
        attempts: job.opts.attempts ?? 1,
      });
    },
    {
      connection: opts.connection,
      prefix: opts.prefix,
      concurrency: opts.concurrency ?? 4,
      settings: {
        backoffStrategy: (attemptsMade: number, _type?: string, _err?: Error, job?: { data: unknown }) => {
          if (!opts.backoff) return 0;
          const parsed = def.payload.safeParse(job?.data);
          return opts.backoff(attemptsMade, parsed.success ? (parsed.data as JobPayload<N>) : undefined);
        },
      },
    },
  );
  worker.on("error", (error) => opts.onError?.(error, def.queue));
  worker.on("failed", (job, error) => {
    if (!opts.onFailed) return;
    const parsed = def.payload.safeParse(job?.data);
    const final =
      error instanceof UnrecoverableError ||
      error.name === "UnrecoverableError" ||
      (job ? job.attemptsMade >= (job.opts.attempts ?? 1) : true);
    void opts.onFailed(parsed.success ? (parsed.data as JobPayload<N>) : undefined, error, final);
  });
  return worker;
}

/**
 * Exponential backoff with jitter: a delay in [ceiling/2, ceiling] where ceiling = min(cap, base·2^(n-1)).
 * `jitter` is a number in [0, 1); pass a value derived from the job (see seededJitter) to make the delay
 * reproducible, so the processor can record when the next attempt will run.
 */
export function jitteredBackoff(baseMs: number, capMs: number, attemptsMade: number, jitter: number): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attemptsMade - 1));
  return Math.round(ceiling / 2 + (jitter * ceiling) / 2);
}

/** A deterministic number in [0, 1) from a seed string (FNV-1a). */
export function seededJitter(seed: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h / 0x1_0000_0000;
}

export { UnrecoverableError };
