import type { Database } from "@mirage/db";
import type { createQueues } from "@mirage/queue/queues";
import type { Redis } from "ioredis";
import { blacklistRoutes } from "./blacklist/index.ts";
import { campaignsFeatureRoutes, type createCampaignScheduler } from "./campaigns/index.ts";
import { contactsFeatureRoutes } from "./contacts/index.ts";
import type { RouteDef } from "./http/route.ts";
import { importRoutes } from "./imports/index.ts";
import type { InstanceControl } from "./instances/instance-control.ts";
import { instanceRoutes } from "./instances/instances.routes.ts";
import { instanceWaActionRoutes } from "./instances/wa-actions.routes.ts";
import { conversationRoutes } from "./messaging/conversations.routes.ts";
import { messageRoutes } from "./messaging/messages.routes.ts";
import { reactionRoutes } from "./messaging/reactions.routes.ts";
import type { createSendService } from "./messaging/send-service.ts";
import { segmentRoutes } from "./segments/index.ts";
import { statsRoutes } from "./stats/index.ts";
import { templateRoutes } from "./templates/index.ts";
import { workerRoutes } from "./workers/workers.routes.ts";

/**
 * The feature routes mounted beyond the core, in one list so that the offline OpenAPI export (CI lint) documents
 * exactly what a running orchestrator serves.
 */
export function featureRoutes(deps: FeatureDeps): RouteDef[] {
  const { db } = deps;
  return [
    ...instanceRoutes({ db, control: deps.control }),
    ...instanceWaActionRoutes({ db, control: deps.control }),
    ...contactsFeatureRoutes({ db, queues: { redis: deps.redis, prefix: deps.ns }, workers: deps.control }),
    ...importRoutes({ db, queues: deps.queues, maxBytes: deps.importMaxBytes }),
    ...segmentRoutes({ db }),
    ...blacklistRoutes({ db }),
    ...templateRoutes({ db }),
    ...workerRoutes({ db, redis: deps.redis, ns: deps.ns }),
    ...messageRoutes({ db, send: deps.send }),
    ...conversationRoutes({ db, send: deps.send }),
    ...reactionRoutes({ db, control: deps.control }),
    ...statsRoutes({ db }),
    ...campaignsFeatureRoutes({ db, engine: deps.campaignEngine }),
  ];
}

/** What the feature routes capture (route factories only keep them for their handlers). */
export type FeatureDeps = {
  db: Database;
  control: InstanceControl;
  queues: ReturnType<typeof createQueues>;
  importMaxBytes: number;
  redis: Redis;
  ns: string;
  send: ReturnType<typeof createSendService>;
  campaignEngine: ReturnType<typeof createCampaignScheduler>["engine"];
};
