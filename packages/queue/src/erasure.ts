import { Queue } from "bullmq";
import type { Redis } from "ioredis";

/**
 * Erasure (LGPD) in Redis: jobs that name a person. The catalog's jobs (webhook deliveries, imports, campaign
 * ticks) and the send and outreach lanes carry ids only: once the rows are gone they name nobody. The commands to a
 * worker (`worker-<id>` queues: the on-WhatsApp check, presence to a chat, read receipts, reactions) carry numbers
 * and JIDs in their data, and the on-WhatsApp answer in their result, kept after they finish (10 minutes, an hour
 * when failed) and repeated in the queue's event stream. Those are what this removes.
 */

/** Every state a job can be removed in; an active one is locked by its worker and finishes (then ages out). */
const STATES = ["waiting", "prioritized", "delayed", "waiting-children", "completed", "failed"] as const;

/**
 * Removes, from every worker's queues under `prefix`, the jobs whose data, result or failure names any of
 * `needles` (the person's numbers as digits, which their JIDs contain too, and their LID), and the entries of those
 * queues' event streams that do. Answers how many jobs went (stream entries are not counted: they are copies).
 */
export async function removeJobsNaming(
  redis: Redis,
  prefix: string,
  needles: string[],
  opts: {
    /**
     * First wait, up to this long (ms), for the jobs naming the person that a worker is running to end, so that
     * they are removed too instead of ageing out (polled every 100 ms). Default 0: running ones are left.
     */
    activeWaitMs?: number;
  } = {},
): Promise<number> {
  const wanted = needles.filter((n) => n.length >= 8);
  if (wanted.length === 0) return 0;
  const names = (text: string) => wanted.some((n) => text.includes(n));
  const queueNames = await workerQueueNames(redis, prefix);
  const deadline = Date.now() + (opts.activeWaitMs ?? 0);
  while (Date.now() < deadline && (await runningNaming(redis, prefix, queueNames, names))) {
    await new Promise((r) => setTimeout(r, 100));
  }
  let removed = 0;
  for (const name of queueNames) {
    const queue = new Queue(name, { connection: redis, prefix });
    try {
      for (const job of await queue.getJobs([...STATES])) {
        if (!job) continue;
        const text = JSON.stringify([job.data, job.returnvalue ?? null, job.failedReason ?? null]);
        if (!names(text)) continue;
        // Taken by a worker between the listing and now: it is locked, runs to its end, and ages out.
        const ok = await job.remove().then(
          () => true,
          () => false,
        );
        if (ok) removed++;
      }
    } finally {
      await queue.close();
    }
    await scrubEventStream(redis, `${prefix}:${name}:events`, names);
  }
  return removed;
}

/** Whether a worker is running a job that names the person. */
async function runningNaming(
  redis: Redis,
  prefix: string,
  queueNames: string[],
  names: (text: string) => boolean,
): Promise<boolean> {
  for (const name of queueNames) {
    const queue = new Queue(name, { connection: redis, prefix });
    try {
      if ((await queue.getJobs(["active"])).some((job) => job && names(JSON.stringify(job.data)))) return true;
    } finally {
      await queue.close();
    }
  }
  return false;
}

/** The worker queues that exist under `prefix`: `worker-<id>` and its `-send` and `-outreach` lanes. */
async function workerQueueNames(redis: Redis, prefix: string): Promise<string[]> {
  const found = new Set<string>();
  const head = `${prefix}:`;
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${head}worker-*:id`, "COUNT", 1000);
    cursor = next;
    for (const key of keys) found.add(key.slice(head.length, -":id".length));
  } while (cursor !== "0");
  return [...found].sort();
}

/** Deletes the entries of one event stream that name the person (a finished job's result is repeated there). */
async function scrubEventStream(redis: Redis, key: string, names: (text: string) => boolean): Promise<void> {
  let start = "-";
  for (;;) {
    const page = await redis.xrange(key, start, "+", "COUNT", 1000);
    const doomed = page.filter(([, fields]) => names(fields.join("\u0000"))).map(([id]) => id);
    if (doomed.length > 0) await redis.xdel(key, ...doomed);
    const last = page.at(-1);
    if (!last || page.length < 1000) return;
    start = `(${last[0]}`;
  }
}
