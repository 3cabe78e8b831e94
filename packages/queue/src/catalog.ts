import { z } from "zod";

/**
 * The job catalog: every BullMQ job in Mirage has a camelCase name, a queue, a zod payload and default options.
 * Producers enqueue through `enqueue` (typed, validated) and consumers through `createWorker` (parsed again at the
 * trust boundary: a job written by an older release or by hand must not reach a processor unvalidated).
 */
export const JOBS = {
  deliverWebhook: {
    queue: "webhooks",
    payload: z.object({
      deliveryId: z.number().int().positive(),
    }),
    // Retries are driven by the worker's backoff strategy (exponential with full jitter, capped); after the last
    // attempt the delivery is dead-lettered in the outbox table, where an admin can redeliver it.
    defaults: {
      attempts: 8,
      backoff: { type: "webhook" },
      removeOnComplete: { age: 3600, count: 1000 },
      removeOnFail: { age: 24 * 3600, count: 5000 },
    },
  },
  importContacts: {
    queue: "imports",
    // Ids only: the file is in Postgres (contact_import_chunks), never in Redis, and no personal data rides the job.
    payload: z.object({ importId: z.uuid(), orgId: z.uuid() }),
    // A retry re-reads the file from the start; merging by number makes a second pass harmless.
    defaults: {
      attempts: 3,
      backoff: { type: "exponential", delay: 5_000 },
      removeOnComplete: { age: 3600, count: 1000 },
      removeOnFail: { age: 7 * 24 * 3600, count: 1000 },
    },
  },
  campaignTick: {
    queue: "campaigns",
    // A Job Scheduler adds one every CAMPAIGN_TICK_MS; each is an idempotent "activate what is due, look after
    // what runs" against Postgres, so a missed, duplicated or concurrent tick (several orchestrators) is harmless.
    payload: z.object({}),
    defaults: { attempts: 1, removeOnComplete: true, removeOnFail: { age: 3600, count: 100 } },
  },
} as const;

export type JobName = keyof typeof JOBS;
export type JobPayload<N extends JobName> = z.infer<(typeof JOBS)[N]["payload"]>;
export type QueueName = (typeof JOBS)[JobName]["queue"];

/** Names of every queue in the catalog (for dashboards and metrics). */
export const QUEUE_NAMES: QueueName[] = [...new Set(Object.values(JOBS).map((j) => j.queue))];
