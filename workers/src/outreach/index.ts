/**
 * The campaign engine on the worker: one chain of delayed BullMQ jobs per sending number, on this worker's own
 * outreach queue. A `step` job picks and checks the next recipient and shows "typing…"; a `write` job, delayed by
 * the typing time, writes the message; then the next `step` is armed at the number's next slot — nothing sleeps
 * inside a job, neither between sends nor while typing. The job id is the number and the instant (`<instance>-<ms>`),
 * so chains armed twice for the same slot merge, and the number's pacing row (locked per step) keeps any stray job
 * from sending early. A sweep (re)arms chains of hosted numbers with campaign work: after a restart, a move of the
 * instance here, a resume, a new campaign, recipients moved here by failover — including a chain that sleeps until
 * its next known recipient (quiet hours, tomorrow's window) when earlier work has appeared since.
 */
import type { Database } from "@mirage/db";
import { instancesWithCampaignWork } from "@mirage/db/outreach";
import type { Logger } from "@mirage/logger";
import { Queue, Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { Sender } from "../messaging/index.ts";
import type { SessionsPort } from "../sessions/index.ts";
import { writeJobId } from "./job-ids.ts";
import { createLead } from "./lead.ts";
import { createChainStep, type PendingSettle, type StepResult } from "./step.ts";

export { writeJobId, writeJobMessageId } from "./job-ids.ts";
export { createChainStep, type PendingWrite, type StepResult } from "./step.ts";

/**
 * A write job's data: which number writes which message, and the gap it then keeps; `plannedAt` is the instant the
 * message is meant to reach WhatsApp and `dueAt` the one the job was scheduled for (earlier by the lead, both epoch
 * ms). No text, no phone number.
 */
type Armed = { at: number; byWork?: string };

type WriteJob = { instanceId: string; messageId: number; gapMs: number; plannedAt: number; dueAt: number };

/** What a write job answers (its return value, seen by queue listeners such as the pacing benchmark), epoch ms. */
export type WriteTiming = { plannedAt: number; dueAt: number; writtenAt?: number };

/** Steps of one number run back to back in one job at most (each due at once), and for at most this long (ms). */
const INLINE_STEPS = 20;
const INLINE_BUDGET_MS = 5_000;

/** A chain armed this long in the past and not run (job lost, worker restarted) is armed again by the sweep, ms. */
const STALE_MS = 5_000;

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
  /**
   * instance → its next job (this process's view; Redis holds the jobs): the instant it is armed for, and, for a
   * step armed at the number's next known recipient (`byWork`), the job's id — work that appears earlier (a new or
   * resumed campaign, recipients moved here) supersedes it. Other waits (pacing gap, cap, a write in flight) hold
   * whatever work appears.
   */
  const armed = new Map<string, Armed>();
  // From a write job's due instant to its frame written is the pickup, the `sending` commit and the encryption: this
  // worker's recent average of it is how much earlier writes are scheduled, so they land on their planned instant.
  const lead = createLead();
  let worker: Worker | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closing = false;

  /** Arms the number's next step at `at` (or now); `byWork`: the instant is its next known recipient's. */
  async function arm(instanceId: string, at: Date, byWork = false): Promise<void> {
    if (closing) return;
    const ms = Math.max(at.getTime(), Date.now());
    const current = armed.get(instanceId);
    // An earlier job already armed covers this one (a step re-reads everything when it runs).
    if (current !== undefined && current.at <= ms && current.at >= Date.now() - STALE_MS) return;
    const jobId = `${instanceId}-${ms}`;
    armed.set(instanceId, byWork ? { at: ms, byWork: jobId } : { at: ms });
    await queue.add(
      "step",
      { instanceId },
      { jobId, delay: Math.max(0, ms - Date.now()), removeOnComplete: true, removeOnFail: true },
    );
    // The later step this one supersedes would only find nothing to do: dropped (a stray one is harmless anyway).
    if (current?.byWork && current.at > ms) {
      await queue.remove(current.byWork).catch((err: unknown) => logger.debug({ err }, "superseded step not removed"));
    }
  }

  /** After a step: the next step, or the write that ends the typing (which then continues the chain). */
  async function follow(instanceId: string, result: StepResult): Promise<void> {
    if (result.write) {
      if (closing) return;
      const at = result.write.at.getTime();
      // Never before now, i.e. never before the typing began: the gap since the number's last write (armed at that
      // write + the drawn gap) stays at least the drawn gap, hence within the profile.
      const now = Date.now();
      const dueAt = Math.max(now, at - lead.ms());
      // The write stands for the chain meanwhile: the sweep does not arm a step next to it.
      armed.set(instanceId, { at: dueAt });
      const data: WriteJob = {
        instanceId,
        messageId: result.write.messageId,
        gapMs: result.write.gapMs,
        plannedAt: at,
        dueAt,
      };
      await queue.add("write", data, {
        jobId: writeJobId(instanceId, result.write.messageId),
        delay: dueAt - now,
        removeOnComplete: true,
        removeOnFail: true,
      });
      return;
    }
    const waiting = result.outcome?.outcome === "waiting" ? result.outcome.reason : undefined;
    if (result.next) await arm(instanceId, result.next, waiting === "nothing_due");
  }

  /**
   * Runs the number's step, and the next ones in the same job while each is due at once (zero gaps, a recipient
   * stepped over): a queued job per message would cost three Redis scripts each. Bounded, so one number does not
   * hold a job (and its lock) for long; the running step stands for the chain meanwhile (the sweep leaves it).
   */
  async function runStep(instanceId: string): Promise<void> {
    const started = Date.now();
    // A step's settle (the number's next slot) rides with the next step's transaction while the steps run back to
    // back; the last one is stored before the chain is armed again.
    let carry: PendingSettle | undefined;
    for (let i = 1; ; i++) {
      armed.set(instanceId, { at: Date.now() });
      const result = await chain.step(instanceId, new Date(), { deferSettle: true, ...(carry ? { carry } : {}) });
      carry = result.pending;
      const dueNow = !result.write && result.next !== null && result.next.getTime() <= Date.now();
      if (dueNow && !closing && i < INLINE_STEPS && Date.now() - started < INLINE_BUDGET_MS) continue;
      if (carry) await chain.flush(carry);
      armed.delete(instanceId);
      await follow(instanceId, result);
      return;
    }
  }

  /** Runs a write job; answers its instants (epoch ms, `writtenAt` only when it wrote): the job's return value. */
  async function runWrite(job: WriteJob): Promise<WriteTiming> {
    armed.delete(job.instanceId);
    const result = await chain.write(job.instanceId, job);
    const writtenAt = result.writtenAt?.getTime();
    if (writtenAt !== undefined) lead.observe(writtenAt - job.dueAt);
    await follow(job.instanceId, result);
    return { plannedAt: job.plannedAt, dueAt: job.dueAt, ...(writtenAt !== undefined ? { writtenAt } : {}) };
  }

  async function sweep(): Promise<void> {
    const hosted = config.hosted().filter((id) => deps.sessions.canSend(id).ok);
    if (hosted.length === 0) return;
    const work = await db.asService((tx) => instancesWithCampaignWork(tx, hosted));
    for (const w of work) {
      const current = armed.get(w.id);
      // A chain armed in the past that never ran (job lost, worker restarted) is armed again — at its next known
      // recipient, so by work: a worker that starts while a number's only work waits (a campaign at its cap) must
      // still wake the chain when another campaign's work appears before it.
      if (current === undefined || current.at < Date.now() - STALE_MS) {
        armed.delete(w.id);
        await arm(w.id, w.at, true);
      } else if (current.byWork && w.at.getTime() < current.at - 1_000) {
        // Asleep until its next known recipient while earlier work is waiting: woken for it.
        await arm(w.id, w.at, true);
      }
    }
  }

  return {
    name: "outreach",
    /** Runs one step now (tests and benches); a compose step answers the write it scheduled in `write`. */
    step: chain.step,
    /** Runs a write now (tests and benches). */
    write: chain.write,
    sweep,
    async start(): Promise<void> {
      worker = new Worker(
        outreachQueueName(config.workerId),
        async (job) => {
          const data = job.data as Partial<WriteJob>;
          if (typeof data.instanceId !== "string") return;
          if (job.name === "write") {
            if (typeof data.messageId !== "number" || typeof data.gapMs !== "number") return;
            // A job queued before the lead existed carries no instants: its due time is when it was made to run.
            const dueAt = typeof data.dueAt === "number" ? data.dueAt : job.timestamp + (job.delay ?? 0);
            const plannedAt = typeof data.plannedAt === "number" ? data.plannedAt : dueAt;
            return runWrite({
              instanceId: data.instanceId,
              messageId: data.messageId,
              gapMs: data.gapMs,
              plannedAt,
              dueAt,
            });
          }
          await runStep(data.instanceId);
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
