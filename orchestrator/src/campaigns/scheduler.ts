import type { Database } from "@mirage/db";
import { campaignCounts } from "@mirage/db/campaign-planning";
import type { Logger } from "@mirage/logger";
import { createWorker, type Queues } from "@mirage/queue/queues";
import { type PublishOptions, publishRealtimeEvent } from "@mirage/queue/realtime";
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
  /** Where events go: the stream, and how many each organization keeps (the gateway's replay size). */
  realtime: PublishOptions;
  tickMs: number;
  progressMs: number;
}) {
  const logger = deps.logger.child({ module: "campaign-scheduler" });
  const lastProgress = new Map<string, { at: number; status: string }>();
  const trailing = new Map<string, NodeJS.Timeout>();
  const publish = async (orgId: string, campaignId: string, status: string) => {
    const now = Date.now();
    lastProgress.set(campaignId, { at: now, status });
    const { total } = await deps.db.asService((tx) => campaignCounts(tx, campaignId));
    await publishRealtimeEvent(
      deps.redis,
      { type: "campaign:progress", orgId, at: now, data: { campaignId, status: status as never, counts: total } },
      deps.realtime,
    );
  };
  const engine = createCampaignEngine({
    db: deps.db,
    logger,
    // Throttled per campaign, but never silent about the end: a change of status goes out at once, and a call
    // inside the quiet period leaves one trailing publication, so the last counts (the final sends of a campaign
    // that just completed, after which no tick looks at it) always reach the browsers.
    async onProgress(orgId, campaignId, status) {
      const last = lastProgress.get(campaignId);
      const wait = last ? last.at + deps.progressMs - Date.now() : 0;
      if (wait <= 0 || last?.status !== status) {
        clearTimeout(trailing.get(campaignId));
        trailing.delete(campaignId);
        return publish(orgId, campaignId, status);
      }
      if (trailing.has(campaignId)) return;
      const timer = setTimeout(() => {
        trailing.delete(campaignId);
        publish(orgId, campaignId, status).catch((err: unknown) =>
          logger.warn({ err, campaignId }, "progress not published"),
        );
      }, wait);
      timer.unref();
      trailing.set(campaignId, timer);
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
      for (const timer of trailing.values()) clearTimeout(timer);
      trailing.clear();
      await worker?.close();
      connection?.disconnect();
    },
  };
}
