import type { Database } from "@mirage/db";
import { campaignCounts } from "@mirage/db/campaign-planning";
import type { Logger } from "@mirage/logger";
import { createWorker, type Queues } from "@mirage/queue/queues";
import { publishRealtimeEvent } from "@mirage/queue/realtime";
import type { Worker } from "bullmq";
import type { Redis } from "ioredis";
import { createCampaignEngine } from "./engine.ts";

const SCHEDULER_ID = "campaign-tick";

/**
 * The campaign scheduler: a BullMQ Job Scheduler (one per deployment, upserted by every orchestrator) adds a
 * `campaignTick` job every `tickMs`; this process's worker runs it (one at a time). Running campaigns' counts go to
 * socket.io as `campaign:progress`, at most once per `progressMs` per campaign — not one event per message.
 */
export function createCampaignScheduler(deps: {
  db: Database;
  redis: Redis;
  queues: Queues;
  logger: Logger;
  prefix: string;
  stream: string;
  tickMs: number;
  progressMs: number;
}) {
  const logger = deps.logger.child({ module: "campaign-scheduler" });
  const lastProgress = new Map<string, number>();
  const engine = createCampaignEngine({
    db: deps.db,
    logger,
    async onProgress(orgId, campaignId, status) {
      const now = Date.now();
      if (now - (lastProgress.get(campaignId) ?? 0) < deps.progressMs) return;
      lastProgress.set(campaignId, now);
      const { total } = await deps.db.asService((tx) => campaignCounts(tx, campaignId));
      await publishRealtimeEvent(
        deps.redis,
        {
          type: "campaign:progress",
          orgId,
          at: now,
          data: { campaignId, status: status as never, counts: total },
        },
        { stream: deps.stream },
      );
    },
  });
  let worker: Worker | undefined;
  let connection: Redis | undefined;
  return {
    engine,
    async start(): Promise<void> {
      await deps.queues
        .get("campaigns")
        .upsertJobScheduler(SCHEDULER_ID, { every: deps.tickMs }, { name: "campaignTick", data: {} });
      connection = deps.redis.duplicate({ maxRetriesPerRequest: null });
      worker = createWorker({
        name: "campaignTick",
        connection,
        prefix: deps.prefix,
        concurrency: 1,
        process: () => engine.tick(),
        onError: (err) => logger.error({ err }, "campaign tick worker error"),
      });
    },
    async close(): Promise<void> {
      await worker?.close();
      connection?.disconnect();
    },
  };
}
