import type { Database } from "@mirage/db";
import { claimDueWebhookDeliveries } from "@mirage/db/webhooks";
import type { Logger } from "@mirage/logger";
import type { Queues } from "@mirage/queue/queues";

export const WEBHOOK_DELIVERIES_CHANNEL = "mirage_webhook_deliveries";

export type DispatcherDeps = {
  db: Database;
  queues: Queues;
  logger: Logger;
  intervalMs: number;
  /** Deliveries left delivering/failed longer than this are reclaimed (their job was lost). */
  staleAfterMs: number;
  batchSize?: number;
  /** Attempts per delivery before it is dead-lettered (WEBHOOK_MAX_ATTEMPTS). */
  maxAttempts: number;
};

/**
 * Moves due outbox rows into the delivery queue. Woken by the outbox trigger's NOTIFY and by a timer (so a missed
 * notification, or a row written while no orchestrator ran, is delivered anyway). Claims use SKIP LOCKED, so any
 * number of replicas can dispatch without enqueueing a row twice.
 */
export function createWebhookDispatcher(deps: DispatcherDeps) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  let unlisten: (() => Promise<void>) | undefined;

  async function drain(): Promise<void> {
    for (;;) {
      const claimed = await deps.db.asService((tx) =>
        claimDueWebhookDeliveries(tx, { limit: deps.batchSize ?? 100, staleAfterMs: deps.staleAfterMs }),
      );
      for (const row of claimed)
        await deps.queues.enqueue("deliverWebhook", { deliveryId: row.id }, { attempts: deps.maxAttempts });
      if (claimed.length < (deps.batchSize ?? 100) || stopped) return;
    }
  }

  function tick(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = drain()
      .catch((err: unknown) => deps.logger.error({ err }, "webhook dispatch failed"))
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          tick();
        }
      });
  }

  return {
    tick,
    async start(): Promise<void> {
      const meta = await deps.db.sql.listen(WEBHOOK_DELIVERIES_CHANNEL, () => tick());
      unlisten = () => meta.unlisten();
      timer = setInterval(tick, deps.intervalMs);
      tick();
    },
    async close(): Promise<void> {
      stopped = true;
      if (timer) clearInterval(timer);
      await unlisten?.();
      unlisten = undefined;
      await running;
    },
  };
}

export type WebhookDispatcher = ReturnType<typeof createWebhookDispatcher>;
