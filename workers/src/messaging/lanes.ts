import type { Database } from "@mirage/db";
import { listAssignedInstances } from "@mirage/db/instances";
import { cancelExpiredMessages, instancesWithDueDirect, markInflightUnknown } from "@mirage/db/outbound-messages";
import { claimDirectBatch, releaseClaims } from "@mirage/db/send-claims";
import type { Logger } from "@mirage/logger";
import type { Sender } from "./sender.ts";

type Lane = { running: Promise<void>; again: boolean };

/** Due messages claimed per statement: one round trip for several, each still marked `sending` on its own. */
const CLAIM_BATCH = 10;

/**
 * The direct-send lanes of this worker: one serial lane per hosted instance (messages leave in the order they were
 * queued, one at a time), woken by nudges from the API and by a periodic sweep. Each time this worker gains an
 * instance (a new placement epoch) its in-flight rows are recovered first: `sending` → `unknown` (reconciled by
 * receipts, never resent), `claimed` → `queued`.
 */
export function createSendLanes(deps: {
  db: Database;
  sender: Sender;
  workerId: string;
  logger: Logger;
  sweepMs: number;
  /** Due messages claimed at once (default 10). */
  claimBatch?: number;
}) {
  const claimBatch = Math.max(1, deps.claimBatch ?? CLAIM_BATCH);
  const log = deps.logger.child({ module: "send-lanes" });
  const lanes = new Map<string, Lane>();
  /** instance → the placement epoch whose in-flight rows were recovered. */
  const recovered = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  let sweeping: Promise<void> | undefined;
  let closed = false;

  /**
   * Sends the instance's due messages in queue order until none is left. They are claimed a batch at a time (one
   * statement) and each is checked, marked `sending` with its id and written on its own, exactly as one claimed
   * alone: a crash leaves the rest of the batch `claimed`, which recovery requeues. Whatever of a batch is not
   * sent (the lane closing, the instance dropping, an unexpected error) goes back to the queue at once.
   */
  async function drain(instanceId: string): Promise<void> {
    for (;;) {
      if (closed) return;
      const batch = await deps.db.asServicePipelined((tx) => claimDirectBatch(tx, { instanceId, limit: claimBatch }));
      if (batch.length === 0) return;
      let next = 0;
      try {
        for (; next < batch.length && !closed; ) {
          const { block, ...work } = batch[next] as (typeof batch)[number];
          next++;
          // "typing…" keeps a message for seconds: the ones behind it wait in the queue, not claimed.
          if (work.typingMs > 0 && next < batch.length) {
            const rest = batch.slice(next).map((w) => w.id);
            await deps.db.asServicePipelined((tx) => releaseClaims(tx, rest));
            batch.length = next;
          }
          // The blacklist and consent verdict came with the claim; an opt-out reply since cancels the claimed row,
          // which `sending` then refuses.
          const outcome = await deps.sender.deliver(work, {}, { block: block ?? undefined });
          if (outcome.outcome === "deferred") return;
        }
        if (closed) return;
      } finally {
        const unsent = batch.slice(next).map((w) => w.id);
        if (unsent.length > 0) await deps.db.asServicePipelined((tx) => releaseClaims(tx, unsent));
      }
    }
  }

  function kick(instanceId: string): Promise<void> {
    if (closed || !recovered.has(instanceId)) return Promise.resolve();
    const lane = lanes.get(instanceId);
    if (lane) {
      lane.again = true;
      return lane.running;
    }
    const entry: Lane = { running: Promise.resolve(), again: false };
    entry.running = (async () => {
      try {
        do {
          entry.again = false;
          await drain(instanceId);
        } while (entry.again && !closed);
      } catch (err) {
        log.error({ err, instanceId }, "send lane failed; the sweep retries");
      } finally {
        lanes.delete(instanceId);
      }
    })();
    lanes.set(instanceId, entry);
    return entry.running;
  }

  /** Recovers newly gained instances, forgets lost ones, and wakes the lanes of instances with due messages. */
  async function sweep(): Promise<void> {
    // One transaction, sent in one round trip (the sweep runs every few seconds, idle or not): this worker's
    // instances, deadlines (they pass whether or not an instance is sending — it may never reconnect — so any
    // worker's sweep cancels them), and which of the instances already recovered here have direct messages due.
    const [assigned, expired, due] = await deps.db.asServicePipelined((tx) =>
      Promise.all([
        listAssignedInstances(tx, deps.workerId),
        cancelExpiredMessages(tx),
        instancesWithDueDirect(tx, [...recovered.keys()]),
      ]),
    );
    if (expired > 0) log.info({ rows: expired }, "cancelled messages past their deadline");
    const current = new Set(assigned.map((a) => a.id));
    for (const id of [...recovered.keys()]) if (!current.has(id)) recovered.delete(id);
    const gained: string[] = [];
    for (const inst of assigned) {
      if (recovered.get(inst.id) === inst.epoch) continue;
      // Only once no lane of ours runs for it: recovery must not requeue a row this process is sending.
      await lanes.get(inst.id)?.running;
      const n = await deps.db.asService((tx) => markInflightUnknown(tx, inst.id));
      if (n > 0) log.warn({ instanceId: inst.id, rows: n }, "recovered in-flight messages (sending → unknown)");
      recovered.set(inst.id, inst.epoch);
      gained.push(inst.id);
    }
    // A newly recovered instance is woken without asking first: its lane's claim finds out whether anything is due.
    for (const id of new Set([...due.filter((d) => recovered.has(d)), ...gained])) void kick(id);
  }

  function sweepSoon(): Promise<void> {
    sweeping ??= sweep()
      .catch((err: unknown) => log.error({ err }, "send sweep failed"))
      .finally(() => {
        sweeping = undefined;
      });
    return sweeping;
  }

  return {
    /** Wakes the lane of `instanceId` (a nudge); an instance not yet recovered here waits for the next sweep. */
    async nudge(instanceId: string): Promise<void> {
      if (!recovered.has(instanceId)) await sweepSoon();
      void kick(instanceId);
    },
    sweep: sweepSoon,
    start(): void {
      timer = setInterval(() => void sweepSoon(), deps.sweepMs);
      timer.unref();
    },
    /** Stops waking lanes and waits for the running ones to finish their current message. */
    async close(): Promise<void> {
      closed = true;
      if (timer) clearInterval(timer);
      await sweeping;
      await Promise.all([...lanes.values()].map((l) => l.running));
    },
  };
}

export type SendLanes = ReturnType<typeof createSendLanes>;
