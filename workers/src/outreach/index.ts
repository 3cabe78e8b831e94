/**
 * The campaign engine on the worker: one chain of delayed BullMQ jobs per sending number, on this worker's own
 * outreach queue. A job runs one step (see step.ts) and schedules the next at the number's next slot — nothing
 * sleeps between sends. The job id is the number and the instant (`<instance>-<ms>`), so chains armed twice for the
 * same slot merge, and the number's pacing row (locked per step) keeps any stray job from sending early. A sweep
 * (re)arms chains of hosted numbers with campaign work: after a restart, a move of the instance here, a resume.
 */
import type { Database } from "@mirage/db";
import { instancesWithCampaignWork } from "@mirage/db/outreach";
import type { Logger } from "@mirage/logger";
import { Queue, Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { Sender } from "../messaging/index.ts";
import type { SessionsPort } from "../sessions/index.ts";
import { createChainStep } from "./step.ts";

export { createChainStep, type StepResult } from "./step.ts";

export type OutreachConfig = {
  workerId: string;
  queuePrefix: string;
  sweepMs: number;
  concurrency: number;
  /** The instances this worker hosts (from the session host's snapshot). */
  hosted: () => string[];
};

export const outreachQueueName = (workerId: string) => `worker-${workerId}-outreach`;

export function createOutreach(deps: {
  db: Database;
  redis: Redis;
  sessions: SessionsPort;
  sender: Sender;
  logger: Logger;
  config: OutreachConfig;
}) {
  const { db, config } = deps;
  const logger = deps.logger.child({ feature: "outreach" });
  const chain = createChainStep({ db, sessions: deps.sessions, sender: deps.sender, logger });
  const queue = new Queue(outreachQueueName(config.workerId), { connection: deps.redis, prefix: config.queuePrefix });
  queue.on("error", (err) => logger.error({ err }, "outreach queue error"));
  /** instance → the instant its next job is armed for (this process's view; Redis holds the jobs). */
  const armed = new Map<string, number>();
  let worker: Worker | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closing = false;

  async function arm(instanceId: string, at: Date): Promise<void> {
    if (closing) return;
    const ms = Math.max(at.getTime(), Date.now());
    const current = armed.get(instanceId);
    // An earlier job already armed covers this one (a step re-reads everything when it runs).
    if (current !== undefined && current <= ms && current >= Date.now() - 5_000) return;
    armed.set(instanceId, ms);
    await queue.add(
      "step",
      { instanceId },
      { jobId: `${instanceId}-${ms}`, delay: Math.max(0, ms - Date.now()), removeOnComplete: true, removeOnFail: true },
    );
  }

  async function runStep(instanceId: string): Promise<void> {
    armed.delete(instanceId);
    const result = await chain.step(instanceId);
    if (result.next) await arm(instanceId, result.next);
  }

  async function sweep(): Promise<void> {
    const hosted = config.hosted().filter((id) => deps.sessions.canSend(id).ok);
    if (hosted.length === 0) return;
    const work = await db.asService((tx) => instancesWithCampaignWork(tx, hosted));
    for (const w of work) {
      const current = armed.get(w.id);
      // A chain armed in the past that never ran (job lost, worker restarted) is armed again.
      if (current === undefined || current < Date.now() - 5_000) {
        armed.delete(w.id);
        await arm(w.id, w.at);
      }
    }
  }

  return {
    name: "outreach",
    /** Runs one step now (tests and benches). */
    step: chain.step,
    sweep,
    async start(): Promise<void> {
      worker = new Worker(
        outreachQueueName(config.workerId),
        async (job) => {
          const instanceId = (job.data as { instanceId?: unknown }).instanceId;
          if (typeof instanceId !== "string") return;
          await runStep(instanceId);
        },
        { connection: deps.redis, prefix: config.queuePrefix, concurrency: config.concurrency },
      );
      worker.on("error", (err) => logger.error({ err }, "outreach worker error"));
      worker.on("failed", (job, err) => {
        logger.warn({ err, instanceId: job?.data?.instanceId }, "outreach step failed; the sweep re-arms the chain");
        if (job?.data?.instanceId) armed.delete(job.data.instanceId as string);
      });
      const loop = () => {
        timer = setTimeout(() => {
          sweep()
            .catch((err: unknown) => logger.error({ err }, "outreach sweep failed"))
            .finally(() => {
              if (!closing) loop();
            });
        }, config.sweepMs);
        timer.unref();
      };
      await sweep().catch((err: unknown) => logger.error({ err }, "outreach sweep failed"));
      loop();
    },
    async close(): Promise<void> {
      closing = true;
      if (timer) clearTimeout(timer);
      await worker?.close();
      await queue.close();
    },
  };
}

export type Outreach = ReturnType<typeof createOutreach>;
